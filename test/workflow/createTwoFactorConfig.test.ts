import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InspectionEvent } from 'xstate';
import {
  createDsmClient,
  DsmForbiddenError,
  DsmRateLimitedError,
  Secret,
} from '../../src/client/index.js';
import {
  createSoftAuthenticator,
  DEMO_USER,
  type RunningEmulator,
} from '../../src/emulator/index.js';
import { startWorkflowTestbed, type WorkflowTestbed } from '../../src/testing/index.js';
import {
  createTwoFactorConfig,
  InvalidInputError,
  InvalidSnapshotError,
  OperationInterruptedError,
  PasswordNotProvidedError,
  restoreTwoFactorConfig,
  SessionExpiredError,
  type TwoFactorConfig,
  TwoFactorConfigLockedError,
  TwoFactorConfigUnlockedError,
  WorkflowDisposedError,
  WrongPasswordError,
} from '../../src/workflow/index.js';
import { ON_REAL_TIME, useFakeClock } from '../support/fakeClock.js';
import { reach } from '../support/reach.js';

const PASSWORD = DEMO_USER.password;

/** A client on the harness's session that never retries by itself. */
const clientWithoutRetries = (harness: WorkflowTestbed) =>
  createDsmClient({
    baseUrl: (harness.emulator as RunningEmulator).url,
    token: harness.token.reveal(),
    retry: false,
  });

/** When each Config2faTerminate reached DSM (the emulator's clock: fake time). */
const terminatesSeen = (harness: WorkflowTestbed) =>
  harness.emulator.requests.filter((r) => r.operationId === 'Config2faTerminate').map((r) => r.at);

const gaps = (times: readonly number[]) => times.slice(1).map((at, i) => at - times[i]!);

/**
 * Locks, moving fake time only when no request is on the wire: each step goes to the next
 * timer, so every retry leaves at the very moment its timer fires.
 */
async function driveLock(workflow: TwoFactorConfig): Promise<void> {
  const locking = workflow.lock();
  const turn = () => new Promise((resolve) => setImmediate(resolve));
  const locked = () => workflow.state === 'locked';
  const retrying = () => workflow.actor.getSnapshot().matches({ locking: 'retrying' });
  for (let step = 0; step < 500 && !locked(); step++) {
    // Real I/O runs (fake time stands still) until the workflow waits on its timer or locked.
    for (let i = 0; i < 1_000 && !locked() && !retrying(); i++) await turn();
    if (locked()) break;
    await vi.advanceTimersToNextTimerAsync();
  }
  await locking;
}

