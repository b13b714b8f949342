import ky, { type KyInstance } from 'ky';
import type * as z from 'zod/mini';
import { DsmError } from './errors/DsmError.js';
import { DsmHttpError, httpErrorFor } from './errors/httpErrors.js';
import { DsmAbortedError, DsmNetworkError, DsmTimeoutError } from './errors/transportErrors.js';
import { DsmResponseValidationError, type DsmValidationIssue } from './errors/validationErrors.js';
import { type RetryPolicy, retryableStatuses, retryDelay } from './retry.js';
import type { CallOptions } from './types.js';
import { anySignal, delay, raceAbort } from './utils/abort.js';
import { describeIssue, toValidationIssues } from './utils/issues.js';
import { parseRetryAfter } from './utils/retryAfter.js';

/** What an operation expects back on success. */
export type Expect<T> =
  /** A documented 204: the body, if any, is discarded. */
  | { body: 'none' }
  /** A JSON body checked against `schema`. With `emptyOk`, an empty body or 204 is accepted too. */
  | { body: 'json'; schema: z.ZodMiniType<T>; emptyOk?: boolean };

/** One DSM operation, ready to send. */
export interface OperationRequest<T> {
  operationId: string;
  method: 'get' | 'post' | 'patch';
  /** Relative to the base URL, without a leading slash; ids already checked and encoded. */
  path: string;
  searchParams?: Record<string, string>;
  authorization: string;
  json?: unknown;
  /** Safe to repeat (DSM ends in the same state): retried on network errors and 408/429/5xx. */
  idempotent: boolean;
  expect: Expect<T>;
}

export interface TransportConfig {
  baseUrl: string;
  timeoutMs: number;
  retry: RetryPolicy;
  keepalive: boolean;
  fetch?: typeof globalThis.fetch | undefined;
}

/** Error bodies are read up to this many bytes: enough for any message DSM writes. */
const maxErrorBodyBytes = 16 * 1024;
/**
 * Success bodies larger than this are refused unread (DSM's answers are a few KiB): a proxy
 * or a hostile endpoint cannot make the client buffer, or believe, an unbounded body.
 */
export const maxResponseBytes = 4 * 1024 * 1024;

/** Sends DSM operations over one ky instance: timeouts, aborts, retries, typed errors. */
export class Transport {
  readonly #api: KyInstance;
  readonly #config: TransportConfig;
  readonly #origin: string;

