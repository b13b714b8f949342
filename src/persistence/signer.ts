/**
 * What the controllers need of a snapshot key: an object made by `createSnapshotKey()`. Only
 * the interface lives here, so an app that signs nothing does not bundle the HMAC code.
 */

/** The outcome of checking a snapshot's signature. */
export type SnapshotVerdict = 'valid' | 'unsigned' | 'forged';

const KEY_KIND = 'dsm-2fa-guard/snapshot-key';

/**
 * A key that signs persisted snapshots, from `createSnapshotKey(secret)`: pass it as the
 * `snapshotKey` option. It never shows its key material (its JSON and inspect forms are
 * `[snapshot key]`).
 */
export interface SnapshotKey {
  readonly kind: typeof KEY_KIND;
  /** The signature of a snapshot's data (JSON data without `signature`), or undefined. */
  sign(snapshotKind: string, data: Record<string, unknown>): string | undefined;
  /** Checks `data.signature` against every key, in constant time. */
  verify(snapshotKind: string, data: Record<string, unknown>): SnapshotVerdict;
}

/** The `snapshotKey` option's value. */
export type SnapshotKeys = SnapshotKey;

/** The checked key, or undefined when none was given. */
export type SnapshotKeyRing = SnapshotKey | undefined;

export const SNAPSHOT_KEY_KIND: typeof KEY_KIND = KEY_KIND;

/**
 * Checks the `snapshotKey` option: undefined, or a key from `createSnapshotKey()`. `invalid`
 * builds the caller's own typed error; its message never contains the key.
 */
export function readSnapshotKeys(
  input: unknown,
  invalid: (message: string) => Error,
): SnapshotKeyRing {
  if (input === undefined) return undefined;
  const key = input as Partial<SnapshotKey> | null;
  if (
    typeof key !== 'object' ||
    key === null ||
    key.kind !== KEY_KIND ||
    typeof key.sign !== 'function' ||
    typeof key.verify !== 'function'
  ) {
    throw invalid('snapshotKey must come from createSnapshotKey(secret).');
  }
  return key as SnapshotKey;
}

/** Adds `signature` to a snapshot, or returns it as it is when there is no key. */
export function sealSnapshot<T extends object>(kind: string, snapshot: T, key: SnapshotKeyRing): T {
  if (key === undefined) return snapshot;
  // Through JSON first, so the signature covers exactly what a store will keep.
  const data = JSON.parse(JSON.stringify(snapshot)) as Record<string, unknown>;
  delete data.signature;
  const signature = key.sign(kind, data);
  if (signature === undefined) throw new TypeError('A snapshot must be JSON data.');
  return { ...snapshot, signature };
}
