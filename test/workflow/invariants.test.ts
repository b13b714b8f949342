/**
 * Invariants 1 and 2 where clocks, answers and sessions misbehave: a wall clock stepped either
 * way, a machine asleep, an unlock whose answer is lost or late, a locking state with no known
 * server deadline, and a session that ends or is replaced under an unlocked workflow. The
 * clocks are injected (each stepped alone); DSM is the emulator over loopback on its own clock.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TwoFactorConfigEmitted } from '../../machines/twoFactorConfig.types.js';
import { createDsmClient, type DsmClient } from '../../src/client/index.js';
import { DEMO_USER, type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { createSignIn } from '../../src/signIn/index.js';
import { CONFIG_OPERATION_IDS } from '../../src/testing/index.js';
import {
  createTwoFactorConfig,
  MAX_TIMER_MS,
  restoreTwoFactorConfig,
  type TwoFactorConfig,
  withLongTimers,
} from '../../src/workflow/index.js';
import { type ClientTestServer, startClientTestServer } from '../support/clientTestServer.js';
import { settleIo, TwoClocks } from '../support/twoClocks.js';

const WINDOW = 600_000;
const MARGIN = 5_000;

let clocks: TwoClocks;
let emulator: RunningEmulator;
const open: Array<{ dispose(): Promise<void> }> = [];

async function session(): Promise<{ client: DsmClient; token: string; userId: string }> {
  const anonymous = createDsmClient({ baseUrl: emulator.url, retry: false });
  const auth = await anonymous.authenticate({
    email: DEMO_USER.email,
    password: DEMO_USER.password,
  });
  return {
    client: anonymous.withToken(auth.accessToken),
    token: auth.accessToken.reveal(),
    userId: auth.entityId,
  };
}

function workflowOn(
  client: DsmClient,
  userId: string,
): {
  workflow: TwoFactorConfig;
  emitted: TwoFactorConfigEmitted[];
} {
  const workflow = createTwoFactorConfig({
    client,
    userId,
    clock: clocks,
    browserLifecycle: false,
    terminateRetryBaseMs: 100,
  });
  open.push(workflow);
  const emitted: TwoFactorConfigEmitted[] = [];
  workflow.actor.on('*', (event) => emitted.push(event as TwoFactorConfigEmitted));
  return { workflow, emitted };
}

/** Lets requests in flight answer before time moves on. */
async function settle(): Promise<void> {
  for (let i = 0; i < 50 && emulator.requests.some((r) => r.status === 0); i++) await settleIo(5);
  await settleIo();
}

const configRequests = () =>
  emulator.requests.filter((r) => CONFIG_OPERATION_IDS.has(r.operationId ?? ''));

beforeEach(async () => {
  clocks = new TwoClocks();
  emulator = await startEmulator({ clock: clocks.server, rateLimit: false });
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((item) => item.dispose()));
  await emulator.close();
});

