import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActor, fromPromise } from 'xstate';
import {
  createTwoFactorConfigMachine,
  failureKind,
  twoFactorConfigMachine,
} from '../../machines/twoFactorConfig.js';
import type {
  OperationInput,
  OperationOutput,
  TwoFactorConfigEmitted,
  UnlockOutput,
} from '../../machines/twoFactorConfig.types.js';

const password = { toJSON: () => '[redacted]' };

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** The machine with scripted actors; every request is recorded, none crosses a wire. */
function harness(options: { autoLockMs?: number; safetyMarginMs?: number } = {}) {
  const calls: string[] = [];
  const script = {
    unlock: (): Promise<UnlockOutput> =>
      Promise.resolve({
        sentAt: Date.now(),
        answeredAt: Date.now(),
        sentAtMono: Date.now(),
        answeredAtMono: Date.now(),
      }),
    terminate: (): Promise<void> => Promise.resolve(),
    configOperation: (_input: OperationInput): Promise<OperationOutput> => Promise.resolve({}),
    approvalOperation: (_input: OperationInput): Promise<OperationOutput> => Promise.resolve({}),
  };
  const machine = createTwoFactorConfigMachine(() => Date.now()).provide({
    actors: {
      unlock: fromPromise(async () => {
        calls.push('unlock');
        return script.unlock();
      }),
      terminate: fromPromise(async () => {
        calls.push('terminate');
        return script.terminate();
      }),
      configOperation: fromPromise(async ({ input }: { input: OperationInput }) => {
        calls.push(input.kind);
        return script.configOperation(input);
      }),
      approvalOperation: fromPromise(async ({ input }: { input: OperationInput }) => {
        calls.push(input.kind);
        return script.approvalOperation(input);
      }),
    },
  });
  const actor = createActor(machine, { input: options });
  const emitted: TwoFactorConfigEmitted[] = [];
  actor.on('*', (event) => emitted.push(event as TwoFactorConfigEmitted));
  actor.start();
  const top = () => {
    const value = actor.getSnapshot().value;
    return typeof value === 'string' ? value : Object.keys(value)[0];
  };
  return { actor, calls, script, emitted, top };
}

const flush = () => vi.advanceTimersByTimeAsync(0);