  constructor(config: TransportConfig) {
    this.#config = config;
    this.#origin = new URL(config.baseUrl).origin;
    this.#api = ky.create({
      prefixUrl: config.baseUrl,
      // Our own timer bounds each attempt, body included: ky's stops at the response headers.
      timeout: false,
      // Retries are decided per operation below: ky would retry by method, not by operation.
      retry: 0,
      // Statuses become DsmHttpError subclasses below, with DSM's redacted text.
      throwHttpErrors: false,
      ...(config.fetch ? { fetch: config.fetch } : {}),
    });
  }

  async send<T>(request: OperationRequest<T>, options: CallOptions = {}): Promise<T> {
    const { signal } = options;
    if (signal?.aborted) throw new DsmAbortedError(request.operationId);
    const limit = request.idempotent ? this.#config.retry.limit : 0;
    for (let retry = 1; ; retry++) {
      try {
        return await this.#attempt(request, options);
      } catch (error) {
        if (retry > limit || !isRetryable(error)) throw error;
        const retryAfterMs = error instanceof DsmHttpError ? error.retryAfterMs : undefined;
        try {
          await delay(retryDelay(this.#config.retry, retry, retryAfterMs), signal);
        } catch {
          throw new DsmAbortedError(request.operationId);
        }
      }
    }
  }

  async #attempt<T>(request: OperationRequest<T>, options: CallOptions): Promise<T> {
    const { operationId } = request;
    const { timeoutMs } = this.#config;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    const signal = options.signal ? anySignal([options.signal, timeout.signal]) : timeout.signal;
    try {
      const response = await raceAbort(
        this.#api(request.path, {
          method: request.method,
          headers: { authorization: request.authorization, accept: 'application/json' },
          json: request.json,
          searchParams: request.searchParams,
          signal,
          keepalive: options.keepalive ?? this.#config.keepalive,
          // A followed 307/308 would resend the password or token to wherever DSM pointed.
          redirect: 'manual',
        }),
        signal,
      );
      if (isRedirect(response)) {
        await response.body?.cancel().catch(() => {});
        throw new DsmHttpError(
          { status: response.status, operationId },
          'HTTP_ERROR',
          'a redirect. The client does not follow redirects, which would resend credentials: check the base URL.',
        );
      }
      if (!response.ok) {
        const serverText = await raceAbort(readLimitedText(response, maxErrorBodyBytes), signal);
        // DSM's text is kept behind the error's untrustedServerText(), never in its message.
        throw httpErrorFor({
          status: response.status,
          operationId,
          serverText,
          retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
        });
      }
      return await raceAbort(readBody(request, response), signal);
    } catch (error) {
      if (error instanceof DsmError) throw error;
      if (options.signal?.aborted) throw new DsmAbortedError(operationId);
      if (timeout.signal.aborted) throw new DsmTimeoutError(operationId, timeoutMs);
      throw new DsmNetworkError(operationId, this.#origin, sanitizeCause(error));
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A 3xx, or the opaque redirect a browser's fetch gives for `redirect: 'manual'`. */
function isRedirect(response: Response): boolean {
  return response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400);
}

function isRetryable(error: unknown): boolean {
  if (error instanceof DsmNetworkError) return true;
  return error instanceof DsmHttpError && retryableStatuses.has(error.status);
}

async function readBody<T>(request: OperationRequest<T>, response: Response): Promise<T> {
  const { expect, operationId } = request;
  const invalid = (message: string) =>
    new DsmResponseValidationError(operationId, response.status, [{ path: [], message }]);
  if (expect.body === 'none') {
    await response.body?.cancel().catch(() => {});
    return undefined as T;
  }
  if (Number(response.headers.get('content-length')) > maxResponseBytes) {
    await response.body?.cancel().catch(() => {});
    throw invalid(`body is larger than ${maxResponseBytes} bytes`);
  }
  const text = response.status === 204 ? '' : await readLimitedText(response, maxResponseBytes + 1);
  if (new TextEncoder().encode(text).byteLength > maxResponseBytes) {
    throw invalid(`body is larger than ${maxResponseBytes} bytes`);
  }
  if (text === '') {
    if (expect.emptyOk) return undefined as T;
    throw invalid(`expected a JSON body, got none (HTTP ${response.status})`);
  }
  const contentType = response.headers.get('content-type') ?? '';
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType)) {
    throw invalid(
      `expected content type application/json, got ${contentType ? 'another' : 'none'}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // The parser's message quotes the body, which may hold secrets: it is not passed on.
    throw invalid('body is not valid JSON');
  }
  const parsed = expect.schema.safeParse(json, { error: describeIssue });
  if (!parsed.success) {
    const issues: DsmValidationIssue[] = toValidationIssues(expect.schema, parsed.error.issues);
    throw new DsmResponseValidationError(operationId, response.status, issues);
  }
  return parsed.data;
}

/** Reads at most `maxBytes` of a body (an error page can be large) and cancels the rest. */
async function readLimitedText(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < maxBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes.subarray(0, maxBytes));
}

/**
 * A plain `Error` standing for a low-level failure: only its `code` (`ECONNREFUSED`…) when it
 * is a plain system code, in a sentence of the library's own. The original object and its
 * message are dropped: a message can quote what a peer sent, and the object may reference the
 * request.
 */
function sanitizeCause(error: unknown): Error {
  const root = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const raw = (root as { code?: unknown } | null)?.code;
  const code = typeof raw === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(raw) ? raw : undefined;
  const cause = new Error(code ? `network failure (${code})` : 'network failure');
  if (code) Object.assign(cause, { code });
  return cause;
}
