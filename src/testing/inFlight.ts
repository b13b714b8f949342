/**
 * A `fetch` that logs the DSM operations it sends and counts those in flight, so the testbed
 * can tell "waiting for the network" (wait) from "waiting for a timer" (run the next timer).
 */
import { operationIdOf } from '../emulator/operations.js';

export interface CountingFetch {
  fetch: typeof globalThis.fetch;
  /** The operationId (or `METHOD path`) of every request sent so far. */
  readonly sent: readonly string[];
  /** Requests without an answer yet. */
  readonly pending: number;
  /** Resolves once no request is in flight. */
  idle(): Promise<void>;
}

export function countingFetch(inner: typeof globalThis.fetch): CountingFetch {
  const sent: string[] = [];
  let pending = 0;
  let waiters: Array<() => void> = [];
  const done = () => {
    pending -= 1;
    if (pending > 0) return;
    const ready = waiters;
    waiters = [];
    for (const resolve of ready) resolve();
  };
  const fetch: typeof globalThis.fetch = (input, init) => {
    // Read without building a Request: that would take the body away from the real call.
    const isRequest = input instanceof Request;
    const method = (init?.method ?? (isRequest ? input.method : 'GET')).toUpperCase();
    const path = new URL(isRequest ? input.url : String(input), 'http://127.0.0.1').pathname;
    sent.push(operationIdOf(method, path) ?? `${method} ${path}`);
    pending += 1;
    let response: Promise<Response>;
    try {
      response = inner(input, init);
    } catch (error) {
      done();
      throw error;
    }
    // The answer counts as arrived once the caller has read its body to the end (or the
    // reading failed or was cancelled): not when the bytes arrived, which can be several
    // turns of the event loop earlier on some Node versions.
    return response.then(
      (res) => {
        if (!res.body) {
          done();
          return res;
        }
        let finished = false;
        const finish = () => {
          if (finished) return;
          finished = true;
          done();
        };
        const reader = res.body.getReader();
        const readable = new ReadableStream<Uint8Array>({
          async pull(controller) {
            try {
              const chunk = await reader.read();
              if (chunk.done) {
                controller.close();
                finish();
              } else {
                controller.enqueue(chunk.value);
              }
            } catch (error) {
              controller.error(error);
              finish();
            }
          },
          cancel(reason) {
            finish();
            return reader.cancel(reason);
          },
        });
        return new Response(readable, {
          status: res.status,
          statusText: res.statusText,
          headers: res.headers,
        });
      },
      (error: unknown) => {
        done();
        throw error;
      },
    );
  };
  return {
    fetch,
    get sent() {
      return sent;
    },
    get pending() {
      return pending;
    },
    idle: () =>
      pending === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve)),
  };
}
