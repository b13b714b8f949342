import { InvalidSnapshotError } from '../workflow/errors.js';
import type { SnapshotKey } from './signer.js';

/**
 * Why a stored snapshot was refused, on `InvalidSnapshotError.reason` and
 * `InvalidSignInSnapshotError.reason`:
 *
 * - `malformed`: not JSON, not a snapshot of this kind, or fields that contradict each other.
 * - `newerVersion`: written by a newer version of this library.
 * - `unsigned`: a `snapshotKey` is set, but the snapshot carries no signature.
 * - `forged`: the signature does not match: the snapshot was altered after `persist()`, or
 *   signed with a key that is not among `snapshotKey`'s.
 * - `foreign`: an authentic snapshot, but of another user, or another kind (a sign-in snapshot
 *   handed to the 2FA workflow, or the reverse).
 * - `unusable`: authentic and well-formed, but it cannot be resumed as it is (it locks later
 *   than one auto-lock window from now; a session snapshot came without its token).
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
 * The checks every restore starts with, before its own schema: JSON data, this kind of
 * snapshot, a version this library reads, and, when keys are set, a signature by one of them.
 * Returns the snapshot's data (with its signature) for the schema to parse. Messages carry
 * only this library's text, never a value read from the snapshot.
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

/** JSON text parsed, or an object taken through JSON (as a store would); undefined if neither. */
function asJsonData(value: unknown): unknown {
  try {
    return typeof value === 'string' ? JSON.parse(value) : JSON.parse(JSON.stringify(value) ?? '');
  } catch {
    return undefined;
  }
}
