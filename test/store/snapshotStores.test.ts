/**
 * The `SnapshotStore` contract, run against both implementations: the in-memory store, and the
 * Redis store on a real redis-server (through ioredis, which it must accept as it is).
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSnapshotKey } from '../../src/persistence/seal.js';
import { sealSnapshot } from '../../src/persistence/signer.js';
import {
  createMemorySnapshotStore,
  createRedisSnapshotStore,
  type SnapshotStore,
} from '../../src/store/index.js';
import {
  fromPersisted,
  type PersistedTwoFactorConfig,
  SNAPSHOT_FORMAT,
} from '../../src/workflow/index.js';
import { type RedisServer, skipRedisTests, startRedisServer } from '../support/redisServer.js';

const snapshot: PersistedTwoFactorConfig = {
  format: 'dsm-2fa-guard/two-factor-config',
  version: 1,
  userId: '0b8d2f4e-6f1a-4c3b-9a57-5d2e8c1f7a10',
  state: 'unlocked',
  deadline: 1_800_000_595_000,
  serverLockBy: 1_800_000_600_000,
  lockReason: null,
  savedAt: 1_800_000_000_000,
};

const snapshotKey = createSnapshotKey(new Uint8Array(32).fill(42));
const signed = sealSnapshot(SNAPSHOT_FORMAT, snapshot, snapshotKey);

function contract(
  name: string,
  open: () => { store: SnapshotStore; expire?: () => Promise<void> },
) {
  describe(name, () => {
    it('stores a snapshot as JSON text, reads it back, and deletes it', async () => {
      const { store } = open();
      expect(await store.get('session-1')).toBeUndefined();
      await store.set('session-1', snapshot, { ttlMs: 60_000 });
      expect(JSON.parse((await store.get('session-1'))!)).toEqual(snapshot);
      await store.delete('session-1');
      await store.delete('session-1');
      expect(await store.get('session-1')).toBeUndefined();
    });

    it('passes a signed snapshot through unchanged: it still verifies when read back', async () => {
      const { store } = open();
      await store.set('session-3', signed, { ttlMs: 60_000 });
      const text = (await store.get('session-3'))!;
      expect(JSON.parse(text)).toEqual(signed);
      expect(fromPersisted(text, signed.userId, { snapshotKey })).toMatchObject({
        deadline: signed.deadline,
      });
    });

    it('forgets a snapshot when its time is up', async () => {
      const { store, expire } = open();
      await store.set('session-2', snapshot, { ttlMs: 50 });
      await expire?.();
      expect(await store.get('session-2')).toBeUndefined();
    });

    it('refuses empty keys and non-positive TTLs with INVALID_INPUT', async () => {
      const { store } = open();
      await expect(store.get('')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      for (const ttlMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
        await expect(store.set('k', snapshot, { ttlMs })).rejects.toMatchObject({
          code: 'INVALID_INPUT',
        });
      }
    });
  });
}

let now = 0;
contract('the in-memory store', () => {
  const store = createMemorySnapshotStore({ now: () => now });
  return {
    store,
    expire: async () => {
      now += 50;
    },
  };
});

describe.skipIf(skipRedisTests)('the Redis store (a real redis-server)', () => {
  let server: RedisServer;
  let redis: Redis;
  beforeAll(async () => {
    server = await startRedisServer();
    redis = new Redis({ host: server.host, port: server.port, lazyConnect: true });
    await redis.connect();
  });
  afterAll(async () => {
    await redis?.quit();
    await server?.stop();
  });

  contract('contract', () => ({
    // ioredis as it is: no adapter.
    store: createRedisSnapshotStore(redis, { prefix: 'test:' }),
    // Redis measures PX in real time: let the 50 ms pass by ending the key's life early.
    expire: async () => {
      await redis.pexpire('test:session-2', 1);
      while ((await redis.exists('test:session-2')) === 1)
        await new Promise((r) => setImmediate(r));
    },
  }));

  it('keeps each snapshot under its prefix with Redis’s own PX expiry', async () => {
    const store = createRedisSnapshotStore(redis, { prefix: 'app:2fa:' });
    await store.set('s', snapshot, { ttlMs: 30_000.4 });
    const ttl = await redis.pttl('app:2fa:s');
    expect(ttl).toBeGreaterThan(29_000);
    expect(ttl).toBeLessThanOrEqual(30_001);
    expect(await createRedisSnapshotStore(redis).get('s')).toBeUndefined();
  });
});
