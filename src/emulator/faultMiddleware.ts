/**
 * Applies injected faults to a request: runs after the request log has named the operation and
 * before DSM's routes. Connection-level faults leave a marker header for the transport.
 */
import type { Context, MiddlewareHandler } from 'hono';
import {
  type FaultKind,
  type FaultRegistry,
  TRANSPORT_FAULT_HEADER,
  type TransportFaultKind,
} from './faults.js';
import type { EmulatorEnv } from './http.js';

const DEFAULT_OVERSIZED_BYTES = 8 * 1024 * 1024;
const OVERSIZED_PREFIX = new TextEncoder().encode('{"padding":"');
const OVERSIZED_SUFFIX = new TextEncoder().encode('"}');
/** One shared chunk of padding: an oversized body is streamed from it, never held whole. */
const PADDING_CHUNK = new Uint8Array(64 * 1024).fill(0x78); // 'x'

/**
 * A valid JSON body of exactly `bytes` bytes, streamed: whatever size a fault asks for, the
 * emulator holds one 64 KiB chunk, and nothing is cached per size.
 */
function oversizedBody(bytes: number): Response {
  let padding = Math.max(0, bytes - OVERSIZED_PREFIX.length - OVERSIZED_SUFFIX.length);
  let started = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(OVERSIZED_PREFIX);
      } else if (padding > 0) {
        const size = Math.min(padding, PADDING_CHUNK.length);
        controller.enqueue(PADDING_CHUNK.subarray(0, size));
        padding -= size;
      } else {
        controller.enqueue(OVERSIZED_SUFFIX);
        controller.close();
      }
    },
  });
  return new Response(stream, {
    headers: { 'content-type': 'application/json', 'content-length': String(bytes) },
  });
}

function delay(ms: number): Promise<void> {
  // Looked up at call time, so vitest's fake timers control injected latency.
  return new Promise((resolve) => globalThis.setTimeout(resolve, ms));
}

function transportMarker(kind: TransportFaultKind, response?: Response): Response {
  const headers = new Headers(response?.headers);
  headers.set(TRANSPORT_FAULT_HEADER, kind);
  return new Response(response?.body ?? null, { status: response?.status ?? 200, headers });
}

/** What the request log learns about the faults applied to a request. */
export interface AppliedFaults {
  kind?: FaultKind;
  latencyMs?: number;
}

/** The fault middleware; `onApplied` tells the request log which faults hit the request. */
export function faultMiddleware(
  registry: FaultRegistry,
  onApplied: (c: Context<EmulatorEnv>, applied: AppliedFaults) => void,
): MiddlewareHandler<EmulatorEnv> {
  return async (c, next) => {
    const { latency, other } = registry.take({
      operationId: c.get('operationId'),
      method: c.req.method,
      path: c.req.path,
    });
    if (!latency && !other) return next();
    onApplied(c, {
      ...(other && { kind: other.kind }),
      ...(latency?.kind === 'latency' && { latencyMs: latency.ms }),
    });
    if (latency?.kind === 'latency') await delay(latency.ms);
    if (!other) return next();

    const after = 'phase' in other && other.phase === 'after';
    switch (other.kind) {
      case 'latency':
        return next();
      case 'status': {
        if (after) await next();
        const headers: Record<string, string> = { 'content-type': 'text/plain; charset=UTF-8' };
        if (other.retryAfterS !== undefined) headers['retry-after'] = String(other.retryAfterS);
        // 204, 205 and 304 cannot carry a body.
        const body = [204, 205, 304].includes(other.status)
          ? null
          : (other.body ?? `Injected fault: HTTP ${other.status}.`);
        c.res = new Response(body, { status: other.status, headers });
        return;
      }
      case 'drop':
      case 'refused':
      case 'hang':
        if (after) await next();
        c.res = transportMarker(other.kind === 'hang' ? 'hang' : 'drop');
        return;
      case 'reset': {
        // Default `after`: the server did its work and the answer was cut.
        if (other.phase !== 'before') await next();
        const cut =
          other.phase === 'before'
            ? new Response('{"injected_fault":"reset","padding":"................"}', {
                headers: { 'content-type': 'application/json' },
              })
            : c.res;
        c.res = transportMarker('reset', cut);
        return;
      }
      case 'malformed':
        if (after) await next();
        c.res = new Response('{"injected_fault": "malformed", "truncated": tr', {
          headers: { 'content-type': 'application/json' },
        });
        return;
      case 'oversized':
        if (after) await next();
        c.res = oversizedBody(Math.max(other.bytes ?? DEFAULT_OVERSIZED_BYTES, 16));
        return;
      case 'wrongContentType': {
        await next();
        const headers = new Headers(c.res.headers);
        headers.set('content-type', 'text/html; charset=UTF-8');
        c.res = new Response(c.res.body, { status: c.res.status, headers });
        return;
      }
    }
  };
}
