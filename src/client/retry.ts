import { HTTPError, type RetryOptions as KyRetryOptions } from 'ky';
import type { RetryOptions } from './types.js';

/** The client's `retry` option with every field filled in. */
export interface RetryPolicy {
  limit: number;
  backoffMs: number;
  maxBackoffMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { limit: 2, backoffMs: 300, maxBackoffMs: 10_000 };

/** Statuses worth another try: the server was busy, overloaded, or in between. */
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
 * The policy as ky's `retry`, for the idempotent operations (the others are sent with
 * `retry: 0`). Network errors and the statuses above are retried, timeouts are not; the wait
 * is `backoffMs` doubled per retry, or the server's `Retry-After`, and never over
 * `maxBackoffMs`.
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
