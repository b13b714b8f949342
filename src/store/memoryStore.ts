import { checkKey, checkTtl } from './checkStoreArguments.js';
import type { SnapshotStore } from './SnapshotStore.js';

export interface MemorySnapshotStoreOptions {
  /** The clock that expiries are measured on. Default `Date.now`. */
  now?: () => number;
}

/**
 * A `SnapshotStore` in this process's memory: for one instance, tests and development. Expired
 * entries are dropped when read or written (no timer, so nothing keeps the process alive).
 */
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
