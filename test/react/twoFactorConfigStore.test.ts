import { describe, expect, it, vi } from 'vitest';
import { DEMO_USER } from '../../src/emulator/index.js';
import { watchTwoFactorConfig } from '../../src/react/index.js';
import { signedInPerTest, until } from './signedIn.js';

describe('watchTwoFactorConfig', () => {
  const world = signedInPerTest();

  it('counts down on whole seconds while someone listens, and announces only the milestones', async () => {
    const workflow = world().createWorkflow();
    const store = watchTwoFactorConfig(workflow);
    const announcements: string[] = [];
    let ticks = 0;
    store.subscribe(() => {
      const last = announcements.at(-1);
      if (store.status.announcement !== (last ?? '')) announcements.push(store.status.announcement);
    });
    store.subscribeToCountdown(() => {
      ticks += 1;
    });

    await workflow.unlock(DEMO_USER.password);
    const deadline = workflow.deadline ?? 0;
    expect(store.status).toMatchObject({ state: 'unlocked', deadline, expiring: false });
    expect(store.remainingMs).toBe(deadline - Date.now());
    ticks = 0;
    await vi.advanceTimersByTimeAsync(3_000);
    expect(ticks).toBe(3);
    expect(store.remainingMs % 1000).toBe(0);
    expect(store.remainingMs).toBe(deadline - Date.now());

    await vi.advanceTimersByTimeAsync(deadline - Date.now() - 60_000);
    expect(store.status.expiring).toBe(true);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(store.remainingMs).toBe(30_000);

    await vi.advanceTimersByTimeAsync(31_000);
    await until(() => store.status.state === 'locked', 'the auto-lock');
    expect(store.status).toMatchObject({ expiring: false, lastLockReason: 'timeout' });
    expect(store.remainingMs).toBe(0);
    expect(world().emulator.lockState(world().token).unlocked).toBe(false);
    // Ten minutes of ticks, three things said: unlocked, expiring, locked.
    expect(announcements).toEqual([
      'The two-factor settings are unlocked for 10 minutes.',
      'Less than a minute left before the two-factor settings lock.',
      'The two-factor settings locked themselves: the time was up.',
    ]);
  });

  it('keeps one status object between changes, and wakes status listeners only on changes', async () => {
    const workflow = world().createWorkflow();
    const store = watchTwoFactorConfig(workflow);
    let changes = 0;
    store.subscribe(() => {
      changes += 1;
    });
    await workflow.unlock(DEMO_USER.password);
    const unlocked = store.status;
    const before = changes;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(store.status).toBe(unlocked);
    expect(changes).toBe(before);

    await workflow.lock();
    expect(store.status).toMatchObject({ state: 'locked', lastLockReason: 'user', busy: false });
    expect(changes).toBeGreaterThan(before);
  });

  it('stops ticking when the last countdown listener leaves', async () => {
    const workflow = world().createWorkflow();
    const store = watchTwoFactorConfig(workflow);
    await workflow.unlock(DEMO_USER.password);
    const stop = store.subscribeToCountdown(() => {});
    await vi.advanceTimersByTimeAsync(2_000);
    const last = store.remainingMs;
    stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(store.remainingMs).toBe(last);
    expect(workflow.remainingMs()).toBe(last - 10_000);
  });

  it('knows it is expiring when it starts after the warning was given', async () => {
    const workflow = world().createWorkflow({ expiringWarningMs: 120_000 });
    await workflow.unlock(DEMO_USER.password);
    const deadline = workflow.deadline ?? 0;
    await vi.advanceTimersByTimeAsync(deadline - Date.now() - 90_000);
    // The workflow's own warning lead, whatever it was set to: read from its chart.
    expect(watchTwoFactorConfig(workflow).status.expiring).toBe(true);
    const other = world().createWorkflow();
    await other.unlock(DEMO_USER.password);
    expect(watchTwoFactorConfig(other).status.expiring).toBe(false);
  });

  it('tells why it locked when DSM refuses an operation because another client locked it', async () => {
    const workflow = world().createWorkflow();
    const store = watchTwoFactorConfig(workflow, {
      announce: (milestone) => (milestone.kind === 'locked' ? `locked:${milestone.reason}` : ''),
    });
    await workflow.unlock(DEMO_USER.password);
    // Another client of the same session locks DSM behind the workflow's back.
    await world().signIn.client?.config2faTerminate();
    await expect(workflow.generateRecoveryCodes()).rejects.toThrow();
    await until(() => store.status.state === 'locked', 'the lock DSM reported');
    expect(store.status).toMatchObject({ lastLockReason: 'server', announcement: 'locked:server' });
  });
});
