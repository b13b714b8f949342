import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSoftAuthenticator, DEMO_USER } from '../../src/emulator/index.js';
import { parseTabMessage, syncTabs, type TabSync, type TabSyncView } from '../../src/tabs/index.js';
import { startWorkflowTestbed, type WorkflowTestbed } from '../../src/testing/index.js';
import { approveWithSecurityKey, registerSecurityKey } from '../../src/webauthn/index.js';
import type { TwoFactorConfig } from '../../src/workflow/index.js';
import { ON_REAL_TIME, useFakeClock } from '../support/fakeClock.js';
import { reach } from '../support/reach.js';

const PASSWORD = DEMO_USER.password;

/** Resolves with the first view (now or later) that satisfies `predicate`. */
function viewWhere(sync: TabSync, predicate: (view: TabSyncView) => boolean): Promise<TabSyncView> {
  return new Promise((resolve) => {
    const stop = sync.subscribe((view) => {
      if (!predicate(view)) return;
      queueMicrotask(() => stop());
      resolve(view);
    });
  });
}

/** Every message on the channel, as a third tab would see them. */
function recordChannel(name: string) {
  const channel = new BroadcastChannel(name);
  const messages: unknown[] = [];
  channel.addEventListener('message', (event) => messages.push(event.data));
  return { messages, close: () => channel.close() };
}

