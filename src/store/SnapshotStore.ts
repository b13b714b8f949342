import type { PersistedTwoFactorConfig } from '../workflow/persistence.js';

/**
 * Where a stateless back end keeps each user's 2FA workflow between requests: a key per DSM
 * session, the persisted snapshot (`workflow.persist()`) as its value, kept no longer than it
 * can matter. A missing key means "locked", which is always safe to assume: DSM has certainly
 * locked once the stored `serverLockBy` has passed.
 *
 * The snapshot holds no secret. The DSM bearer token is not in it: keep the token in your own
 * server-side session and build the client from it on each request.
 */
export interface SnapshotStore {
  /** The stored snapshot as JSON text, or `undefined` when there is none (or it expired). */
  get(key: string): Promise<string | undefined>;
  /** Stores a snapshot for `ttlMs` milliseconds (at least 1). */
  set(key: string, snapshot: PersistedTwoFactorConfig, options: { ttlMs: number }): Promise<void>;
  /** Removes a snapshot; removing a missing one is not an error. */
  delete(key: string): Promise<void>;
}
