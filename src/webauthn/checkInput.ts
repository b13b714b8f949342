import { InvalidInputError } from '../workflow/errors.js';

/**
 * Checked before the challenge is requested, so a bad name never costs the user a touch of
 * the key. Same rule as DSM's device names: one line, not blank, at most 4096 characters.
 */
export function checkDeviceName(name: unknown): string {
  if (typeof name !== 'string' || name.length > 4096 || !/^[^\n]*[^\s\n][^\n]*$/.test(name)) {
    throw new InvalidInputError(
      'The security key name must be one line, not blank, and at most 4096 characters.',
    );
  }
  return name;
}

export function checkRequestId(requestId: unknown): string {
  if (typeof requestId !== 'string' || requestId.trim().length === 0 || requestId.length > 4096) {
    throw new InvalidInputError('The request id must be a non-empty string.');
  }
  return requestId;
}
