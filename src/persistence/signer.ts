/**
 * What the controllers need of a snapshot key. Only the interface lives here: the signing
 * lives in the key (`createSnapshotKey()`), so an app that signs nothing bundles no HMAC code.
 */
import { InvalidInputError } from '../workflow/errors.js';

/** The outcome of checking a snapshot's signature. */
export type SnapshotVerdict = 'valid' | 'unsigned' | 'forged';

/**
 * A key that signs persisted snapshots, from `createSnapshotKey(secret)`: pass it as the
 * `snapshotKey` option. It never shows its key material (its JSON and inspect forms are
 * `[snapshot key]`).
 */
export interface SnapshotKey {
  /** The snapshot with its `signature` (over its JSON form, without a previous signature). */
  seal<T extends object>(snapshotKind: string, snapshot: T): T;
  /** Checks `data.signature` against every key, in constant time. */
  verify(snapshotKind: string, data: Record<string, unknown>): SnapshotVerdict;
}

/** @deprecated `SnapshotKey` (the same type); see docs/migration.md. */
export type SnapshotKeys = SnapshotKey;

/**
 * Checks the `snapshotKey` option: undefined, or a key from `createSnapshotKey()`. Throws
 * `InvalidInputError`, whose message never holds the key.
 */
export function readSnapshotKeys(input: unknown): SnapshotKey | undefined {
  const key = input as Partial<SnapshotKey> | undefined;
  if (key !== undefined && (typeof key?.seal !== 'function' || typeof key.verify !== 'function')) {
    throw new InvalidInputError('snapshotKey must come from createSnapshotKey(secret).');
  }
  return key as SnapshotKey | undefined;
}

/** Adds `signature` to a snapshot when `snapshotKey` is given (checked first). */
export function sealSnapshot<T extends object>(kind: string, snapshot: T, snapshotKey: unknown): T {
  const key = readSnapshotKeys(snapshotKey);
  return key ? key.seal(kind, snapshot) : snapshot;
}
