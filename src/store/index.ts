// `dsm-2fa-guard/store`: the workflow across the requests of a stateless, scaled-out back end.
export { createMemorySnapshotStore, type MemorySnapshotStoreOptions } from './memoryStore.js';
export {
  createRedisSnapshotStore,
  type RedisLike,
  type RedisSnapshotStoreOptions,
} from './redisStore.js';
export type { SnapshotStore } from './SnapshotStore.js';
export {
  type StoredTwoFactorConfigOptions,
  withStoredTwoFactorConfig,
} from './withStoredTwoFactorConfig.js';
