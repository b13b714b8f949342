import { checkKey, checkTtl } from './checkStoreArguments.js';
import type { SnapshotStore } from './SnapshotStore.js';

/**
 * The three Redis commands the store needs, as ioredis (and node-redis's legacy mode) spell
 * them, so that this library depends on no Redis client: pass the one you already have.
 */
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
 * A `SnapshotStore` in Redis, shared by every instance of a back end. Entries expire with
 * Redis's own `PX` (real time), when DSM has certainly locked by itself.
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
