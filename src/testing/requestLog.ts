/**
 * The testbed's `fetch`es: one per workflow, which logs every DSM operation that workflow's
 * client sends with ITS state at that instant (for invariant 2), and one for the clients of no
 * workflow (sign-in, `openSession()`'s, `testbed.client`). One log for all: it knows which
 * answers are still in flight (so the testbed can tell "waiting for the network" from "waiting
 * for a timer"), and can send an operation to a port where nothing listens (a real ECONNREFUSED).
 */
import { createServer } from 'node:net';
import { operationIdOf } from '../emulator/operations.js';

/** One request as it left the client. */
export interface SentRequest {
  /** DSM's operationId, or `METHOD path` for a path DSM does not have. */
  readonly operationId: string;
  /**
   * The state, when the request left, of the workflow that sent it; `other` for a client of no
   * workflow (`openSession()`'s, `testbed.client`), `setup` before the testbed exists.
   */
  readonly state: string;
  /** True until the answer, body included, has been read, cancelled or failed. */
  readonly inFlight: boolean;
}

/** Who sends through a `fetch` of the log: the state to record, for the request leaving. */
export type Sender = (request: { operationId: string; bearer: () => string | null }) => string;

export interface RequestLog {
  /** The `fetch` of the clients of no workflow: records `stateNow`'s answer. */
  fetch: typeof globalThis.fetch;
  /** A `fetch` of its own for one sender (a workflow's client): records what `sender` says. */
  fetchAs(sender: Sender): typeof globalThis.fetch;
  /** Every request sent so far, oldest first. */
  readonly sent: readonly SentRequest[];
  /** Requests without an answer (read to the end) yet. */
  readonly pending: number;
  /** Resolves once no request is in flight. */
  idle(): Promise<void>;
  /** Sends `operationId` to a port on which nothing listens from now on. */
  unreachable(operationId: string): Promise<void>;
  /** Forgets the requests sent so far (a long run keeps its memory flat). */
  clear(): void;
  /** Called as each request of `fetch` leaves; returns the state to record (`setup` until set). */
  stateNow: Sender;
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/** Calls `finish` once the body has been read to the end, failed or been cancelled. */
function trackBody(res: Response, finish: () => void): Response {
  if (!res.body || NULL_BODY_STATUSES.has(res.status)) {
    finish();
    return res;
  }
  // The answer counts as arrived once the caller has read its body to the end: not when the
  // bytes arrived, which can be several turns of the event loop earlier on some Node versions.
  const reader = res.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const chunk = await reader.read();
        if (chunk.done) {
          finish();
          controller.close();
        } else {
          controller.enqueue(chunk.value);
        }
      } catch (error) {
        finish();
        controller.error(error);
      }
    },
    cancel(reason) {
      finish();
      return reader.cancel(reason);
    },
  });
  return new Response(body, {
    status: res.status,
    statusText: res.statusText,
    headers: res.headers,
  });
}

/** A loopback URL on which nothing listens: a port just opened and closed again. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** The bearer token a request carries, to compare and never keep: it is a secret. */
function bearerOf(input: RequestInfo | URL, init: RequestInit | undefined): string | null {
  const headers =
    init?.headers !== undefined
      ? new Headers(init.headers)
      : input instanceof Request
        ? input.headers
        : undefined;
  const value = headers?.get('authorization');
  return value?.startsWith('Bearer ') ? value.slice('Bearer '.length) : null;
}

/**
 * Wraps `inner`. The testbed sets `stateNow` and gives each workflow's client a `fetchAs` of
 * its own, whose sender checks invariant 2 against that workflow.
 */
export function requestLog(inner: typeof globalThis.fetch): RequestLog {
  let sent: Array<{ operationId: string; state: string; inFlight: boolean }> = [];
  let pending = 0;
  let waiters: Array<() => void> = [];
  const unreachable = new Map<string, string>();
  const done = (entry: { inFlight: boolean }) => {
    if (!entry.inFlight) return;
    entry.inFlight = false;
    pending -= 1;
    if (pending > 0) return;
    const ready = waiters;
    waiters = [];
    for (const resolve of ready) resolve();
  };
  const fetchAs =
    (sender: Sender): typeof globalThis.fetch =>
    (input, init) => {
      // Read without building a Request: that would take the body away from the real call.
      const isRequest = input instanceof Request;
      const method = (init?.method ?? (isRequest ? input.method : 'GET')).toUpperCase();
      const url = new URL(isRequest ? input.url : String(input), 'http://127.0.0.1');
      const operationId = operationIdOf(method, url.pathname) ?? `${method} ${url.pathname}`;
      const state = sender({ operationId, bearer: () => bearerOf(input, init) });
      const entry = { operationId, state, inFlight: true };
      sent.push(entry);
      pending += 1;
      const target = unreachable.get(operationId);
      let response: Promise<Response>;
      try {
        // A request sent nowhere never reaches a server, so its body does not matter.
        response = target
          ? globalThis.fetch(`${target}${url.pathname}${url.search}`, {
              method,
              signal: init?.signal ?? (isRequest ? input.signal : null),
            })
          : inner(input, init);
      } catch (error) {
        done(entry);
        throw error;
      }
      return response.then(
        (res) => trackBody(res, () => done(entry)),
        (error: unknown) => {
          done(entry);
          throw error;
        },
      );
    };
  const log: RequestLog = {
    fetch: fetchAs((request) => log.stateNow(request)),
    fetchAs,
    stateNow: () => 'setup',
    get sent() {
      return sent;
    },
    get pending() {
      return pending;
    },
    idle: () =>
      pending === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve)),
    async unreachable(operationId) {
      unreachable.set(operationId, await closedPortUrl());
    },
    clear() {
      sent = sent.filter((entry) => entry.inFlight);
    },
  };
  return log;
}