describe('twoFactorConfigMachine', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('starts locked and loads on its own, with placeholder actors', () => {
    const actor = createActor(twoFactorConfigMachine, { input: {} }).start();
    expect(actor.getSnapshot().value).toEqual({ locked: 'idle' });
    actor.stop();
  });

  it('unlocks, sets the deadline from the send time minus the margin, and emits unlocked', async () => {
    const h = harness({ autoLockMs: 600_000, safetyMarginMs: 5_000 });
    const sentAt = Date.now();
    h.actor.send({ type: 'unlock', password });
    expect(h.top()).toBe('unlocking');
    await flush();
    expect(h.top()).toBe('unlocked');
    expect(h.actor.getSnapshot().context.deadline).toBe(sentAt + 595_000);
    expect(h.emitted).toContainEqual({ type: 'unlocked', deadline: sentAt + 595_000 });
  });

  it('auto-locks at the deadline through locking (terminate), with reason timeout', async () => {
    const h = harness({ autoLockMs: 600_000, safetyMarginMs: 5_000 });
    h.actor.send({ type: 'unlock', password });
    await flush();
    await vi.advanceTimersByTimeAsync(594_999);
    expect(h.top()).toBe('unlocked');
    expect(h.emitted.some((e) => e.type === 'expiring')).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.calls).toContain('terminate');
    await flush();
    expect(h.top()).toBe('locked');
    expect(h.emitted).toContainEqual({ type: 'locked', reason: 'timeout' });
  });

  it('refuses a config operation while locked, without a request', () => {
    const h = harness();
    h.actor.send({ type: 'operation', opId: '1', operation: { kind: 'generateRecoveryCodes' } });
    expect(h.calls).toEqual([]);
    expect(h.emitted).toContainEqual({
      type: 'operationRefused',
      opId: '1',
      kind: 'generateRecoveryCodes',
      code: 'CONFIG_LOCKED',
    });
  });

  it('refuses an approval operation while unlocked, without a request', async () => {
    const h = harness();
    h.actor.send({ type: 'unlock', password });
    await flush();
    h.actor.send({ type: 'operation', opId: '2', operation: { kind: 'approve', input: {} } });
    expect(h.calls).toEqual(['unlock']);
    expect(h.emitted.at(-1)).toMatchObject({ type: 'operationRefused', code: 'CONFIG_UNLOCKED' });
  });

  it('refuses a config operation past the deadline even when the timer has not fired', async () => {
    const h = harness({ autoLockMs: 600_000, safetyMarginMs: 5_000 });
    h.actor.send({ type: 'unlock', password });
    await flush();
    // The clock jumps (a sleeping laptop) without the timers running.
    vi.setSystemTime(Date.now() + 700_000);
    h.actor.send({ type: 'operation', opId: '3', operation: { kind: 'generateRecoveryCodes' } });
    expect(h.calls).toEqual(['unlock', 'terminate']);
    expect(h.emitted).toContainEqual(
      expect.objectContaining({ type: 'operationRefused', code: 'CONFIG_LOCKED' }),
    );
    expect(h.top()).toBe('locking');
  });

  it('goes to locked at once when DSM says the configuration is locked', async () => {
    const h = harness();
    h.script.configOperation = () =>
      Promise.reject(
        Object.assign(new Error('locked'), { code: 'FORBIDDEN', reason: 'configLocked' }),
      );
    h.actor.send({ type: 'unlock', password });
    await flush();
    h.actor.send({ type: 'operation', opId: '4', operation: { kind: 'removeDevice', input: {} } });
    await flush();
    expect(h.top()).toBe('locked');
    expect(h.calls).not.toContain('terminate');
    expect(h.emitted).toContainEqual({ type: 'locked', reason: 'server' });
  });

  it('aborts an unlock in flight when asked to lock, then terminates', async () => {
    const h = harness();
    const pending = deferred<UnlockOutput>();
    let aborted = false;
    h.script.unlock = () => pending.promise;
    const machine = createTwoFactorConfigMachine(() => Date.now()).provide({
      actors: {
        unlock: fromPromise(({ signal }) => {
          signal.addEventListener('abort', () => {
            aborted = true;
          });
          return pending.promise;
        }),
        terminate: fromPromise(async () => {}),
      },
    });
    const actor = createActor(machine, { input: {} }).start();
    actor.send({ type: 'unlock', password });
    actor.send({ type: 'lock' });
    expect(aborted).toBe(true);
    await flush();
    expect(actor.getSnapshot().value).toEqual({ locked: 'idle' });
  });

  it('retries a failing terminate with backoff and stops at the server deadline', async () => {
    // A three-minute window, so that the delays reach their 30 s ceiling before DSM's deadline.
    const h = harness({ autoLockMs: 180_000, safetyMarginMs: 1_000 });
    h.actor.send({ type: 'unlock', password });
    await flush();
    const unlockedAt = Date.now();
    const serverLockBy = unlockedAt + 180_000;
    expect(h.actor.getSnapshot().context.serverLockBy).toBe(serverLockBy);
    const sentAt: number[] = [];
    h.script.terminate = () => {
      sentAt.push(Date.now());
      return Promise.reject(new Error('network down'));
    };
    h.actor.send({ type: 'lock' });
    await flush();
    expect(h.actor.getSnapshot().value).toEqual({ locking: 'retrying' });
    // Only the retry timer is pending: each step of fake time is the next retry (or the end).
    for (let step = 0; step < 50 && h.top() !== 'locked'; step++) {
      await vi.advanceTimersToNextTimerAsync();
    }
    const gaps = sentAt.slice(1).map((at, i) => at - sentAt[i]!);
    // 500 ms doubled per attempt, up to 30 s; no attempt at or after the server's deadline.
    expect(gaps).toEqual([500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000, 30_000]);
    expect(sentAt[0]).toBe(unlockedAt);
    expect(sentAt.at(-1)!).toBeLessThan(serverLockBy);
    // The last wait is cut short to end exactly at the deadline, where DSM has locked itself.
    expect(Date.now()).toBe(serverLockBy);
    expect(h.top()).toBe('locked');
    expect(h.calls.filter((c) => c === 'terminate')).toHaveLength(sentAt.length);
    expect(h.emitted).toContainEqual({ type: 'locked', reason: 'user' });
    await vi.advanceTimersByTimeAsync(600_000);
    expect(sentAt).toHaveLength(gaps.length + 1);
  });

  it("waits for DSM's certain lock, not for a full backoff step, when the deadline comes first", async () => {
    const h = harness({ autoLockMs: 60_000, safetyMarginMs: 1_000 });
    h.actor.send({ type: 'unlock', password });
    await flush();
    // Locked 50 s into the window: only 10 s remain before DSM locks by itself.
    await vi.advanceTimersByTimeAsync(50_000);
    const serverLockBy = h.actor.getSnapshot().context.serverLockBy!;
    const sentAt: number[] = [];
    h.script.terminate = () => {
      sentAt.push(Date.now());
      return Promise.reject(new Error('network down'));
    };
    h.actor.send({ type: 'lock' });
    await flush();
    for (let step = 0; step < 50 && h.top() !== 'locked'; step++) {
      await vi.advanceTimersToNextTimerAsync();
    }
    const lockedAt = Date.now();
    const gaps = sentAt.slice(1).map((at, i) => at - sentAt[i]!);
    // 500, 1 000, 2 000, 4 000 ms fit in the 10 s; the next 8 s would not, so the wait ends at
    // the deadline instead (2.5 s after the fifth attempt) and no sixth attempt is made.
    expect(gaps).toEqual([500, 1_000, 2_000, 4_000]);
    expect(lockedAt).toBe(serverLockBy);
    expect(lockedAt - sentAt.at(-1)!).toBe(2_500);
    expect(h.top()).toBe('locked');
  });

  it('moves to sessionExpired on a 401 and back to locked when the session is renewed', async () => {
    const h = harness();
    h.script.unlock = () =>
      Promise.reject(Object.assign(new Error('x'), { code: 'SESSION_EXPIRED' }));
    h.actor.send({ type: 'unlock', password });
    await flush();
    expect(h.top()).toBe('sessionExpired');
    h.actor.send({ type: 'operation', opId: '5', operation: { kind: 'deny', input: {} } });
    expect(h.emitted.at(-1)).toMatchObject({ code: 'SESSION_EXPIRED' });
    h.actor.send({ type: 'sessionRenewed' });
    expect(h.top()).toBe('locked');
  });

  it('restores an unlocked state from a deadline, re-arming the auto-lock', async () => {
    const deadline = Date.now() + 120_000;
    const machine = createTwoFactorConfigMachine(() => Date.now()).provide({
      actors: { terminate: fromPromise(async () => {}) },
    });
    const actor = createActor(machine, {
      input: {
        restore: { state: 'unlocked', deadline, serverLockBy: deadline + 5_000, lockReason: null },
      },
    }).start();
    expect(actor.getSnapshot().matches('unlocked')).toBe(true);
    await vi.advanceTimersByTimeAsync(120_000);
    await flush();
    expect(actor.getSnapshot().matches('locked')).toBe(true);
  });

  it('restores to locked when the stored deadline and the server deadline have passed', () => {
    const actor = createActor(twoFactorConfigMachine, {
      input: {
        restore: {
          state: 'unlocked',
          deadline: Date.now() - 10_000,
          serverLockBy: Date.now() - 5_000,
          lockReason: null,
        },
      },
    }).start();
    expect(actor.getSnapshot().value).toEqual({ locked: 'idle' });
    expect(actor.getSnapshot().context.restore).toBeNull();
  });

  it('reads failures by code and reason only', () => {
    expect(failureKind({ code: 'UNAUTHORIZED' })).toBe('sessionExpired');
    expect(failureKind({ code: 'FORBIDDEN', reason: 'configUnlocked' })).toBe('configUnlocked');
    expect(failureKind('boom')).toBe('other');
  });
});
