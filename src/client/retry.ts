import type { RetryOptions } from './types.js';

/** A retry policy with every field filled in. */
export interface RetryPolicy {
  limit: number;
  backoffMs: number;
  maxBackoffMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { limit: 2, backoffMs: 300, maxBackoffMs: 10_000 };

/** Statuses worth another try: the server was busy, overloaded, or in between. */
export const retryableStatuses: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

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
 * The wait before retry number `retry` (1 for the first): the server's Retry-After when it sent
 * one, else `backoffMs` doubled per retry; either way at most `maxBackoffMs`.
 */
export function retryDelay(policy: RetryPolicy, retry: number, retryAfterMs?: number): number {
  const wanted = retryAfterMs ?? policy.backoffMs * 2 ** (retry - 1);
  return Math.min(wanted, policy.maxBackoffMs);
}