describe('createTwoFactorConfig against the emulator', () => {
  let h: WorkflowTestbed;
  beforeEach(async () => {
    useFakeClock();
    h = await startWorkflowTestbed(ON_REAL_TIME);
  });
  afterEach(async () => {
    await h.close();
    vi.useRealTimers();
  });

  it('unlocks with the password; the deadline counts from the send, minus the margin', async () => {
    const sentAt = Date.now();
    const { deadline } = await h.workflow.unlock(PASSWORD);
    expect(h.workflow.state).toBe('unlocked');
    expect(h.serverUnlocked()).toBe(true);
    expect(deadline).toBe(sentAt + 600_000 - 5_000);
    expect(h.workflow.remainingMs()).toBe(595_000);
    expect(h.emitted).toContainEqual({ type: 'unlocked', deadline });
  });

  it('tells a wrong password from an expired session by asking Refresh', async () => {
    await expect(h.workflow.unlock('not the password')).rejects.toBeInstanceOf(WrongPasswordError);
    expect(h.workflow.state).toBe('locked');
    expect(h.requestCount('Refresh')).toBe(1);

    h.emulator.expireSession(h.token.reveal());
    await expect(h.workflow.unlock(PASSWORD)).rejects.toBeInstanceOf(SessionExpiredError);
    expect(h.workflow.state).toBe('sessionExpired');
  });

  it('leaves sessionExpired when the app supplies a new session', async () => {
    h.emulator.expireSession(h.token.reveal());
    await expect(h.workflow.generateRecoveryCodes()).rejects.toBeInstanceOf(
      TwoFactorConfigLockedError,
    );
    await expect(h.workflow.unlock(PASSWORD)).rejects.toBeInstanceOf(SessionExpiredError);
    const fresh = await h.openSession();
    h.workflow.resumeSession(fresh.client);
    expect(h.workflow.state).toBe('locked');
    await h.workflow.unlock(PASSWORD);
    expect(h.emulator.lockState(fresh.token.reveal()).unlocked).toBe(true);
  });

  it('refuses recovery codes while locked, without a request', async () => {
    const before = h.requestCount();
    const error = await h.workflow.generateRecoveryCodes().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TwoFactorConfigLockedError);
    expect((error as TwoFactorConfigLockedError).code).toBe('CONFIG_LOCKED');
    expect(h.requestCount()).toBe(before);
  });

  it('refuses an approval while unlocked, without a request', async () => {
    await h.workflow.unlock(PASSWORD);
    const requestId = h.emulator.createApprovalRequest({ reviewerEmail: DEMO_USER.email });
    const before = h.requestCount();
    const error = await h.workflow.approvalChallenge(requestId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TwoFactorConfigUnlockedError);
    expect((error as TwoFactorConfigUnlockedError).code).toBe('CONFIG_UNLOCKED');
    expect(h.requestCount()).toBe(before);
  });

  it('auto-locks through terminate before the server would: unlocked at 9:54, locked at 9:55', async () => {
    await h.workflow.unlock(PASSWORD);
    await vi.advanceTimersByTimeAsync(594_999);
    expect(h.workflow.state).toBe('unlocked');
    expect(h.emitted.some((e) => e.type === 'expiring')).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    await reach(h.workflow, 'locked');
    expect(h.requestCount('Config2faTerminate')).toBe(1);
    expect(h.serverUnlocked()).toBe(false);
    expect(h.emitted).toContainEqual({ type: 'locked', reason: 'timeout' });
  });

  it('warns one minute before the deadline by default', async () => {
    const { deadline } = await h.workflow.unlock(PASSWORD);
    const warnings: number[] = [];
    h.workflow.on('expiring', (event) => warnings.push(event.remainingMs));
    await vi.advanceTimersByTimeAsync(deadline - 60_000 - Date.now() - 1);
    expect(warnings).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(warnings).toEqual([60_000]);
  });

  it('never lets an operation through after the deadline, even when the timer is late', async () => {
    await h.workflow.unlock(PASSWORD);
    vi.setSystemTime(Date.now() + 700_000); // the laptop slept; no timer ran
    const before = h.requestCount('GenerateRecoveryCodes');
    await expect(h.workflow.generateRecoveryCodes()).rejects.toBeInstanceOf(
      TwoFactorConfigLockedError,
    );
    expect(h.requestCount('GenerateRecoveryCodes')).toBe(before);
    await reach(h.workflow, 'locked');
  });

  it('unlocks again instead of reporting a stale deadline when the timer is late', async () => {
    const first = await h.workflow.unlock(PASSWORD);
    vi.setSystemTime(first.deadline + 1_000); // asleep past the deadline; no timer ran
    const second = await h.workflow.unlock(PASSWORD);
    expect(second.deadline).toBeGreaterThan(first.deadline);
    expect(h.requestCount('Config2faTerminate')).toBe(1);
    expect(h.requestCount('Config2faAuth')).toBe(2);
  });

  it('re-checks the deadline on demand (visibilitychange, focus, online)', async () => {
    await h.workflow.unlock(PASSWORD);
    vi.setSystemTime(Date.now() + 600_000);
    h.workflow.checkDeadline();
    await reach(h.workflow, 'locked');
    expect(h.emitted).toContainEqual({ type: 'locked', reason: 'timeout' });
  });

  it('goes to locked at once when DSM says the configuration is locked', async () => {
    await h.workflow.unlock(PASSWORD);
    // Another tab of the same session locks it.
    await h.client.config2faTerminate();
    const error = await h.workflow.generateRecoveryCodes().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DsmForbiddenError);
    expect((error as DsmForbiddenError).reason).toBe('configLocked');
    expect(h.workflow.state).toBe('locked');
    expect(h.emitted).toContainEqual({ type: 'locked', reason: 'server' });
  });

  it('aborts an unlock in flight when asked to lock, then terminates', async () => {
    h.emulator.injectFault({ kind: 'latency', ms: 5_000, match: { operationId: 'Config2faAuth' } });
    const unlocking = h.workflow.unlock(PASSWORD).catch((e: unknown) => e);
    await vi.waitFor(() => expect(h.workflow.state).toBe('unlocking'));
    await h.workflow.lock();
    expect(await unlocking).toBeInstanceOf(OperationInterruptedError);
    expect(h.workflow.state).toBe('locked');
    expect(h.requestCount('Config2faTerminate')).toBe(1);
    expect(h.serverUnlocked()).toBe(false);
  });

  it('retries a failing terminate with backoff until DSM answers', async () => {
    // The client's own retries off, so that each Config2faTerminate DSM sees is one attempt of
    // the workflow; a first delay of 200 ms, doubled per attempt.
    const workflow = h.createWorkflow({
      client: clientWithoutRetries(h),
      terminateRetryBaseMs: 200,
    });
    await workflow.unlock(PASSWORD);
    h.emulator.injectFault({
      kind: 'status',
      status: 503,
      times: 5,
      match: { operationId: 'Config2faTerminate' },
    });
    await driveLock(workflow);
    // DSM's own arrival times (fake time stands still while a request crosses the wire).
    expect(gaps(terminatesSeen(h))).toEqual([200, 400, 800, 1_600, 3_200]);
    expect(h.requestCount('Config2faTerminate')).toBe(6);
    expect(workflow.state).toBe('locked');
    expect(h.serverUnlocked()).toBe(false);
  });

  it("stops retrying a failing terminate at DSM's own deadline, when DSM has locked by itself", async () => {
    // A one-minute window on both sides, so that the deadline comes after a few attempts.
    const own = await startWorkflowTestbed({
      ...ON_REAL_TIME,
      emulator: { autoLockMs: 60_000 },
      workflow: { autoLockMs: 60_000, safetyMarginMs: 1_000 },
    });
    try {
      const workflow = own.createWorkflow({
        client: clientWithoutRetries(own),
        terminateRetryBaseMs: 200,
      });
      await workflow.unlock(PASSWORD);
      const unlockedAt = Date.now();
      own.emulator.injectFault({
        kind: 'status',
        status: 503,
        times: 1_000,
        match: { operationId: 'Config2faTerminate' },
      });
      await driveLock(workflow);
      const lockedAt = Date.now();
      const seen = terminatesSeen(own);
      // 200 ms doubled per attempt; the next step (51.2 s) would pass the deadline, so the
      // last wait ends at it instead, without a request.
      expect(gaps(seen)).toEqual([200, 400, 800, 1_600, 3_200, 6_400, 12_800, 25_600]);
      expect(seen[0]).toBe(unlockedAt);
      expect(lockedAt).toBe(unlockedAt + 60_000);
      expect(seen.at(-1)!).toBeLessThan(lockedAt);
      expect(workflow.state).toBe('locked');
      // DSM agrees: it locked by itself at that instant.
      expect(own.serverUnlocked()).toBe(false);
      await vi.advanceTimersByTimeAsync(600_000);
      expect(terminatesSeen(own)).toHaveLength(seen.length);
    } finally {
      await own.close();
    }
  });

  it('emits audit events for every change to the authenticators', async () => {
    const authenticator = createSoftAuthenticator();
    await h.workflow.unlock(PASSWORD);
    const options = await h.workflow.newDeviceChallenge();
    const attestation = await authenticator.createCredential(options);
    const user = await h.workflow.addDevice('YubiKey 5', attestation);
    expect(user.mfa_devices.map((d) => d.name)).toEqual(['YubiKey 5']);
    await h.workflow.renameDevice('YubiKey 5', 'Desk key');
    const codes = await h.workflow.generateRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(h.emulator.user(DEMO_USER.email)?.unusedRecoveryCodes).toEqual(codes);
    await h.workflow.removeDevice('Desk key');
    const audit = h.emitted.filter((e) =>
      ['deviceAdded', 'deviceRenamed', 'recoveryCodesRegenerated', 'deviceRemoved'].includes(
        e.type,
      ),
    );
    expect(audit.map((e) => e.type)).toEqual([
      'deviceAdded',
      'deviceRenamed',
      'recoveryCodesRegenerated',
      'deviceRemoved',
    ]);
    expect(audit[2]).toMatchObject({ count: 10 });
  });

  it('approves with a security key while locked', async () => {
    const authenticator = createSoftAuthenticator();
    await h.workflow.unlock(PASSWORD);
    await h.workflow.addDevice(
      'Key',
      await authenticator.createCredential(await h.workflow.newDeviceChallenge()),
    );
    await h.workflow.lock();
    const requestId = h.emulator.createApprovalRequest({ reviewerEmail: DEMO_USER.email });
    const challenge = await h.workflow.approvalChallenge(requestId);
    const assertion = await authenticator.getAssertion(challenge);
    const approved = await h.workflow.approve(requestId, { fido2AuthRequest: assertion });
    expect(approved.status).toBe('APPROVED');
  });

  it('locks first for an approval when lockBeforeApproval is set', async () => {
    const workflow = h.createWorkflow({ lockBeforeApproval: true });
    await workflow.unlock(PASSWORD);
    const requestId = h.emulator.createApprovalRequest({ reviewerEmail: DEMO_USER.email });
    const denied = await workflow.deny(requestId, 'not me');
    expect(denied.status).toBe('DENIED');
    expect(workflow.state).toBe('locked');
    expect(h.serverUnlocked()).toBe(false);
  });

  it('asks for the password once for every caller waiting at that moment', async () => {
    const prompt = vi.fn(async () => PASSWORD);
    const workflow = h.createWorkflow({ onPasswordRequired: prompt });
    const [a, b] = await Promise.all([
      workflow.generateRecoveryCodes(),
      workflow.generateRecoveryCodes(),
    ]);
    expect(prompt).toHaveBeenCalledTimes(1);
    expect(a).toHaveLength(10);
    expect(b).not.toEqual(a);
    expect(h.requestCount('Config2faAuth')).toBe(1);
    // Called as a plain function: the workflow never hands itself to the app's callback.
    expect(prompt.mock.contexts).toEqual([undefined]);
  });

  it('rejects every waiting caller when the password prompt is cancelled', async () => {
    const prompt = vi.fn(async () => undefined);
    const workflow = h.createWorkflow({ onPasswordRequired: prompt });
    const results = await Promise.allSettled([
      workflow.removeDevice('a'),
      workflow.generateRecoveryCodes(),
    ]);
    expect(prompt).toHaveBeenCalledTimes(1);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(PasswordNotProvidedError);
    }
    expect(h.requestCount('Config2faAuth')).toBe(0);
  });

  it('persists without secrets and restores the auto-lock from the stored deadline', async () => {
    const { deadline } = await h.workflow.unlock(PASSWORD);
    await vi.advanceTimersByTimeAsync(100_000);
    const stored = JSON.stringify(h.workflow.persist());
    expect(stored).not.toContain(PASSWORD);
    expect(stored).not.toContain(h.token.reveal());
    await h.workflow.dispose({ keepalive: false }).catch(() => {});
    // dispose locked the server; unlock again through a second workflow to restore into
    const first = h.createWorkflow();
    const again = await first.unlock(PASSWORD);
    const snapshot = JSON.stringify(first.persist());
    first.actor.stop();

    const restored = h.createWorkflow({ snapshot });
    expect(restored.state).toBe('unlocked');
    expect(restored.deadline).toBe(again.deadline);
    expect(deadline).toBeLessThan(again.deadline);
    const unlocksBefore = h.requestCount('Config2faAuth');
    await vi.advanceTimersByTimeAsync(again.deadline - Date.now());
    await reach(restored, 'locked');
    expect(h.serverUnlocked()).toBe(false);
    expect(h.requestCount('Config2faAuth')).toBe(unlocksBefore);
  });

  it('restores to locked when the deadline has passed, and never re-sends an unlock in flight', async () => {
    const stored = h.workflow.persist();
    await h.workflow.unlock(PASSWORD);
    const late = { ...h.workflow.persist() };
    vi.setSystemTime(Date.now() + 900_000);
    expect(h.createWorkflow({ snapshot: late }).state).toBe('locked');
    expect(h.createWorkflow({ snapshot: stored }).state).toBe('locked');

    h.emulator.injectFault({ kind: 'latency', ms: 2_000, match: { operationId: 'Config2faAuth' } });
    const other = h.createWorkflow();
    const pending = other.unlock(PASSWORD).catch(() => {});
    await vi.waitFor(() => expect(other.state).toBe('unlocking'));
    const inFlight = other.persist();
    expect(inFlight.state).toBe('locking');
    const unlocks = h.requestCount('Config2faAuth');
    const restored = h.createWorkflow({ snapshot: inFlight });
    await reach(restored, 'locked');
    expect(h.requestCount('Config2faAuth')).toBe(unlocks);
    other.actor.stop();
    await vi.advanceTimersByTimeAsync(2_000);
    await pending;
  });

  it('rejects a corrupt snapshot, one from a future version, and one of another user', () => {
    const base = h.workflow.persist();
    const make = (snapshot: unknown) => () =>
      restoreTwoFactorConfig({ client: h.client, userId: h.userId, snapshot: snapshot as never });
    expect(make('{not json')).toThrow(InvalidSnapshotError);
    // createTwoFactorConfig restores nothing: a snapshot there is a typed error, not ignored.
    expect(() =>
      createTwoFactorConfig({ client: h.client, userId: h.userId, snapshot: base as never }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(make({ ...base, version: 2 })).toThrow(/newer/);
    expect(make({ ...base, state: 'open' })).toThrow(InvalidSnapshotError);
    expect(make({ ...base, userId: 'someone-else' })).toThrow(/another user/);
  });

  it('disposes by locking best-effort, then refuses every call', async () => {
    await h.workflow.unlock(PASSWORD);
    await h.workflow.dispose();
    expect(h.serverUnlocked()).toBe(false);
    expect(h.emitted).toContainEqual({ type: 'locked', reason: 'dispose' });
    await expect(h.workflow.unlock(PASSWORD)).rejects.toBeInstanceOf(WorkflowDisposedError);
    await expect(h.workflow.lock()).rejects.toBeInstanceOf(WorkflowDisposedError);
  });

  it('rejects bad input with a typed error and no request', async () => {
    const before = h.requestCount();
    await expect(h.workflow.unlock('')).rejects.toBeInstanceOf(InvalidInputError);
    await expect(h.workflow.unlock(42 as never)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(h.workflow.unlock('  ')).rejects.toBeInstanceOf(InvalidInputError);
    const used = new Secret(PASSWORD);
    used.clear();
    await expect(h.workflow.unlock(used)).rejects.toThrow(
      new InvalidInputError('The password was already used and cleared.'),
    );
    await h.workflow.unlock(PASSWORD);
    const after = h.requestCount();
    await expect(h.workflow.removeDevice('')).rejects.toBeInstanceOf(InvalidInputError);
    await expect(h.workflow.renameDevice('a', '\n')).rejects.toBeInstanceOf(InvalidInputError);
    expect(h.requestCount()).toBe(after);
    expect(after - before).toBe(1);
    expect(h.workflow.state).toBe('unlocked');
  });

  it('hits the rate limit with a typed error carrying Retry-After', async () => {
    for (let i = 0; i < 5; i++) {
      await expect(h.workflow.unlock(`wrong-${i}`)).rejects.toBeInstanceOf(WrongPasswordError);
    }
    const error = await h.workflow.unlock('wrong-again').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DsmRateLimitedError);
    expect((error as DsmRateLimitedError).retryAfterMs).toBeGreaterThan(0);
    expect(h.workflow.state).toBe('locked');
  });

  it('keeps the password and the token out of every observable surface', async () => {
    // Inspection events travel to an inspector as JSON; everything else an app may log.
    const inspected: string[] = [];
    const logged: unknown[] = [];
    const workflow = h.createWorkflow({
      inspect: (event: InspectionEvent) => inspected.push(JSON.stringify(event)),
    });
    workflow.actor.on('*', (event) => logged.push(event));
    const record = () => {
      logged.push(workflow.persist());
      inspected.push(JSON.stringify(workflow.actor.getPersistedSnapshot()));
    };
    const authenticator = createSoftAuthenticator();
    const attempt = async (fn: () => Promise<unknown>) => {
      try {
        logged.push(await fn());
      } catch (error) {
        logged.push(error, (error as { toJSON?: () => unknown }).toJSON?.());
      }
      record();
    };
    await attempt(() => workflow.unlock('wrong password'));
    await attempt(() => workflow.unlock(PASSWORD));
    await attempt(async () =>
      workflow.addDevice(
        'Key',
        await authenticator.createCredential(await workflow.newDeviceChallenge()),
      ),
    );
    await attempt(() => workflow.approve('x', { password: PASSWORD }));
    await attempt(() => workflow.lock());
    const requestId = h.emulator.createApprovalRequest({ reviewerEmail: DEMO_USER.email });
    await attempt(() => workflow.approve(requestId, { password: PASSWORD }));
    h.emulator.expireSession(h.token.reveal());
    await attempt(() => workflow.unlock(PASSWORD));

    const text = [
      ...inspected,
      JSON.stringify(logged),
      ...logged.map((value) => inspect(value, { depth: 6 })),
    ].join('\n');
    expect(inspected.length).toBeGreaterThan(50);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(h.token.reveal());
    expect(text).toContain('[redacted]');
  });

  // The fast refusal: answered by the chart at once, but only when nothing queued or in flight
  // could still make the operation valid. Calls keep their order.
  describe('refusing a config operation that cannot run', () => {
    it('runs an operation called right after an unlock that is not awaited, in call order', async () => {
      const unlocking = h.workflow.unlock(PASSWORD);
      const codes = h.workflow.generateRecoveryCodes();
      await expect(unlocking).resolves.toMatchObject({ deadline: expect.any(Number) });
      await expect(codes).resolves.toHaveLength(10);
      const sent = h.requestsSent.filter((id) =>
        ['Config2faAuth', 'GenerateRecoveryCodes'].includes(id),
      );
      expect(sent).toEqual(['Config2faAuth', 'GenerateRecoveryCodes']);
      expect(h.violations).toEqual([]);
    });

    it('waits for an unlock sent straight to the actor (in flight), instead of refusing it BUSY', async () => {
      h.workflow.actor.send({ type: 'unlock', password: new Secret(PASSWORD) });
      expect(h.workflow.state).toBe('unlocking');
      await expect(h.workflow.generateRecoveryCodes()).resolves.toHaveLength(10);
      expect(h.violations).toEqual([]);
    });

    it('refuses during a lock with CONFIG_LOCKED and no request', async () => {
      await h.workflow.unlock(PASSWORD);
      const locking = h.workflow.lock();
      const before = h.requestsSent.length;
      await expect(h.workflow.generateRecoveryCodes()).rejects.toBeInstanceOf(
        TwoFactorConfigLockedError,
      );
      await locking;
      expect(h.requestsSent.slice(before)).not.toContain('GenerateRecoveryCodes');
    });

    it('refuses while locked with nothing queued before any timer or I/O, and the inspector sees the event', async () => {
      const inspected: InspectionEvent[] = [];
      const workflow = createTwoFactorConfig({
        client: h.client,
        userId: h.userId,
        inspect: (event) => inspected.push(event),
        browserLifecycle: false,
      });
      let settled = false;
      const refused = workflow.generateRecoveryCodes().catch((error: unknown) => {
        settled = true;
        return error;
      });
      // Microtasks only: no timer, no request.
      for (let i = 0; i < 5 && !settled; i++) await Promise.resolve();
      expect(settled).toBe(true);
      expect(await refused).toBeInstanceOf(TwoFactorConfigLockedError);
      const operationEvents = inspected.filter(
        (e) => e.type === '@xstate.event' && (e.event as { type: string }).type === 'operation',
      );
      expect(operationEvents).toHaveLength(1);
      await workflow.dispose();
    });

    it('builds a refusal without a stack at the default depth, with the app’s frames when it asks for more, and puts the limit back', async () => {
      const limit = Error.stackTraceLimit;
      try {
        const shallow = (await h.workflow
          .generateRecoveryCodes()
          .catch((e: unknown) => e)) as Error;
        expect(Error.stackTraceLimit).toBe(limit);
        expect(shallow.stack?.split('\n')).toHaveLength(1);

        Error.stackTraceLimit = 50;
        const appFrame = () => h.workflow.generateRecoveryCodes();
        const deep = (await appFrame().catch((e: unknown) => e)) as Error;
        expect(Error.stackTraceLimit).toBe(50);
        expect(deep).toBeInstanceOf(TwoFactorConfigLockedError);
        expect(deep.stack).toContain('appFrame');
      } finally {
        Error.stackTraceLimit = limit;
      }
    });

    it('rejects every call DISPOSED once its actor was stopped without dispose(), never hangs', async () => {
      const workflow = createTwoFactorConfig({
        client: h.client,
        userId: h.userId,
        browserLifecycle: false,
      });
      workflow.actor.stop();
      await expect(workflow.generateRecoveryCodes()).rejects.toBeInstanceOf(WorkflowDisposedError);
      await expect(workflow.approvalChallenge('a')).rejects.toBeInstanceOf(WorkflowDisposedError);
      await expect(workflow.unlock(PASSWORD)).rejects.toBeInstanceOf(WorkflowDisposedError);
      await expect(workflow.lock()).rejects.toBeInstanceOf(WorkflowDisposedError);
    });
  });
});