describe('two clocks, the earlier wins', () => {
  it('a wall clock stepped back an hour does not extend the window', async () => {
    const { client, token, userId } = await session();
    const { workflow, emitted } = workflowOn(client, userId);
    await workflow.unlock(DEMO_USER.password);
    clocks.stepWall(-3_600_000);
    // The wall clock now says 70 minutes are left; the monotonic clock says 10.
    expect(workflow.remainingMs()).toBeLessThanOrEqual(WINDOW - MARGIN);
    expect(workflow.persist().deadline).toBeLessThanOrEqual(clocks.now() + WINDOW - MARGIN);
    await clocks.advance(WINDOW - MARGIN - 1_000, settle);
    expect(workflow.state).toBe('unlocked');
    await clocks.advance(1_000, settle);
    expect(workflow.state).toBe('locked');
    expect(emitted).toContainEqual({ type: 'locked', reason: 'timeout' });
    expect(emulator.lockState(token).unlocked).toBe(false);
    // Past DSM's own ten minutes nothing reaches it as a config request.
    await clocks.advance(10_000, settle);
    await expect(workflow.generateRecoveryCodes()).rejects.toMatchObject({ code: 'CONFIG_LOCKED' });
    expect(configRequests()).toHaveLength(0);
  });

  it('a wall clock stepped forward past the deadline closes the window at once', async () => {
    const { client, userId } = await session();
    const { workflow } = workflowOn(client, userId);
    await workflow.unlock(DEMO_USER.password);
    clocks.stepWall(WINDOW);
    expect(workflow.remainingMs()).toBe(0);
    await expect(workflow.generateRecoveryCodes()).rejects.toMatchObject({ code: 'CONFIG_LOCKED' });
    expect(configRequests()).toHaveLength(0);
    await clocks.advance(0, settle);
    expect(workflow.state).toBe('locked');
  });

  it('a sleep the monotonic clock did not see still closes the window', async () => {
    const { client, userId } = await session();
    const { workflow } = workflowOn(client, userId);
    await workflow.unlock(DEMO_USER.password);
    clocks.sleep(WINDOW + 60_000);
    await expect(workflow.generateRecoveryCodes()).rejects.toMatchObject({ code: 'CONFIG_LOCKED' });
    expect(configRequests()).toHaveLength(0);
  });

  it('a restore never grants more than the window left, whatever the stored deadline says', async () => {
    const { client, userId } = await session();
    const { workflow } = workflowOn(client, userId);
    await workflow.unlock(DEMO_USER.password);
    const stored = workflow.persist();
    await workflow.dispose();
    // Restored on a machine whose wall clock is an hour behind: the snapshot would grant 70
    // minutes, more than any window, so it is refused rather than believed.
    clocks.stepWall(-3_600_000);
    expect(() =>
      restoreTwoFactorConfig({ client, userId, clock: clocks, snapshot: stored }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_SNAPSHOT' }));
    // Restored a minute later on a right clock: what is left, not a new window.
    clocks.stepWall(3_600_000);
    await clocks.advance(60_000, settle);
    const restored = restoreTwoFactorConfig({
      client,
      userId,
      clock: clocks,
      browserLifecycle: false,
      snapshot: stored,
    });
    open.push(restored);
    expect(restored.state).toBe('unlocked');
    expect(restored.remainingMs()).toBe(WINDOW - MARGIN - 60_000);
  });
});

describe('every delay is clamped to setTimeout and re-armed', () => {
  it('a delay beyond 2^31-1 ms waits its full length instead of firing at once', async () => {
    const fired: number[] = [];
    const base = new TwoClocks();
    // setTimeout as Node has it: a delay it cannot hold fires after 1 ms.
    const overflowing = {
      ...base,
      now: base.now,
      setTimeout: (callback: () => void, ms: number) =>
        base.setTimeout(callback, ms > MAX_TIMER_MS || !Number.isFinite(ms) ? 1 : ms),
      clearTimeout: base.clearTimeout,
    };
    const long = withLongTimers(overflowing);
    const days = (n: number) => n * 86_400_000;
    long.setTimeout(() => fired.push(base.monotonic()), days(34));
    const cleared = long.setTimeout(() => fired.push(-1), days(40));
    long.clearTimeout(cleared);
    await base.advance(days(30), async () => {});
    expect(fired).toEqual([]);
    await base.advance(days(4), async () => {});
    expect(fired).toEqual([days(34)]);
    await base.advance(days(10), async () => {});
    expect(fired).toEqual([days(34)]);
  });

  it('a long delay cleared after it has re-armed does not fire', async () => {
    const fired: string[] = [];
    const base = new TwoClocks();
    const long = withLongTimers(base);
    const days = (n: number) => n * 86_400_000;
    const timer = long.setTimeout(() => fired.push('cleared one'), days(60));
    long.setTimeout(() => fired.push('kept one'), days(61));
    // Past the first step of 2^31-1 ms (about 24.9 days) and the second: re-armed twice.
    await base.advance(days(50), async () => {});
    long.clearTimeout(timer);
    await base.advance(days(20), async () => {});
    expect(fired).toEqual(['kept one']);
  });
});

describe('lost and late answers are unknown, never "no"', () => {
  let hostile: ClientTestServer;
  beforeEach(async () => {
    hostile = await startClientTestServer();
  });
  afterEach(() => hostile.close());

  it('an unlock answered 502 after DSM acted goes through locking, terminating until DSM answers', async () => {
    let terminates = 0;
    const seen: string[] = [];
    hostile.handle((req, res) => {
      if (req.url.endsWith('/config_2fa/auth')) return res.writeHead(502).end('Bad gateway');
      if (req.url.endsWith('/config_2fa/terminate')) {
        terminates += 1;
        // The first terminates are dropped too.
        if (terminates < 3) return res.socket?.destroy();
        seen.push('locked');
        return res.writeHead(204).end();
      }
      seen.push('approval');
      return res.writeHead(500).end();
    });
    const client = createDsmClient({ baseUrl: hostile.url, token: 'session-token', retry: false });
    const workflow = createTwoFactorConfig({
      client,
      userId: '3b9a1c7e-5d2f-4e8a-9b61-0f2d7c4a8e13',
      clock: clocks,
      browserLifecycle: false,
      terminateRetryBaseMs: 100,
    });
    open.push(workflow);
    const locked = new Promise((resolve) => workflow.on('locked', resolve));
    await expect(workflow.unlock('pw')).rejects.toMatchObject({ code: 'HTTP_ERROR', status: 502 });
    expect(workflow.state).toBe('locking');
    // Stored now, it restores to locking too, with the same reason.
    const stored = workflow.persist();
    expect(stored).toMatchObject({ state: 'locking', lockReason: 'lostAnswer' });
    const restored = restoreTwoFactorConfig({
      client: createDsmClient({ baseUrl: 'http://127.0.0.1:9', token: 'other', retry: false }),
      userId: stored.userId,
      clock: clocks,
      browserLifecycle: false,
      snapshot: stored,
    });
    expect(restored.state).toBe('locking');
    restored.actor.stop();
    // An approval asked for now waits: DSM may be unlocked until a terminate gets through.
    const denied = workflow.deny('8f14e45f-ceea-467f-a0e6-5a1b2c3d4e5f').catch(() => {});
    const hostileSettle = () => settleIo(40);
    for (let i = 0; i < 10 && workflow.state !== 'locked'; i++) {
      await clocks.advance(1_000, hostileSettle);
    }
    await expect(locked).resolves.toEqual({ type: 'locked', reason: 'lostAnswer' });
    await denied;
    expect(terminates).toBe(3);
    expect(seen).toEqual(['locked', 'approval']);
  });

  it('an unlock answer that comes after the window closed unlocks nothing', async () => {
    let answer: (() => void) | undefined;
    hostile.handle((req, res) => {
      if (req.url.endsWith('/config_2fa/auth')) {
        answer = () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      if (req.url.endsWith('/config_2fa/terminate')) return res.writeHead(204).end();
      return res.writeHead(500).end();
    });
    const client = createDsmClient({
      baseUrl: hostile.url,
      token: 'session-token',
      retry: false,
      timeoutMs: MAX_TIMER_MS,
    });
    const workflow = createTwoFactorConfig({
      client,
      userId: '3b9a1c7e-5d2f-4e8a-9b61-0f2d7c4a8e13',
      clock: clocks,
      browserLifecycle: false,
    });
    open.push(workflow);
    const emitted: string[] = [];
    workflow.actor.on('*', (event) => emitted.push(event.type));
    const unlocking = workflow.unlock('pw');
    await hostile.received(1);
    // The machine slept through the request: the window it would open has closed.
    clocks.sleep(WINDOW);
    answer?.();
    await expect(unlocking).rejects.toMatchObject({ code: 'UNLOCK_TOO_LATE' });
    expect(emitted).not.toContain('unlocked');
    expect(workflow.state).not.toBe('unlocked');
    await clocks.advance(0, () => settleIo(40));
    expect(workflow.state).toBe('locked');
    expect(hostile.requests.map((r) => r.url.split('/').pop())).toEqual(['auth', 'terminate']);
  });

  it('a restored locking state with no known server deadline settles within one window', async () => {
    hostile.handle((_req, res) => res.socket?.destroy());
    const client = createDsmClient({ baseUrl: hostile.url, token: 'session-token', retry: false });
    const userId = '3b9a1c7e-5d2f-4e8a-9b61-0f2d7c4a8e13';
    const workflow = restoreTwoFactorConfig({
      client,
      userId,
      clock: clocks,
      browserLifecycle: false,
      snapshot: {
        format: 'dsm-2fa-guard/two-factor-config',
        version: 1,
        userId,
        state: 'locking',
        deadline: null,
        serverLockBy: null,
        lockReason: 'user',
        savedAt: clocks.now(),
      },
    });
    open.push(workflow);
    let settled = false;
    void workflow.lock().then(() => {
      settled = true;
    });
    await clocks.advance(WINDOW - 1_000, () => settleIo(10));
    expect(settled).toBe(false);
    await clocks.advance(31_000, () => settleIo(10));
    expect(settled).toBe(true);
    expect(workflow.state).toBe('locked');
  });
});

describe('the session bounds the unlock', () => {
  it('resumeSession with a new session locks, and the owed terminate uses the old token', async () => {
    const first = await session();
    const { workflow, emitted } = workflowOn(first.client, first.userId);
    await workflow.unlock(DEMO_USER.password);
    const second = await session();
    workflow.resumeSession(second.client);
    expect(workflow.state).toBe('locked');
    expect(emitted).toContainEqual({ type: 'locked', reason: 'session' });
    await settle();
    const terminates = emulator.requests.filter((r) => r.operationId === 'Config2faTerminate');
    const firstId = emulator.lockState(first.token).sessionId;
    const secondId = emulator.lockState(second.token).sessionId;
    expect(terminates.map((r) => r.sessionId)).toEqual([firstId]);
    expect(terminates.map((r) => r.sessionId)).not.toContain(secondId);
    expect(emulator.lockState(first.token).unlocked).toBe(false);
    await expect(workflow.generateRecoveryCodes()).rejects.toMatchObject({ code: 'CONFIG_LOCKED' });
  });

  it.each([
    ['signOut()', (s: ReturnType<typeof createSignIn>) => s.signOut()],
    [
      'dispose({ signOut: true })',
      (s: ReturnType<typeof createSignIn>) => s.dispose({ signOut: true }),
    ],
  ])(
    '%s locks every attached workflow (reason session), before and after the next sign-in',
    async (_name, end) => {
      const signIn = createSignIn({
        baseUrl: emulator.url,
        clock: clocks,
        clientOptions: { retry: false },
      });
      open.push(signIn);
      await signIn.signIn({ email: DEMO_USER.email, password: DEMO_USER.password });
      const workflow = signIn.createTwoFactorConfig({ browserLifecycle: false });
      open.push(workflow);
      const reasons: string[] = [];
      workflow.on('locked', (event) => reasons.push(event.reason));
      await workflow.unlock(DEMO_USER.password);
      await end(signIn);
      expect(workflow.state).toBe('locked');
      expect(reasons).toEqual(['session']);
      if (_name.startsWith('dispose')) return;
      await signIn.signIn({ email: DEMO_USER.email, password: DEMO_USER.password });
      expect(workflow.state).toBe('locked');
      await expect(workflow.generateRecoveryCodes()).rejects.toMatchObject({
        code: 'CONFIG_LOCKED',
      });
      expect(configRequests()).toHaveLength(0);
    },
  );

  it("the app's idle timeout locks every attached workflow", async () => {
    const signIn = createSignIn({
      baseUrl: emulator.url,
      clock: clocks,
      idleTimeoutMs: 120_000,
      clientOptions: { retry: false },
    });
    open.push(signIn);
    await signIn.signIn({ email: DEMO_USER.email, password: DEMO_USER.password });
    const workflow = signIn.createTwoFactorConfig({ browserLifecycle: false });
    open.push(workflow);
    await workflow.unlock(DEMO_USER.password);
    await clocks.advance(121_000, settle);
    expect(signIn.state).toBe('expired');
    expect(workflow.state).toBe('locked');
    expect(configRequests()).toHaveLength(0);
  });
});
