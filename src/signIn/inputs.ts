import { Secret, type SecretInput } from '../client/secret.js';
import { InvalidInputError } from '../workflow/errors.js';

/**
 * Checks a password or recovery code and returns the controller's own copy, which the actor
 * clears once the request is sent, whatever the caller does with theirs.
 */
export function checkSecret(value: unknown, what: string): Secret<string> {
  let plain: unknown = value;
  if (value instanceof Secret) {
    if (value.cleared) throw new InvalidInputError(`The ${what} was already used and cleared.`);
    plain = value.reveal();
  }
  if (typeof plain !== 'string' || plain.trim().length === 0 || plain.length > 4096) {
    throw new InvalidInputError(
      `The ${what} must be a non-empty string of at most 4096 characters.`,
    );
  }
  return new Secret(plain);
}

export function checkEmail(value: unknown): string {
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > 256) {
    throw new InvalidInputError('The email must be a non-empty string of at most 256 characters.');
  }
  return value;
}

export function checkPositiveMs(name: string, value: number | undefined, allowZero = false): void {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new InvalidInputError(
      `${name} must be a finite number of milliseconds${allowZero ? ', 0 or more' : ' above 0'}.`,
    );
  }
}

/** What the credentials of `signIn()` look like. */
export interface SignInCredentials {
  email: string;
  password: SecretInput;
}
