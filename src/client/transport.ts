import ky, { HTTPError, type RetryOptions as KyRetryOptions, TimeoutError } from 'ky';
import {
  DsmAbortedError,
  DsmBadRequestError,
  DsmConflictError,
  DsmForbiddenError,
  DsmHttpError,
  type DsmHttpErrorInit,
  DsmLockedError,
  DsmNetworkError,
  DsmNotFoundError,
  DsmRateLimitedError,
  DsmResponseValidationError,
  DsmTimeoutError,
  DsmUnauthorizedError,
} from './errors/index.js';
import type { DsmOperation, OperationId } from './operations.js';
import type { CallOptions, RetryOptions } from './types.js';
import { describeIssue, toValidationIssues } from './utils/issues.js';

export interface OutgoingRequest {
  operationId: OperationId;
  operation: DsmOperation;
  /** With its id filled in (checked and encoded), without the leading slash. */
  path: string;
  authorization: string;
  json?: unknown;
}

export interface TransportConfig {
  baseUrl: string;
  timeoutMs: number;
  retry: RetryPolicy;
  keepalive: boolean;
  fetch?: typeof globalThis.fetch | undefined;
}

/** Enough for any error message DSM writes. */
const maxErrorBodyBytes = 16 * 1024;
/** DSM's answers are a few KiB: no proxy or hostile endpoint makes the client buffer more. */
const maxResponseBytes = 4 * 1024 * 1024;

/**
 * Sends DSM operations with ky: ky retries (idempotent operations only), times out and turns
 * statuses into `HTTPError`; this reads bounded bodies and gives our typed errors.
 */
export function createTransport(config: TransportConfig) {
  const origin = new URL(config.baseUrl).origin;
  const retry = kyRetryOptions(config.retry);
  /** ky with a fetch that reads the body, at most `successLimit` bytes of a 2xx. */
  const api = (successLimit: number) =>
    ky.create({
      prefixUrl: config.baseUrl,
      // ky's timeout lasts until fetch resolves, and this fetch resolves once the body is
      // read: each attempt is bounded, body included.
      timeout: config.timeoutMs,
      fetch: (input, init) =>
        bufferedFetch(config.fetch ?? globalThis.fetch, input, init, successLimit),
      // A followed 307/308 would resend the password or token to wherever DSM pointed.
      redirect: 'manual',
    });
  const apis = { json: api(maxResponseBytes + 1), none: api(0) };

  async function failure(error: unknown, operationId: string, signal?: AbortSignal) {
    if (signal?.aborted) return new DsmAbortedError(operationId);
    if (error instanceof TimeoutError) return new DsmTimeoutError(operationId, config.timeoutMs);
    if (!(error instanceof HTTPError)) {
      return new DsmNetworkError(operationId, origin, sanitizeCause(error));
    }
    const { response } = error;
    // A 3xx, or the opaque redirect a browser's fetch gives for `redirect: 'manual'`.
    if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
      response.body?.cancel().catch(() => {});
      // The sentence for a 3xx says why it is not followed.
      return new DsmHttpError({ status: response.status, operationId });
    }
    // DSM's text is kept behind the error's untrustedServerText(), never in its message.
    return httpErrorFor({
      status: response.status,
      operationId,
      serverText: decoder.decode(bodies.get(response)),
      retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
    });
  }

  return async function send(request: OutgoingRequest, options: CallOptions = {}) {
    const { operationId, operation } = request;
    const { signal } = options;
    if (signal?.aborted) throw new DsmAbortedError(operationId);
    let response: Response;
    try {
      const pending = apis[operation.response ? 'json' : 'none'](request.path, {
        method: operation.method,
        headers: { authorization: request.authorization, accept: 'application/json' },
        json: request.json,
        searchParams: operation.query,
        signal,
        keepalive: options.keepalive ?? config.keepalive,
        retry: operation.idempotent ? retry : 0,
      });
      // ky races its timeout, not the caller's signal, against a fetch that may ignore it.
      response = signal ? await raceAbort(pending, signal) : await pending;
    } catch (error) {
      throw await failure(error, operationId, signal);
    }
    return readBody(request, response);
  };
}

const HTTP_ERRORS: Partial<Record<number, new (init: DsmHttpErrorInit) => DsmHttpError>> = {
  400: DsmBadRequestError,
  401: DsmUnauthorizedError,
  403: DsmForbiddenError,
  404: DsmNotFoundError,
  409: DsmConflictError,
  423: DsmLockedError,
  429: DsmRateLimitedError,
};

/** The error class for an HTTP status. */
function httpErrorFor(init: DsmHttpErrorInit): DsmHttpError {
  return new (HTTP_ERRORS[init.status] ?? DsmHttpError)(init);
}

const bodilessStatuses = [204, 205, 304];
const decoder = new TextDecoder();

/** The bodies `bufferedFetch` read, by response: read once, never re-wrapped (ky reads none). */
const bodies = new WeakMap<Response, Uint8Array>();

/**
 * `fetch`, resolving once the body is in `bodies`: at most `successLimit` bytes of a 2xx (none if
 * it declares more than `maxResponseBytes`) and `maxErrorBodyBytes` of an error. Redirects
 * come back untouched.
 */
