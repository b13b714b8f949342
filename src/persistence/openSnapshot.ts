import type { SnapshotRefusalReason } from './refusal.js';
import type { SnapshotKeyRing } from './signer.js';

/** Which snapshot a restore expects, and how it refuses one (with the caller's typed error). */
export interface SnapshotExpectation {
  format: string;
  version: number;
  /** How messages name it: `snapshot`, `sign-in snapshot`. */
  noun: string;
  refuse: (message: string, reason: SnapshotRefusalReason) => Error;
}

const LIBRARY_FORMAT_PREFIX = 'dsm-2fa-guard/';

/**
 * The checks every restore starts with, before its own schema: JSON data, this kind of
 * snapshot, a version this library reads, and, when keys are set, a signature by one of them.
 * Returns the snapshot's data (with its signature) for the schema to parse. Messages carry
 * only this library's text, never a value read from the snapshot.
 */
export function openSnapshot(
  value: unknown,
  keys: SnapshotKeyRing,
  expected: SnapshotExpectation,
): Record<string, unknown> {
  const { noun, refuse } = expected;
  const data = asJsonData(value);
  if (data === undefined) {
    throw refuse(`The stored ${noun} is not valid JSON.`, 'malformed');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw refuse(`The stored ${noun} is not a dsm-2fa-guard ${noun}.`, 'malformed');
  }
  const record = data as Record<string, unknown>;
  const { format, version } = record;
  if (
    typeof format === 'string' &&
    format !== expected.format &&
    format.startsWith(LIBRARY_FORMAT_PREFIX)
  ) {
    throw refuse(
      `The stored value is another kind of dsm-2fa-guard snapshot, not a ${noun}.`,
      'foreign',
    );
  }
  if (format === expected.format && typeof version === 'number' && version > expected.version) {
    throw refuse(
      `The stored ${noun} was written by a newer dsm-2fa-guard than this one (which reads version ${expected.version}). Upgrade dsm-2fa-guard.`,
      'newerVersion',
    );
  }
  if (keys !== undefined) {
    const verdict = keys.verify(expected.format, record);
    if (verdict === 'unsigned') {
      throw refuse(
        `The stored ${noun} is not signed, and a snapshotKey is set: it was not written by persist() with that key.`,
        'unsigned',
      );
    }
    if (verdict === 'forged') {
      throw refuse(
        `The stored ${noun}'s signature does not match: it was altered after persist(), or signed with another key.`,
        'forged',
      );
    }
  }
  return record;
}

/** JSON text parsed, or an object taken through JSON (as a store would); undefined if neither. */
function asJsonData(value: unknown): unknown {
  try {
    return typeof value === 'string' ? JSON.parse(value) : JSON.parse(JSON.stringify(value) ?? '');
  } catch {
    return undefined;
  }
}

/** The top-level fields a schema refused: names from the schema, never from the input. */
export function badFields(issues: readonly { path: readonly PropertyKey[] }[]): string {
  const fields = new Set(issues.map((issue) => String(issue.path[0] ?? '(root)')));
  return [...fields].join(', ');
}
