/**
 * The two ways into the emulator's app, and how each carries out connection-level faults
 * (`drop`, `hang`, `reset`) that a Response alone cannot express:
 * - over real HTTP (`nodeFetchCallback`, for @hono/node-server): by acting on the socket;
 * - in process (`inProcessFetch`, `emulator.fetch`): by rejecting like `fetch` does on a network
 *   error, never settling, or handing back a body that fails half-way.
 */
import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Hono } from 'hono';
import { CONTROL_TOKEN_HEADER } from './controlGuard.js';
import { TRANSPORT_FAULT_HEADER } from './faults.js';
import type { EmulatorEnv } from './http.js';
import { CONTROL_PREFIX } from './requestLog.js';

/** Requests held by a `hang` fault; `releaseAll()` (the emulator's `close()`) lets them all go. */
export class HangRegistry {
  #releases = new Set<() => void>();
  #closed = false;

  /**
   * Resolves when released (by `releaseAll` or by `cancel`), at once after `releaseAll`: a hang
   * that reaches the transport after `close()` began must not outlive it.
   */
  hold(): { released: Promise<void>; cancel: () => void } {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = () => {
        this.#releases.delete(release);
        resolve();
      };
    });
    if (this.#closed) release();
    else this.#releases.add(release);
    return { released, cancel: release };
  }

  releaseAll(): void {
    this.#closed = true;
    for (const release of [...this.#releases]) release();
  }
}

/** Statuses that carry no body, and so no content type. */
export const BODILESS = [204, 205, 304];

function withoutMarker(headers: Headers): Headers {
  const copy = new Headers(headers);
  copy.delete(TRANSPORT_FAULT_HEADER);
  return copy;
}

/** The fetch callback for @hono/node-server: the app, plus socket-level faults. */
export function nodeFetchCallback(app: Hono<EmulatorEnv>, hangs: HangRegistry) {
  return async (request: Request, env: HttpBindings): Promise<Response> => {
    const response = await app.fetch(request, env);
    const kind = response.headers.get(TRANSPORT_FAULT_HEADER);
    const { incoming, outgoing } = env;
    if (!kind && BODILESS.includes(response.status)) {
      // @hono/node-server would add `content-type: text/plain` to a response without one.
      const headers = Object.fromEntries(response.headers);
      delete headers['content-type'];
      outgoing.writeHead(response.status, headers);
      outgoing.end();
      return RESPONSE_ALREADY_SENT;
    }
    if (!kind) return response;
    if (kind === 'drop') {
      incoming.socket.destroy();
    } else if (kind === 'hang') {
      const hold = hangs.hold();
      outgoing.once('close', hold.cancel);
      await hold.released;
      incoming.socket.destroy();
    } else {
      // reset: promise more body than is sent, send half, then close the connection.
      const body = Buffer.from(await response.arrayBuffer());
      const headers = Object.fromEntries(withoutMarker(response.headers));
      headers['content-length'] = String(body.length + 1024);
      outgoing.writeHead(response.status, headers);
      const part = body.subarray(0, Math.max(1, Math.floor(body.length / 2)));
      await new Promise<void>((resolve) => outgoing.write(part, () => resolve()));
      // A FIN, not a RST: the client keeps what it received and then finds the body cut short.
      incoming.socket.end();
    }
    return RESPONSE_ALREADY_SENT;
  };
}

function networkError(reason: string): TypeError {
  return new TypeError('fetch failed', { cause: new Error(reason) });
}

/** A response whose body stops half-way with an error, as a reset connection looks to fetch. */
async function truncated(response: Response): Promise<Response> {
  const body = new Uint8Array(await response.arrayBuffer());
  const part = body.subarray(0, Math.max(1, Math.floor(body.length / 2)));
  let sent = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!sent) {
        sent = true;
        controller.enqueue(part);
      } else {
        controller.error(networkError('the connection was reset mid-body (injected reset)'));
      }
    },
  });
  return new Response(stream, {
    status: response.status,
    headers: withoutMarker(response.headers),
  });
}

function toUrl(input: RequestInfo | URL, baseUrl: string): RequestInfo | URL {
  return typeof input === 'string' && input.startsWith('/') ? new URL(input, baseUrl) : input;
}

/** The process that holds the emulator holds its control token: add it where it is missing. */
function withControlToken(request: Request, controlToken: string): Request {
  const { pathname } = new URL(request.url);
  const isControl = pathname === CONTROL_PREFIX || pathname.startsWith(`${CONTROL_PREFIX}/`);
  if (isControl && !request.headers.has(CONTROL_TOKEN_HEADER)) {
    request.headers.set(CONTROL_TOKEN_HEADER, controlToken);
  }
  return request;
}

/**
 * `fetch` straight into the app, without sockets. Honours `signal`; connection-level faults
 * behave as `fetch` does: a drop rejects with `TypeError('fetch failed')`, a hang waits until the
 * signal aborts or the emulator closes, a reset yields a body that errors half-way. Control-surface
 * requests get `controlToken` unless they carry a token of their own.
 */
export function inProcessFetch(
  app: Hono<EmulatorEnv>,
  baseUrl: () => string,
  hangs: HangRegistry,
  controlToken: string,
): typeof globalThis.fetch {
  return (input, init) =>
    new Promise<Response>((resolve, reject) => {
      let request: Request;
      try {
        request = withControlToken(new Request(toUrl(input, baseUrl()), init), controlToken);
      } catch (error) {
        reject(error);
        return;
      }
      const { signal } = request;
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      let cancelHold: (() => void) | undefined;
      let settled = false;
      const settle = (action: () => void) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        cancelHold?.();
        action();
      };
      const onAbort = () => settle(() => reject(signal.reason));
      signal.addEventListener('abort', onAbort, { once: true });

      Promise.resolve(app.fetch(request)).then(
        async (response) => {
          const kind = response.headers.get(TRANSPORT_FAULT_HEADER);
          if (!kind) return settle(() => resolve(response));
          if (kind === 'drop') {
            return settle(() =>
              reject(networkError('connection closed without a response (injected drop)')),
            );
          }
          if (kind === 'hang') {
            const hold = hangs.hold();
            cancelHold = hold.cancel;
            await hold.released;
            return settle(() => reject(networkError('the emulator closed while the request hung')));
          }
          // A 204 has no body to cut: over HTTP the client reads that reset as a network error.
          if (response.body === null || BODILESS.includes(response.status)) {
            return settle(() =>
              reject(networkError('the connection was reset (injected reset, no body)')),
            );
          }
          const cut = await truncated(response);
          return settle(() => resolve(cut));
        },
        (error: unknown) => settle(() => reject(error)),
      );
    });
}
