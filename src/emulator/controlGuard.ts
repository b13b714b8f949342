/**
 * What stands in front of the control surface (`/__emulator/`), so that an emulator left running
 * on a well-known port cannot be driven by a web page the developer happens to visit:
 * - the per-emulator token in `X-Emulator-Token` (a custom header: a browser must ask first, and
 *   without CORS it is refused);
 * - `Content-Type: application/json` on everything but GET and HEAD (a `text/plain` POST needs no
 *   preflight, a JSON one does);
 * - a 64 KiB limit on the body.
 */
import type { MiddlewareHandler } from 'hono';
import { type EmulatorEnv, textResponse } from './http.js';
import { messages } from './messages.js';
import { sameSecret } from './state.js';

/** The header that carries the control token. */
export const CONTROL_TOKEN_HEADER = 'x-emulator-token';

/** The largest body the control surface reads. */
export const MAX_CONTROL_BODY_BYTES = 64 * 1024;

function isJson(contentType: string | undefined): boolean {
  return /^application\/json\s*(;|$)/i.test(contentType?.trim() ?? '');
}

/**
 * The body as text, read no further than `maxBytes`; undefined when it is longer. Reads the
 * stream itself, so a chunked body without a length is bounded too.
 */
async function boundedText(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<string | undefined> {
  if (!body) return '';
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** 401 without the token, 415 without JSON, 413 for a body over the limit. */
export function controlGuard(token: string): MiddlewareHandler<EmulatorEnv> {
  return async (c, next) => {
    const given = c.req.header(CONTROL_TOKEN_HEADER);
    if (given === undefined || !sameSecret(given, token)) {
      return textResponse(401, messages.controlTokenRequired);
    }
    if (!['GET', 'HEAD'].includes(c.req.method) && !isJson(c.req.header('content-type'))) {
      return textResponse(415, messages.controlJsonRequired, { 'accept-post': 'application/json' });
    }
    if (Number(c.req.header('content-length') ?? 0) > MAX_CONTROL_BODY_BYTES) {
      return textResponse(413, messages.controlBodyTooLarge);
    }
    const text = await boundedText(c.req.raw.body, MAX_CONTROL_BODY_BYTES);
    if (text === undefined) return textResponse(413, messages.controlBodyTooLarge);
    // The routes read the body through Hono, which then answers from this cache (it holds
    // promises at run time, whatever its type says).
    (c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve(text);
    await next();
  };
}
