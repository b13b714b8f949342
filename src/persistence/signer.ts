/**
 * What the controllers need of a snapshot key: an object made by `createSnapshotKey()`. Only
 * the interface lives here, so an app that signs nothing does not bundle the HMAC code.
 */

/** The outcome of checking a snapshot's signature. */
export type SnapshotVerdict = 'valid' | 'unsigned' | 'forged';

/**
 * A key that signs persisted snapshots, from `createSnapshotKey(secret)`: pass it as the
 * `snapshotKey` option. It never shows its key material (its JSON and inspect forms are
 * `[snapshot key]`). The signing itself lives in the key, so an app that signs nothing
 * bundles none of it.
 */
export interface SnapshotKey {
  /** The snapshot with its `signature` (over its JSON form, without a previous signature). */
  seal<T extends object>(snapshotKind: string, snapshot: T): T;
  /** Checks `data.signature` against every key, in constant time. */
  verify(snapshotKind: string, data: Record<string, unknown>): SnapshotVerdict;
}

/** The `snapshotKey` option's value. */
export type SnapshotKeys = SnapshotKey;

/** The checked key, or undefined when none was given. */
export type SnapshotKeyRing = SnapshotKey | undefined;

/**
 * Checks the `snapshotKey` option: undefined, or a key from `createSnapshotKey()`. `invalid`
 * builds the caller's own typed error; its message never contains the key.
 */
export function readSnapshotKeys(
  input: unknown,
  invalid: (message: string) => Error,
): SnapshotKeyRing {
  const key = input as Partial<SnapshotKey> | undefined;
  if (key !== undefined && (typeof key?.seal !== 'function' || typeof key.verify !== 'function')) {
    throw invalid('snapshotKey must come from createSnapshotKey(secret).');
  }
  return key as SnapshotKeyRing;
}

/** Adds `signature` to a snapshot, or returns it as it is when there is no key. */
export function sealSnapshot<T extends object>(kind: string, snapshot: T, key: SnapshotKeyRing): T {
  return key ? key.seal(kind, snapshot) : snapshot;
}
