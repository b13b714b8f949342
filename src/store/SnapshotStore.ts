import type { PersistedTwoFactorConfig } from '../workflow/persistence.js';

/**
 * Where a stateless back end keeps each user's 2FA workflow between requests: a key per DSM
 * session, the persisted snapshot (`workflow.persist()`) as its value, kept no longer than it
 * can matter. A missing key means "locked", which is always safe to assume: DSM has certainly
 * locked once the stored `serverLockBy` has passed.
 *
 * The snapshot holds no secret. The DSM bearer token is not in it: keep the token in your own
 * server-side session and build the client from it on each request.
 *
 * A store keeps the snapshot as JSON text and hands it back as it is, `signature` included
 * (with a `snapshotKey`), so a restore can tell whether anyone changed it in between; it may
 * reorder keys, since the signature covers the canonical form. Without a key, whoever can write
 * the store can choose what a restore believes (within one auto-lock window): see SECURITY.md.
 */
export interface SnapshotStore {
  /** The stored snapshot as JSON text, or `undefined` when there is none (or it expired). */
  get(key: string): Promise<string | undefined>;
  /** Stores a snapshot for `ttlMs` milliseconds (at least 1). */
  set(key: string, snapshot: PersistedTwoFactorConfig, options: { ttlMs: number }): Promise<void>;
  /** Removes a snapshot; removing a missing one is not an error. */
  delete(key: string): Promise<void>;
}
