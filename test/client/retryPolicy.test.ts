import { describe, expect, it } from 'vitest';
import { kyRetryOptions, parseRetryAfter, toRetryPolicy } from '../../src/client/transport.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-07-10T07:00:00Z');

  it.each([
    ['120', 120_000],
    ['0', 0],
    [' 5 ', 5_000],
    ['1.5', 1_500],
    ['Fri, 10 Jul 2026 07:01:30 GMT', 90_000],
    ['Fri, 10 Jul 2026 06:59:00 GMT', 0],
  ])('%j → %i ms', (header, ms) => {
    expect(parseRetryAfter(header, now)).toBe(ms);
  });

  it.each([[null], [''], ['-1'], ['soon'], ['1e3'], ['12abc']])('%j → undefined', (header) => {
    expect(parseRetryAfter(header, now)).toBeUndefined();
  });
});

describe('retry policy', () => {
  it('defaults to two retries, 300 ms doubling, at most 10 s', () => {
    expect(toRetryPolicy(undefined)).toEqual({ limit: 2, backoffMs: 300, maxBackoffMs: 10_000 });
  });

  it('reads a number as the limit and false as no retries', () => {
    expect(toRetryPolicy(5).limit).toBe(5);
    expect(toRetryPolicy(false).limit).toBe(0);
    expect(toRetryPolicy({ limit: -1 }).limit).toBe(2);
  });

  it('doubles the backoff, capped at maxBackoffMs, Retry-After included', () => {
    const options = kyRetryOptions({ limit: 9, backoffMs: 300, maxBackoffMs: 1_000 });
    expect([1, 2, 3, 4].map((n) => options.delay?.(n))).toEqual([300, 600, 1_200, 2_400]);
    // ky applies both caps: backoffLimit to the backoff, maxRetryAfter to Retry-After.
    expect(options).toMatchObject({ limit: 9, backoffLimit: 1_000, maxRetryAfter: 1_000 });
  });
});
