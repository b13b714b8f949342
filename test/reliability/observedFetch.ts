/**
 * A `fetch` that watches every request the client sends: which DSM operation, what the workflow
 * believed at that instant (for invariant 2), and whether the exchange, body included, is
 * still in flight (so the test only moves fake time when the wire is quiet).
 */
import { type DsmOperationId, operationIdOf } from '../../src/emulator/operations.js';

export interface SentRequest {
  operationId: DsmOperationId | undefined;
  /** What the app-side observer said when the request left (e.g. the workflow's state). */
  context: string;
  /** True until the response, body included, has been read, cancelled or failed. */
  inFlight: boolean;
}

export interface ObservedFetch {
  fetch: typeof globalThis.fetch;
  readonly sent: readonly SentRequest[];
  /** Requests still in flight. */
  inFlight(): SentRequest[];
  /** Sends this operation to `url` instead (a closed port: a real ECONNREFUSED). */
  redirect(operationId: string, url: string): void;
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/** Ends `entry` when its body has been read to the end, failed or been cancelled. */
function trackBody(response: Response, finish: () => void): Response {
  if (!response.body || NULL_BODY_STATUSES.has(response.status)) {
    finish();
    return response;
  }
  const reader = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          finish();
          controller.close();
        } else {
          controller.enqueue(value);
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
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

export function observeFetch(describe: () => string, base = globalThis.fetch): ObservedFetch {
  const sent: SentRequest[] = [];
  const redirects = new Map<string, string>();
  const observed: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const operationId = operationIdOf(request.method, url.pathname);
    const entry: SentRequest = { operationId, context: describe(), inFlight: true };
    sent.push(entry);
    const finish = () => {
      entry.inFlight = false;
    };
    const target = operationId && redirects.get(operationId);
    try {
      // Redirected requests never reach a server, so their body does not matter.
      const response = await base(
        target
          ? new Request(`${target}${url.pathname}${url.search}`, {
              method: request.method,
              headers: request.headers,
              signal: request.signal,
            })
          : request,
      );
      return trackBody(response, finish);
    } catch (error) {
      finish();
      throw error;
    }
  };
  return {
    fetch: observed,
    sent,
    inFlight: () => sent.filter((entry) => entry.inFlight),
    redirect: (operationId, url) => redirects.set(operationId, url),
  };
}
