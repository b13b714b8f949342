/** Small HTTP helpers shared by the routes: the Hono env, plain-text errors, bodies, tokens. */
import type { Context } from 'hono';
import { messages } from './messages.js';
import type { DsmOperationId } from './operations.js';

export type EmulatorEnv = {
  Variables: {
    /** The DSM operation of this request, set by the request log. */
    operationId: DsmOperationId | undefined;
  };
};

export type EmulatorContext = Context<EmulatorEnv>;

/**
 * A DSM error answer. Routes throw it; the app's error handler turns it into a `text/plain`
 * response, as DSM sends them.
 */
export class DsmHttpFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'DsmHttpFailure';
  }
}

export function fail(status: number, message: string, headers?: Record<string, string>): never {
  throw new DsmHttpFailure(status, message, headers);
}

/** A plain-text response with a status the options may have changed (hence `number`). */
export function textResponse(
  status: number,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(message, {
    status,
    headers: { 'content-type': 'text/plain; charset=UTF-8', ...headers },
  });
}

/** A JSON response. */
export function jsonResponse(value: unknown, status = 200): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

export function noContent(): Response {
  return new Response(null, { status: 204 });
}

/** The JSON body, `undefined` when empty; a 400 when it is not JSON. */
export async function readJson(c: EmulatorContext): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    fail(400, messages.invalidJson);
  }
}

/** The JSON body as an object (empty body: `{}`), or a 400 naming what was expected. */
export async function readObject(
  c: EmulatorContext,
  what: string,
): Promise<Record<string, unknown>> {
  const body = (await readJson(c)) ?? {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    fail(400, `The request body must be a JSON object (${what}).`);
  }
  return body as Record<string, unknown>;
}

/** The credentials of an `Authorization: <scheme> <credentials>` header. */
export function authorization(c: Context, scheme: 'Bearer' | 'Basic'): string | undefined {
  const header = c.req.header('authorization');
  const match = header?.match(/^(\S+)\s+(\S+)\s*$/);
  if (!match || match[1]?.toLowerCase() !== scheme.toLowerCase()) return undefined;
  return match[2];
}

/** A non-blank single-line string (DSM's pattern for names), or undefined. */
export function singleLineName(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 4096) return undefined;
  return /^[^\n]*[^\s\n][^\n]*$/.test(value) ? value : undefined;
}
