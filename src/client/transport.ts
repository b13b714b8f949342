import ky, { HTTPError, type KyInstance, type RetryOptions, TimeoutError } from 'ky';
import type { DsmError } from './errors/index.js';
import {
  DsmAbortedError,
  DsmHttpError,
  DsmNetworkError,
  DsmResponseValidationError,
  DsmTimeoutError,
  httpErrorFor,
} from './errors/index.js';
import type { DsmOperation, OperationId } from './operations.js';
import { kyRetryOptions, parseRetryAfter, type RetryPolicy } from './retry.js';
import type { CallOptions } from './types.js';
import { describeIssue, toValidationIssues } from './utils/issues.js';

/** One operation, ready to send. */
export interface OutgoingRequest {
  operationId: OperationId;
  operation: DsmOperation;
  /** The operation's path with its id filled in (checked and encoded), without the leading slash. */
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

/** Error bodies are read up to this many bytes: enough for any message DSM writes. */
const maxErrorBodyBytes = 16 * 1024;
/**
 * Success bodies larger than this are refused (DSM's answers are a few KiB): a proxy or a
 * hostile endpoint cannot make the client buffer, or believe, an unbounded body.
 */
export const maxResponseBytes = 4 * 1024 * 1024;

/**
 * Sends DSM operations with ky: ky retries (idempotent operations only), times out and turns
 * statuses into `HTTPError`; this class reads bounded bodies and gives our typed errors.
 */
export class Transport {
  readonly #config: TransportConfig;
  readonly #origin: string;
  readonly #retry: RetryOptions;
  /** ky with a fetch that reads the body: one for operations with a JSON answer, one without. */
  readonly #api: Record<'json' | 'none', KyInstance>;

  constructor(config: TransportConfig) {
    this.#config = config;
    this.#origin = new URL(config.baseUrl).origin;
    this.#retry = kyRetryOptions(config.retry);
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
    this.#api = { json: api(maxResponseBytes + 1), none: api(0) };
  }

  async send(request: OutgoingRequest, options: CallOptions = {}): Promise<unknown> {
    const { operationId, operation } = request;
    const { signal } = options;
    if (signal?.aborted) throw new DsmAbortedError(operationId);
    let response: Response;
    try {
      const pending = this.#api[operation.response ? 'json' : 'none'](request.path, {
        method: operation.method,
        headers: { authorization: request.authorization, accept: 'application/json' },
        json: request.json,
        searchParams: operation.query,
        signal,
        keepalive: options.keepalive ?? this.#config.keepalive,
        retry: operation.idempotent ? this.#retry : 0,
      });
      // ky races its timeout, not the caller's signal, against a fetch that may ignore it.
      response = signal ? await raceAbort(pending, signal) : await pending;
    } catch (error) {
      throw await this.#failure(error, operationId, signal);
    }
    return readBody(request, response);
  }

  async #failure(error: unknown, operationId: string, signal?: AbortSignal): Promise<DsmError> {
    if (signal?.aborted) return new DsmAbortedError(operationId);
    if (error instanceof TimeoutError) {
      return new DsmTimeoutError(operationId, this.#config.timeoutMs);
    }
    if (!(error instanceof HTTPError)) {
      return new DsmNetworkError(operationId, this.#origin, sanitizeCause(error));
    }
    const { response } = error;
    if (isRedirect(response)) {
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
}

/** A 3xx, or the opaque redirect a browser's fetch gives for `redirect: 'manual'`. */
function isRedirect(response: Response): boolean {
  return response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400);
}

const bodilessStatuses = [204, 205, 304];
const decoder = new TextDecoder();

/**
 * The bodies `bufferedFetch` read, by their response: read once, never wrapped in a second
 * stream or a second response (ky reads no body).
 */
const bodies = new WeakMap<Response, Uint8Array>();

/**
 * `fetch`, resolving once the body is read into memory (kept in `bodies`), at most
 * `successLimit` bytes of a 2xx (none of one that declares more than `maxResponseBytes`) and
 * `maxErrorBodyBytes` of an error; the rest is cancelled. Redirects come back untouched.
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

/** Reads at most `limit` bytes of a body and cancels the rest. */
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

/** Checks a 2xx (already read by `bufferedFetch`) against the operation's response schema. */
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
