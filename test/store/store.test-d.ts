import type { Redis } from 'ioredis';
import { describe, expectTypeOf, it } from 'vitest';
import {
  createRedisSnapshotStore,
  type RedisLike,
  type SnapshotStore,
  withStoredTwoFactorConfig,
} from '../../src/store/index.js';
import type { TwoFactorConfig } from '../../src/workflow/index.js';

declare const redis: Redis;
declare const store: SnapshotStore;
declare const options: Parameters<typeof withStoredTwoFactorConfig>[2];

describe('public types of dsm-2fa-guard/store', () => {
  it('takes an ioredis client as it is, and nothing that lacks PX', () => {
    expectTypeOf(createRedisSnapshotStore(redis)).toEqualTypeOf<SnapshotStore>();
    const getOnly = { get: async (_key: string) => null as string | null };
    // @ts-expect-error: set(key, value, 'PX', ms) and del(key) are required
    createRedisSnapshotStore(getOnly);
    expectTypeOf<RedisLike['set']>().parameter(2).toEqualTypeOf<'PX'>();
  });

  it('returns what the request function returns, and owns snapshot and browserLifecycle', () => {
    const state = withStoredTwoFactorConfig(store, 'key', options, (workflow) => {
      expectTypeOf(workflow).toEqualTypeOf<TwoFactorConfig>();
      return workflow.state;
    });
    expectTypeOf(state).resolves.toEqualTypeOf<TwoFactorConfig['state']>();
    // @ts-expect-error: the stored snapshot is the helper's to pass
    withStoredTwoFactorConfig(store, 'key', { ...options, snapshot: '{}' }, () => 0);
  });
});
