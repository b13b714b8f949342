import { DsmError } from './errors/index.js';

const REDACTED = '[redacted]';
const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

/**
 * A value that must never be shown (a password, a token, recovery codes). Its JSON, string and
 * `util.inspect` forms are `[redacted]`, so it crosses events, the inspector and error causes
 * without leaking; it lives in a private field that `structuredClone` and spreading cannot see.
 * `clear()` drops the reference once its request is sent; a JavaScript string itself cannot be
 * zeroed (see SECURITY.md).
 */
export class Secret<T = string> {
  #value: T | undefined;

  constructor(value: T) {
    this.#value = value;
  }

  /** Wraps a plain value; an existing `Secret` is returned as it is. */
  static from<V>(value: V | Secret<V>): Secret<V> {
    return value instanceof Secret ? value : new Secret(value);
  }

  /** True for a `Secret` of any kind. */
  static is(value: unknown): value is Secret<unknown> {
    return value instanceof Secret;
  }

  /** The wrapped value. Throws `SecretClearedError` once `clear()` has run. */
  reveal(): T {
    if (this.#value === undefined) throw new SecretClearedError();
    return this.#value;
  }

  get cleared(): boolean {
    return this.#value === undefined;
  }

  /** Drops the reference to the value. */
  clear(): void {
    this.#value = undefined;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [inspectSymbol](): string {
    return REDACTED;
  }
}

/** Thrown by `Secret.reveal()` after `clear()` (the library clears secrets once sent). */
export class SecretClearedError extends DsmError {
  override readonly name: string = 'SecretClearedError';
  declare readonly code: 'SECRET_CLEARED';
  constructor() {
    super('SECRET_CLEARED', 'The secret was cleared after use; pass it again.');
  }
}

/** A plain string or a `Secret` wrapping one. */
export type SecretInput = string | Secret<string>;

/** The plain value behind a `SecretInput`. */
export function revealSecret(value: SecretInput): string {
  return value instanceof Secret ? value.reveal() : value;
}
