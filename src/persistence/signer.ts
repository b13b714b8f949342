// The signing lives in the key (`createSnapshotKey()`): an app that signs nothing bundles no HMAC.
import { InvalidInputError } from '../workflow/errors.js';

export type SnapshotVerdict = 'valid' | 'unsigned' | 'forged';

/** The `snapshotKey` option, from `createSnapshotKey(secret)`; it never shows its material. */
export interface SnapshotKey {
  /** The snapshot with its `signature` (over its JSON form, without a previous signature). */
  seal<T extends object>(snapshotKind: string, snapshot: T): T;
  /** Checks `data.signature` against every key, in constant time. */
  verify(snapshotKind: string, data: Record<string, unknown>): SnapshotVerdict;
}

/** @deprecated `SnapshotKey` (the same type); see docs/migration.md. */
export type SnapshotKeys = SnapshotKey;

/** Checks the `snapshotKey` option (`InvalidInputError`, never showing the key). */
export function readSnapshotKeys(input: unknown): SnapshotKey | undefined {
  const key = input as Partial<SnapshotKey> | undefined;
  if (key !== undefined && (typeof key?.seal !== 'function' || typeof key.verify !== 'function')) {
    throw new InvalidInputError('snapshotKey must come from createSnapshotKey(secret).');
  }
  return key as SnapshotKey | undefined;
}

/** The snapshot, signed when `snapshotKey` is given. */
export function sealSnapshot<T extends object>(kind: string, snapshot: T, snapshotKey: unknown): T {
  const key = readSnapshotKeys(snapshotKey);
  return key ? key.seal(kind, snapshot) : snapshot;
}
