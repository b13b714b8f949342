import { InvalidSnapshotError } from '../workflow/errors.js';
import type { SnapshotKey } from './signer.js';

/**
 * Why a stored snapshot was refused (`InvalidSnapshotError.reason`): `malformed` (not JSON,
 * not this kind, contradictory fields), `newerVersion`, `unsigned` (a `snapshotKey` is set),
 * `forged` (altered, or signed with another key), `foreign` (another user's, or another kind),
 * `unusable` (authentic, but cannot be resumed: locks too late, or no token).
 */
export type SnapshotRefusalReason =
  | 'malformed'
  | 'newerVersion'
  | 'unsigned'
  | 'forged'
  | 'foreign'
  | 'unusable';

const LIBRARY_FORMAT_PREFIX = 'dsm-2fa-guard/';

/** What a refusal says after "The stored <noun> ", by its reason. */
const REFUSALS: Partial<Record<string, string>> = {
  malformed: 'is not valid JSON of an object',
  foreign: 'is another kind of snapshot',
  newerVersion: 'is newer: Upgrade dsm-2fa-guard',
  unsigned: 'is unsigned: drop it',
  forged: 'is forged or signed with another key: drop it',
};

/**
 * The checks every restore starts with: JSON data, this kind, a version this library reads, a
 * signature when keys are set. Messages never hold a value read from the snapshot.
 */
export function openSnapshot(
  value: unknown,
  keys: SnapshotKey | undefined,
  expected: { format: string; version: number; noun: 'snapshot' | 'sign-in snapshot' },
): Record<string, unknown> {
  const data = asJsonData(value) as Record<string, unknown>;
  const { format, version } = data ?? {};
  const reason =
    typeof data !== 'object' || data === null || Array.isArray(data)
      ? 'malformed'
      : typeof format === 'string' &&
          format !== expected.format &&
          format.startsWith(LIBRARY_FORMAT_PREFIX)
        ? 'foreign'
        : format === expected.format && typeof version === 'number' && version > expected.version
          ? 'newerVersion'
          : keys?.verify(expected.format, data);
  if (reason && REFUSALS[reason]) {
    throw new InvalidSnapshotError(
      `The stored ${expected.noun} ${REFUSALS[reason]}.`,
      reason as SnapshotRefusalReason,
    );
  }
  return data;
}

/** JSON text parsed, or an object taken through JSON (as a store would). */
function asJsonData(value: unknown): unknown {
  try {
    return typeof value === 'string' ? JSON.parse(value) : JSON.parse(JSON.stringify(value) ?? '');
  } catch {
    return undefined;
  }
}
