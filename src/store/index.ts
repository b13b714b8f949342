// `dsm-2fa-guard/store`: the workflow across the requests of a stateless, scaled-out back end.
import type { TwoFactorConfigStateName } from '../../machines/twoFactorConfig.types.js';
import { waitForSnapshot } from '../controller/core.js';
import { systemClock } from '../workflow/clock.js';
import {
  createTwoFactorConfig,
  type TwoFactorConfig,
  type TwoFactorConfigOptions,
} from '../workflow/createTwoFactorConfig.js';
import { InvalidInputError } from '../workflow/errors.js';
import type { PersistedTwoFactorConfig } from '../workflow/persistence.js';
import { restoreTwoFactorConfig } from '../workflow/restoreTwoFactorConfig.js';

/**
 * Where a stateless back end keeps each user's workflow between requests: the persisted
 * snapshot under a key per DSM session, no longer than it can matter. A missing key means
 * "locked", always safe to assume: DSM has certainly locked once the stored `serverLockBy` has
 * passed. The snapshot holds no secret (keep the token in your own server-side session). It is
 * kept as JSON text and handed back as it is, `signature` included; a store may reorder keys,
 * since the signature covers the canonical form. Without a `snapshotKey`, whoever can write the
 * store chooses what a restore believes (within one window): SECURITY.md.
 */
export interface SnapshotStore {
  /** The stored snapshot as JSON text, or `undefined` when there is none (or it expired). */
  get(key: string): Promise<string | undefined>;
  /** Stores a snapshot for `ttlMs` milliseconds (at least 1). */
  set(key: string, snapshot: PersistedTwoFactorConfig, options: { ttlMs: number }): Promise<void>;
  /** Removes a snapshot; removing a missing one is not an error. */
  delete(key: string): Promise<void>;
}

/** Keys are your own ids (a session id), never a token: checked so a typo fails loudly. */
function checkKey(key: unknown): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > 1024) {
    throw new InvalidInputError(
      'A snapshot key must be a non-empty string of at most 1024 characters.',
    );
  }
  return key;
}

/** A positive, finite number of ms, rounded up (Redis wants integers). */
function checkTtl(ttlMs: unknown): number {
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new InvalidInputError('ttlMs must be a positive, finite number of milliseconds.');
  }
  return Math.ceil(ttlMs);
}

export interface MemorySnapshotStoreOptions {
  /** The clock that expiries are measured on. Default `Date.now`. */
  now?: () => number;
}

/** A `SnapshotStore` in memory, for one instance; expired entries go at each access (no timer). */
export function createMemorySnapshotStore(options: MemorySnapshotStoreOptions = {}): SnapshotStore {
  const now = options.now ?? Date.now;
  const entries = new Map<string, { json: string; expiresAt: number }>();
  const sweep = () => {
    for (const [key, entry] of entries) if (entry.expiresAt <= now()) entries.delete(key);
  };
  return {
    async get(key) {
      sweep();
      return entries.get(checkKey(key))?.json;
    },
    async set(key, snapshot, { ttlMs }) {
      sweep();
      entries.set(checkKey(key), {
        json: JSON.stringify(snapshot),
        expiresAt: now() + checkTtl(ttlMs),
      });
    },
    async delete(key) {
      entries.delete(checkKey(key));
    },
  };
}

/** The three Redis commands the store needs, as ioredis spells them: pass your own client. */
export interface RedisLike {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, mode: 'PX', milliseconds: number): Promise<unknown>;
  del(key: string): Promise<unknown>;
}

export interface RedisSnapshotStoreOptions {
  /** Put before every key, so the snapshots share a database safely. Default `dsm-2fa-guard:`. */
  prefix?: string;
}

/**
 * A `SnapshotStore` in Redis, shared by every instance; entries expire (`PX`) once DSM has
 * certainly locked.
 *
 * ```ts
 * import { Redis } from 'ioredis';
 * const store = createRedisSnapshotStore(new Redis(process.env.REDIS_URL), { prefix: 'myapp:2fa:' });
 * ```
 */
export function createRedisSnapshotStore(
  redis: RedisLike,
  options: RedisSnapshotStoreOptions = {},
): SnapshotStore {
  const prefix = options.prefix ?? 'dsm-2fa-guard:';
  const keyOf = (key: string) => `${prefix}${checkKey(key)}`;
  return {
    async get(key) {
      return (await redis.get(keyOf(key))) ?? undefined;
    },
    async set(key, snapshot, { ttlMs }) {
      await redis.set(keyOf(key), JSON.stringify(snapshot), 'PX', checkTtl(ttlMs));
    },
    async delete(key) {
      await redis.del(keyOf(key));
    },
  };
}

/** `createTwoFactorConfig`'s options, without the ones this helper owns. */
export type StoredTwoFactorConfigOptions = Omit<
  TwoFactorConfigOptions,
  'snapshot' | 'browserLifecycle'
>;

/** States worth keeping: DSM may still be unlocked until the stored `serverLockBy`. */
const KEPT: ReadonlySet<TwoFactorConfigStateName> = new Set(['unlocked', 'locking']);

/**
 * Runs one request of a stateless back end: restores the workflow stored under `key` (none:
 * locked), runs `fn`, waits for its requests, stores it again and stops it without terminating,
 * so no timer outlives the request; the next request restores from the stored deadline: past
 * it, the workflow locks (terminating first while DSM may still be unlocked), never "unlocked".
 * Requests for one key must not overlap (the last store wins). Throws `InvalidSnapshotError` for
 * a value it cannot trust (then delete it). With `snapshotKey` (the same on every instance),
 * what is stored is signed.
 */
export async function withStoredTwoFactorConfig<T>(
  store: SnapshotStore,
  key: string,
  options: StoredTwoFactorConfigOptions,
  fn: (workflow: TwoFactorConfig) => T | Promise<T>,
): Promise<T> {
  checkKey(key);
  const stored = await store.get(key);
  const own = { ...options, browserLifecycle: false };
  const workflow =
    stored === undefined
      ? createTwoFactorConfig(own)
      : restoreTwoFactorConfig({ ...own, snapshot: stored });
  try {
    return await fn(workflow);
  } finally {
    await requestsSettled(workflow);
    const snapshot = workflow.persist();
    const now = (options.clock ?? systemClock).now();
    // Stopping the actor clears its timers; unlike dispose(), it sends no terminate.
    workflow.actor.stop();
    const keepFor = (snapshot.serverLockBy ?? now) - now;
    if (KEPT.has(snapshot.state) && keepFor > 0) {
      await store.set(key, snapshot, { ttlMs: keepFor });
    } else {
      await store.delete(key);
    }
  }
}

/** Resolves once no request is in flight; a terminate waiting to retry is left for later. */
const requestsSettled = (workflow: TwoFactorConfig) =>
  waitForSnapshot(
    workflow.actor,
    () => !workflow.view.busy || workflow.actor.getSnapshot().matches({ locking: 'retrying' }),
    { clock: systemClock, stopped: Error, timedOut: Error },
  ).catch(() => {});
