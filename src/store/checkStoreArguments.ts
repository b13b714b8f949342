import { InvalidInputError } from '../workflow/errors.js';

/** Keys are your own ids (a session id), never a token: checked so a typo fails loudly. */
export function checkKey(key: unknown): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > 1024) {
    throw new InvalidInputError(
      'A snapshot key must be a non-empty string of at most 1024 characters.',
    );
  }
  return key;
}

/** A positive, finite number of milliseconds, rounded up to a whole one (Redis wants integers). */
export function checkTtl(ttlMs: unknown): number {
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new InvalidInputError('ttlMs must be a positive, finite number of milliseconds.');
  }
  return Math.ceil(ttlMs);
}