async function bufferedFetch(
  fetch: typeof globalThis.fetch,
  input: Parameters<typeof globalThis.fetch>[0],
  init: RequestInit | undefined,
  successLimit: number,
): Promise<Response> {
  const response = await fetch(input, init);
  const { status } = response;
  if (!response.ok && status < 400) return response;
  const declared = Number(response.headers.get('content-length'));
  const limit = !response.ok
    ? maxErrorBodyBytes
    : bodilessStatuses.includes(status) || declared > maxResponseBytes
      ? 0
      : successLimit;
  bodies.set(response, await readAtMost(response.body, limit));
  return response;
}

async function readAtMost(body: Response['body'], limit: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const reader = body?.getReader();
  let size = 0;
  try {
    while (reader && size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    reader?.cancel().catch(() => {});
  }
  const bytes = new Uint8Array(Math.min(size, limit));
  let at = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, bytes.length - at);
    bytes.set(part, at);
    at += part.length;
  }
  return bytes;
}

/** Checks a 2xx against the operation's response schema. */
async function readBody({ operationId, operation }: OutgoingRequest, response: Response) {
  const { status } = response;
  const invalid = (message: string) =>
    new DsmResponseValidationError(operationId, status, [{ path: [], message }]);
  const schema = operation.response;
  if (!schema) return undefined;
  const tooLarge = `body is larger than ${maxResponseBytes} bytes`;
  if (Number(response.headers.get('content-length')) > maxResponseBytes) throw invalid(tooLarge);
  // ky hands back the very response fetch gave while the client sets no afterResponse hook and
  // no download progress; a clone would have no entry here: a typed error, not a TypeError.
  const bytes = bodies.get(response);
  if (!bytes) throw invalid('body was not read by the client');
  if (bytes.byteLength > maxResponseBytes) throw invalid(tooLarge);
  const text = decoder.decode(bytes);
  if (text === '') {
    if (operation.emptyOk) return undefined;
    throw invalid(`expected a JSON body, got none (HTTP ${status})`);
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
  const parsed = schema.safeParse(json, { error: describeIssue });
  if (!parsed.success) {
    const issues = toValidationIssues(schema, parsed.error.issues);
    throw new DsmResponseValidationError(operationId, status, issues);
  }
  return parsed.data;
}

/**
 * A plain `Error` with at most the system `code` (`ECONNREFUSED`) of a low-level failure: its
 * message may quote what a peer sent, and the object may reference the request.
 */
function sanitizeCause(error: unknown): Error {
  const root = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const raw = (root as { code?: unknown } | null)?.code;
  const code = typeof raw === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(raw) ? raw : undefined;
  const cause = new Error(code ? `network failure (${code})` : 'network failure');
  if (code) Object.assign(cause, { code });
  return cause;
}

/**
 * Settles with `promise`, or rejects with `signal.reason` as soon as `signal` aborts, even if
 * the promise never settles (a `fetch` that ignores its signal).
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

export interface RetryPolicy {
  limit: number;
  backoffMs: number;
  maxBackoffMs: number;
}

const defaultRetryPolicy: RetryPolicy = { limit: 2, backoffMs: 300, maxBackoffMs: 10_000 };

const retryableStatuses = [408, 429, 500, 502, 503, 504];

export function toRetryPolicy(retry: RetryOptions | number | false | undefined): RetryPolicy {
  if (retry === false) return { ...defaultRetryPolicy, limit: 0 };
  if (typeof retry === 'number') return { ...defaultRetryPolicy, limit: nonNegative(retry, 0) };
  return {
    limit: nonNegative(retry?.limit, defaultRetryPolicy.limit),
    backoffMs: nonNegative(retry?.backoffMs, defaultRetryPolicy.backoffMs),
    maxBackoffMs: nonNegative(retry?.maxBackoffMs, defaultRetryPolicy.maxBackoffMs),
  };
}

function nonNegative(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? Math.floor(value) : fallback;
}

/**
 * The policy as ky's `retry`: network errors and the statuses above, not timeouts; the wait is
 * `backoffMs` doubled per retry, or the server's `Retry-After`, at most `maxBackoffMs`.
 */
export function kyRetryOptions(policy: RetryPolicy): KyRetryOptions {
  return {
    limit: policy.limit,
    // Whether an operation may be repeated depends on the operation, not on its method.
    methods: ['get', 'post', 'patch'],
    statusCodes: retryableStatuses,
    afterStatusCodes: retryableStatuses,
    maxRetryAfter: policy.maxBackoffMs,
    backoffLimit: policy.maxBackoffMs,
    delay: (attempt) => policy.backoffMs * 2 ** (attempt - 1),
    shouldRetry: ({ error }) => {
      if (!(error instanceof HTTPError)) return undefined;
      if (!retryableStatuses.includes(error.response.status)) return false;
      // ky would wait its maximum on a Retry-After it cannot read: back off as if there were none.
      return parseRetryAfter(error.response.headers.get('retry-after')) === undefined
        ? true
        : undefined;
    },
  };
}

/**
 * Reads a `Retry-After` header: delta-seconds or an HTTP date (RFC 9110 §10.2.3).
 * Returns milliseconds from `now` (never negative), or `undefined` when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text))
    return Math.min(MAX_RETRY_AFTER_MS, Math.round(Number(text) * 1000));
  if (!/[a-z]/i.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.min(MAX_RETRY_AFTER_MS, Math.max(0, date - now));
}

/**
 * The longest wait read from `Retry-After`: one year. A longer one (or one of 400 digits,
 * which reads as Infinity) is a year: finite, so timers and messages stay sane.
 */
export const MAX_RETRY_AFTER_MS = 365 * 24 * 3_600_000;
