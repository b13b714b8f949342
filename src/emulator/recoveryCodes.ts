import { randomInt } from 'node:crypto';

// No 0/o, 1/l/i: codes are read off paper and typed back.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

function group(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

/** `count` fresh recovery codes like `k7qm-x2pd-9fhw` (about 59 bits each). */
export function generateRecoveryCodes(count: number): string[] {
  const codes = new Set<string>();
  while (codes.size < count) codes.add(`${group(4)}-${group(4)}-${group(4)}`);
  return [...codes];
}

/** Case, spaces and dashes do not matter when a code is typed back. */
export function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '');
}
