/**
 * `withStoredTwoFactorConfig`: one request of a stateless back end at a time, against the
 * emulator on one manual clock, with the in-memory store.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDsmClient } from '../../src/client/index.js';
import { DEMO_USER, type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { createSnapshotKey } from '../../src/persistence/seal.js';
import {
  createMemorySnapshotStore,
  type SnapshotStore,
  type StoredTwoFactorConfigOptions,
  withStoredTwoFactorConfig,
} from '../../src/store/index.js';
import { ManualClock } from '../../src/testing/index.js';
import type { TwoFactorConfig } from '../../src/workflow/index.js';
import { watchTimers } from '../support/leaks.js';

describe('withStoredTwoFactorConfig', () => {
  let clock: ManualClock;
  let emulator: RunningEmulator;
  let store: SnapshotStore;
  let token: string;
  let options: StoredTwoFactorConfigOptions;
  const KEY = 'web-session-42';
  const request = <T>(fn: (workflow: TwoFactorConfig) => T | Promise<T>) =>
    withStoredTwoFactorConfig(store, KEY, options, fn);
  const count = (operationId: string) =>
    emulator.requests.filter((r) => r.operationId === operationId).length;

  beforeEach(async () => {
    clock = new ManualClock();
    emulator = await startEmulator({ clock: clock.now });
    store = createMemorySnapshotStore({ now: clock.now });
    const user = emulator.state.userByEmail(DEMO_USER.email)!;
    token = emulator.state.createSession({ kind: 'user', user }).token;
    // The app keeps the token in its own server-side session and builds the client per request.
    options = {
      client: createDsmClient({ baseUrl: emulator.url, token }),
      userId: user.userId,
      clock,
    };
  });
  afterEach(() => emulator.close());

  it('restores, runs, stores, and stops: no timer of the workflow outlives the request', async () => {
    const timers = watchTimers();
    try {
      const { deadline } = await request((workflow) => workflow.unlock(DEMO_USER.password));
      expect(clock.pending).toBe(0);
      expect(timers.pending()).toEqual([]);
      await clock.advanceTo(clock.now() + 60_000, async () => {});
      const state = await request(async (workflow) => {
        expect(workflow.state).toBe('unlocked');
        expect(workflow.deadline).toBe(deadline);
        await workflow.generateRecoveryCodes();
        return workflow.state;
      });
      expect(state).toBe('unlocked');
      expect(clock.pending).toBe(0);
      expect(timers.pending()).toEqual([]);
      expect(count('Config2faAuth')).toBe(1);
    } finally {
      timers.stop();
    }
  });

  it('locks a request that arrives after the deadline, terminating first, and never unlocked', async () => {
    await request((workflow) => workflow.unlock(DEMO_USER.password));
    await clock.advanceTo(clock.now() + 597_000, async () => {}); // past 9:55, before 10:00
    const seen = await request(async (workflow) => {
      const first = workflow.state;
      await expect(workflow.generateRecoveryCodes()).rejects.toMatchObject({
        code: 'CONFIG_LOCKED',
      });
      return first;
    });
    expect(seen).toBe('locking');
    expect(count('Config2faTerminate')).toBe(1);
    expect(count('GenerateRecoveryCodes')).toBe(0);
    expect(emulator.lockState(token).unlocked).toBe(false);
    expect(await store.get(KEY)).toBeUndefined();
    expect(await request((workflow) => workflow.state)).toBe('locked');
  });

  it('reads a missing snapshot as locked, and a lock deletes it', async () => {
    expect(await request((workflow) => workflow.state)).toBe('locked');
    await request((workflow) => workflow.unlock(DEMO_USER.password));
    const stored = JSON.parse((await store.get(KEY))!);
    expect(stored).toMatchObject({ state: 'unlocked' });
    await request((workflow) => workflow.lock());
    expect(await store.get(KEY)).toBeUndefined();
    expect(emulator.lockState(token).unlocked).toBe(false);
  });

  it('keeps a snapshot no longer than DSM can stay unlocked, and nothing secret in it', async () => {
    await request((workflow) => workflow.unlock(DEMO_USER.password));
    const text = (await store.get(KEY))!;
    expect(text).not.toContain(token);
    expect(text).not.toContain(DEMO_USER.password);
    const { serverLockBy } = JSON.parse(text);
    await clock.advanceTo(serverLockBy, async () => {});
    expect(await store.get(KEY)).toBeUndefined();
  });

  it('stores the state even when the request fails, then rethrows', async () => {
    await request((workflow) => workflow.unlock(DEMO_USER.password));
    await expect(
      request(async (workflow) => {
        await workflow.lock();
        throw new Error('the app failed after locking');
      }),
    ).rejects.toThrow('the app failed');
    expect(await store.get(KEY)).toBeUndefined();
  });

  it('refuses a stored value it cannot trust with INVALID_SNAPSHOT', async () => {
    const other = { ...options, userId: '7c1e9a3b-2d4f-4e8a-b6c5-1f0e9d8c7b6a' };
    await request((workflow) => workflow.unlock(DEMO_USER.password));
    await expect(withStoredTwoFactorConfig(store, KEY, other, () => 0)).rejects.toMatchObject({
      code: 'INVALID_SNAPSHOT',
    });
    await expect(withStoredTwoFactorConfig(store, '', options, () => 0)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });

  it('signs with the snapshotKey option, round-trips through the store, and refuses the value once altered there', async () => {
    const signed = {
      ...options,
      snapshotKey: createSnapshotKey('a-32-byte-key-from-a-secret-store'),
    };
    const { deadline } = await withStoredTwoFactorConfig(store, KEY, signed, (workflow) =>
      workflow.unlock(DEMO_USER.password),
    );
    const stored = JSON.parse((await store.get(KEY))!);
    expect(stored.signature).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await clock.advanceTo(clock.now() + 60_000, async () => {});
    expect(await withStoredTwoFactorConfig(store, KEY, signed, (w) => w.deadline)).toBe(deadline);

    // Whoever can write the store moves the deadline 30 s later (still inside the window).
    const moved = { ...stored, deadline: stored.deadline + 30_000 };
    await store.set(KEY, moved, { ttlMs: 60_000 });
    await expect(withStoredTwoFactorConfig(store, KEY, signed, () => 0)).rejects.toMatchObject({
      code: 'INVALID_SNAPSHOT',
      reason: 'forged',
    });
    await store.set(KEY, { ...moved, signature: undefined }, { ttlMs: 60_000 });
    await expect(withStoredTwoFactorConfig(store, KEY, signed, () => 0)).rejects.toMatchObject({
      reason: 'unsigned',
    });
    // Without a key, the store is trusted: the moved deadline is believed.
    await store.set(KEY, moved, { ttlMs: 60_000 });
    expect(await withStoredTwoFactorConfig(store, KEY, options, (w) => w.deadline)).toBe(
      moved.deadline,
    );
  });
});