describe('syncTabs: tabs of one session in step', () => {
  let h: WorkflowTestbed;
  let channel: string;
  let tabA: TwoFactorConfig;
  let tabB: TwoFactorConfig;
  const syncs: TabSync[] = [];
  const sync = (workflow: TwoFactorConfig) => {
    const s = syncTabs(workflow, { channel });
    syncs.push(s);
    return s;
  };

  beforeEach(async () => {
    useFakeClock();
    h = await startWorkflowTestbed(ON_REAL_TIME);
    channel = `test-tabs-${randomUUID()}`;
    // Two tabs of one DSM session: two workflows on the same client.
    tabA = h.workflow;
    tabB = h.createWorkflow();
  });
  afterEach(async () => {
    for (const s of syncs.splice(0)) s.close();
    await h.close();
    vi.useRealTimers();
  });

  it('a second tab knows the configuration is unlocked elsewhere, and until when', async () => {
    sync(tabA);
    const b = sync(tabB);
    const { deadline } = await tabA.unlock(PASSWORD);
    const view = await viewWhere(b, (v) => v.unlockedElsewhere);
    expect(view.others).toEqual([
      expect.objectContaining({ state: 'unlocked', deadline, tabId: expect.any(String) }),
    ]);
    expect(tabB.state).toBe('locked');
  });

  it('locking in one tab locks the other at once, without the other calling lock()', async () => {
    sync(tabA);
    const b = sync(tabB);
    await tabA.unlock(PASSWORD);
    await tabB.unlock(PASSWORD);
    await tabA.lock();
    await reach(tabB, 'locked');
    await viewWhere(b, (v) => !v.unlockedElsewhere);
    expect(h.serverUnlocked()).toBe(false);
    expect(h.emitted).toContainEqual({ type: 'locked', reason: 'user' });
  });

  it('closing an unlocked tab (dispose on pagehide) locks the other tabs too', async () => {
    sync(tabA);
    const b = sync(tabB);
    await tabA.unlock(PASSWORD);
    await tabB.unlock(PASSWORD);
    await tabA.dispose({ keepalive: true });
    await reach(tabB, 'locked');
    await viewWhere(b, (v) => !v.unlockedElsewhere);
    expect(h.serverUnlocked()).toBe(false);
  });

  it("a tab's auto-lock at its deadline clears 'unlocked elsewhere' in the others", async () => {
    sync(tabA);
    const b = sync(tabB);
    await tabA.unlock(PASSWORD);
    await viewWhere(b, (v) => v.unlockedElsewhere);
    await vi.advanceTimersByTimeAsync(595_000);
    await reach(tabA, 'locked');
    await viewWhere(b, (v) => !v.unlockedElsewhere);
    expect(h.emitted).toContainEqual({ type: 'locked', reason: 'timeout' });
  });

  it('a tab opened later learns at once that another tab is unlocked', async () => {
    sync(tabA);
    await tabA.unlock(PASSWORD);
    const late = sync(h.createWorkflow());
    const view = await viewWhere(late, (v) => v.unlockedElsewhere);
    expect(view.others).toHaveLength(1);
  });

  it('forgets a tab that went silent once DSM has certainly locked by itself', async () => {
    const a = sync(tabA);
    const b = sync(tabB);
    await tabA.unlock(PASSWORD);
    await viewWhere(b, (v) => v.unlockedElsewhere);
    a.close(); // the tab crashed: no further messages
    await vi.advanceTimersByTimeAsync(600_000);
    expect(b.unlockedElsewhere).toBe(false);
  });

  it('a wrong password in one tab does not lock the tab that is unlocked', async () => {
    const a = sync(tabA);
    sync(tabB);
    await tabB.unlock(PASSWORD);
    await viewWhere(a, (v) => v.unlockedElsewhere);
    await expect(tabA.unlock('not the password')).rejects.toMatchObject({ code: 'WRONG_PASSWORD' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(tabB.state).toBe('unlocked');
    expect(a.unlockedElsewhere).toBe(true);
  });

  it('refuses FIDO2 approval in a tab while another tab is unlocked, with no request', async () => {
    const key = createSoftAuthenticator();
    await tabA.unlock(PASSWORD);
    await registerSecurityKey(tabA, 'YubiKey', { create: (o) => key.createCredential(o) });
    await tabA.lock();
    sync(tabA);
    const b = sync(tabB);
    await tabA.unlock(PASSWORD);
    await viewWhere(b, (v) => v.unlockedElsewhere);
    const requestId = h.emulator.createApprovalRequest({ reviewerEmail: DEMO_USER.email });
    h.emulator.clearRequests();
    await expect(
      approveWithSecurityKey(tabB, requestId, { get: (o) => key.getAssertion(o), tabs: b }),
    ).rejects.toMatchObject({ code: 'CONFIG_UNLOCKED' });
    expect(h.requestCount()).toBe(0);
  });

  it('never broadcasts a secret: only states, times and ids cross the channel', async () => {
    const recorder = recordChannel(channel);
    sync(tabA);
    const b = sync(tabB);
    await expect(tabA.unlock('a wrong password')).rejects.toMatchObject({ code: 'WRONG_PASSWORD' });
    await tabA.unlock(PASSWORD);
    await viewWhere(b, (v) => v.unlockedElsewhere);
    await tabA.lock();
    await viewWhere(b, (v) => !v.unlockedElsewhere);
    recorder.close();
    const text = JSON.stringify(recorder.messages);
    expect(recorder.messages.map((m) => (m as { type: string }).type)).toEqual(
      expect.arrayContaining(['hello', 'unlocked', 'locking', 'locked']),
    );
    for (const secret of [PASSWORD, 'a wrong password', h.token.reveal()])
      expect(text).not.toContain(secret);
    for (const message of recorder.messages) {
      expect(Object.keys(message as object).sort()).toEqual(
        expect.arrayContaining(['from', 'kind', 'type', 'userId', 'v']),
      );
      expect(
        Object.keys(message as object).every((k) =>
          ['kind', 'v', 'from', 'userId', 'type', 'deadline', 'serverLockBy'].includes(k),
        ),
      ).toBe(true);
    }
  });

  it("ignores another user's tabs and anything that is not its message", async () => {
    const b = sync(tabB);
    const intruder = new BroadcastChannel(channel);
    const base = { kind: 'dsm-2fa-guard/tabs', v: 1, from: 'other-tab' };
    intruder.postMessage({ ...base, userId: 'someone-else', type: 'unlocked', deadline: 1 });
    intruder.postMessage({ ...base, userId: h.userId, type: 'unlocked', deadline: 'soon' });
    intruder.postMessage('hello');
    intruder.postMessage({ ...base, userId: h.userId, type: 'unlocked', deadline: Date.now() + 1 });
    const view = await viewWhere(b, (v) => v.unlockedElsewhere);
    intruder.close();
    expect(view.others).toEqual([expect.objectContaining({ tabId: 'other-tab' })]);
  });
});

describe('parseTabMessage', () => {
  it('accepts the four message types and rejects everything else', () => {
    const base = { kind: 'dsm-2fa-guard/tabs', v: 1, from: 't', userId: 'u' };
    expect(parseTabMessage({ ...base, type: 'hello' })?.type).toBe('hello');
    expect(parseTabMessage({ ...base, type: 'locked', extra: 'dropped' })).toEqual({
      ...base,
      type: 'locked',
    });
    expect(parseTabMessage({ ...base, type: 'locking' })).toMatchObject({ serverLockBy: null });
    expect(
      parseTabMessage({ ...base, type: 'unlocked', deadline: 5, serverLockBy: 9 }),
    ).toMatchObject({ deadline: 5, serverLockBy: 9 });
    for (const bad of [null, 'x', { ...base, v: 2, type: 'hello' }, { ...base, type: 'unlock' }]) {
      expect(parseTabMessage(bad)).toBeNull();
    }
  });
});
