/**
 * The sign-in controller under random use, against the real emulator (its in-process `fetch`)
 * and fake time: sign-ins with right and wrong passwords, the security key (valid or tampered),
 * recovery codes (unused, used, wrong), activity, sign-out, time passing, the server expiring the
 * session and one-shot faults (a 500, a dropped connection). After every step:
 *
 * 1. the controller agrees with DSM: `signedIn` ⇒ alive and not pending, `awaitingSecondFactor`
 *    ⇒ pending (a dead session is excused only when DSM ended it without telling the controller,
 *    and never once the controller saw a 401 or its own Terminate succeed); sessionless states
 *    hold no token and no client;
 * 2. nothing but CompleteFido2Auth, RecoveryCodeAuth, Refresh and Terminate is sent on a pending
 *    session;
 * 3. every action settles (bounded with the fake clock), rejecting only with a string `code`;
 * 4. no password, token or recovery code shows in persisted snapshots, events or errors;
 * 5. a second-factor check in flight when the user signs out rejects INTERRUPTED at once, not
 *    once Terminate answers (here it hangs until the client's timeout).
 *
 * PROPERTY_RUNS sets the number of runs (FC_RUNS too): 100 by default, about a second; CI raises
 * it to 1000 (.ci/run). A failure prints its seed and path, and FC_SEED (with FC_PATH) replays it.
 */
import { setImmediate as realImmediate } from 'node:timers/promises';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createEmulatorApp,
  DEMO_USER,
  type EmulatorApp,
  type SoftAuthenticator,
} from '../../src/emulator/index.js';
import { operationIdOf } from '../../src/emulator/operations.js';
import { generateRecoveryCodes } from '../../src/emulator/recoveryCodes.js';
import type { DeviceRecord } from '../../src/emulator/state.js';
import { createSignIn, type SignIn } from '../../src/signIn/index.js';
import { startSignInTestbed } from '../../src/testing/index.js';
import { propertyRuns } from '../support/runSize.js';

const numRuns = propertyRuns(50);
const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
const path = process.env.FC_PATH;

const PASSWORD = DEMO_USER.password;
const WRONG_PASSWORD = 'Wrong-Horse-Battery-Staple-7';
const WRONG_CODE = 'QQQQ-QQQQ-QQQQ';
const SESSION_IDLE_MS = 600_000;
const REFRESH_INTERVAL_MS = 60_000;
const ALLOWED_WHILE_PENDING = new Set([
  'CompleteFido2Auth',
  'RecoveryCodeAuth',
  'Refresh',
  'Terminate',
]);

type Step =
  | { kind: 'signIn'; right: boolean }
  | { kind: 'key'; valid: boolean }
  | { kind: 'code'; which: 'unused' | 'used' | 'wrong' }
  | { kind: 'activity' }
  | { kind: 'signOut' }
  | { kind: 'signOutDuring'; check: 'key' | 'code' }
  | { kind: 'time'; ms: number }
  | { kind: 'serverExpire' }
  | { kind: 'fault'; fault: 'status500' | 'drop' };

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('signIn' as const),
      right: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, fc.constant(false)),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('key' as const), valid: fc.boolean() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('code' as const),
      which: fc.constantFrom('unused' as const, 'used' as const, 'wrong' as const),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'activity' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'signOut' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('signOutDuring' as const),
      check: fc.constantFrom('key' as const, 'code' as const),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('time' as const),
      ms: fc.oneof(
        fc.integer({ min: 1, max: 30_000 }),
        fc.integer({ min: REFRESH_INTERVAL_MS + 1, max: 2 * REFRESH_INTERVAL_MS }),
        fc.integer({ min: SESSION_IDLE_MS + 1, max: SESSION_IDLE_MS + 100_000 }),
      ),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'serverExpire' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('fault' as const),
      fault: fc.constantFrom('status500' as const, 'drop' as const),
    }),
  },
);

/** Most runs start from a sign-in, so that later steps meet a pending or complete session. */
const prefixArbitrary: fc.Arbitrary<Step[]> = fc.constantFrom<Step[]>(
  [],
  [{ kind: 'signIn', right: true }],
  [
    { kind: 'signIn', right: true },
    { kind: 'key', valid: true },
  ],
  [
    { kind: 'signIn', right: true },
    { kind: 'code', which: 'unused' },
  ],
  [{ kind: 'signIn', right: true }, { kind: 'key', valid: true }, { kind: 'activity' }],
  [
    { kind: 'signIn', right: true },
    { kind: 'code', which: 'unused' },
    { kind: 'activity' },
    { kind: 'time', ms: REFRESH_INTERVAL_MS + 1_000 },
  ],
  [
    { kind: 'signIn', right: true },
    { kind: 'signOutDuring', check: 'code' },
  ],
  [
    { kind: 'signIn', right: true },
    { kind: 'signOutDuring', check: 'key' },
  ],
  // Toward the rate limit (wrong passwords and wrong codes count alike).
  [
    { kind: 'signIn', right: false },
    { kind: 'signIn', right: false },
    { kind: 'signIn', right: false },
  ],
  [
    { kind: 'signIn', right: true },
    { kind: 'code', which: 'wrong' },
    { kind: 'code', which: 'wrong' },
    { kind: 'code', which: 'wrong' },
  ],
);

const scenarioArbitrary: fc.Arbitrary<Step[]> = prefixArbitrary.chain((prefix) =>
  fc
    .array(stepArbitrary, { minLength: 1, maxLength: 8 - prefix.length })
    .map((rest) => [...prefix, ...rest]),
);

class InvariantViolation extends Error {
  override readonly name = 'InvariantViolation';
}

function violation(message: string): never {
  throw new InvariantViolation(message);
}

interface Run {
  emulator: EmulatorApp;
  email: string;
  codes: string[];
  signIn: SignIn;
  /** Every token seen on the wire or in the controller, and what DSM told about each. */
  tokens: Set<string>;
  rejected: Set<string>;
  terminated: Set<string>;
  expiredByServer: Set<string>;
  lastOkAt: Map<string, number>;
  lastUsedAt: Map<string, number>;
  sendViolations: string[];
  /** Rendered observables, searched for secrets after every step. */
  observed: Array<{ what: string; text: string }>;
}

let template: { device: DeviceRecord; authenticator: SoftAuthenticator };
let shared: EmulatorApp | undefined;
let runs = 0;

function sharedEmulator(): EmulatorApp {
  if (!shared || runs % 50 === 0) {
    shared = createEmulatorApp({
      users: [],
      sessionIdleMs: SESSION_IDLE_MS,
      // DSM's default is 5 wrong in 5 min; 3 lets runs of ≤ 8 steps reach the 429.
      rateLimit: { maxAttempts: 3, windowMs: 300_000 },
    });
  }
  runs += 1;
  return shared;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

async function drain(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i += 1) await realImmediate();
}

/** The in-process emulator, watched: invariant 2 as each request leaves, DSM's answers kept. */
function watchedFetch(run: () => Run): typeof globalThis.fetch {
  return async (input, init) => {
    const r = run();
    const isRequest = input instanceof Request;
    const method = (init?.method ?? (isRequest ? input.method : 'GET')).toUpperCase();
    const url = new URL(isRequest ? input.url : String(input), 'http://127.0.0.1');
    const operationId = operationIdOf(method, url.pathname) ?? url.pathname;
    const auth = new Headers(init?.headers ?? (isRequest ? input.headers : undefined)).get(
      'authorization',
    );
    const token = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : null;
    if (token !== null) {
      r.tokens.add(token);
      const server = r.emulator.lockState(token);
      if (server.secondFactorPending && !ALLOWED_WHILE_PENDING.has(operationId)) {
        r.sendViolations.push(`${operationId} sent on a pending session`);
      }
    }
    const response = await r.emulator.fetch(input, init);
    if (token !== null) {
      if (response.status === 401) r.rejected.add(token);
      if (response.ok) r.lastOkAt.set(token, Date.now());
      if (response.ok && operationId === 'Terminate') r.terminated.add(token);
    }
    return response;
  };
}

function tamper(assertion: unknown): unknown {
  const a = assertion as { response: { signature: string } };
  const signature = Buffer.from(a.response.signature, 'base64url');
  signature[signature.length - 1] = (signature.at(-1) ?? 0) ^ 0xff;
  return { ...a, response: { ...a.response, signature: signature.toString('base64url') } };
}

function pickCode(run: Run, which: 'unused' | 'used' | 'wrong'): string {
  if (which === 'wrong') return WRONG_CODE;
  const records = run.emulator.state.userByEmail(run.email)!.recoveryCodes;
  const used = records.filter((c) => c.usedAt !== undefined).map((c) => c.code);
  const unused = records.filter((c) => c.usedAt === undefined).map((c) => c.code);
  const pool = which === 'used' ? used : unused;
  return pool[0] ?? run.codes[0]!;
}

/** Starts a step's action; returns its promise (if any). Sync throws count as rejections. */
function start(run: Run, step: Step): Promise<unknown> | null {
  const { signIn, emulator } = run;
  switch (step.kind) {
    case 'signIn':
      return signIn.signIn({ email: run.email, password: step.right ? PASSWORD : WRONG_PASSWORD });
    case 'key':
      return signIn.completeWithSecurityKey(async (options) => {
        const assertion = await template.authenticator.getAssertion(options);
        return (step.valid ? assertion : tamper(assertion)) as typeof assertion;
      });
    case 'code':
      return signIn.completeWithRecoveryCode(pickCode(run, step.which));
    case 'activity':
      signIn.activity();
      return null;
    case 'signOut':
      return signIn.signOut();
    case 'signOutDuring':
      return signOutDuring(run, step.check);
    case 'time':
      return vi.advanceTimersByTimeAsync(step.ms);
    case 'serverExpire': {
      const token = signIn.token?.reveal();
      const targets = token
        ? [token]
        : [...emulator.state.sessions.values()]
            .filter((s) => s.principal.kind === 'user' && s.principal.user.email === run.email)
            .map((s) => s.token);
      for (const t of targets) {
        run.expiredByServer.add(t);
        emulator.expireSession(t);
      }
      return null;
    }
    case 'fault':
      emulator.injectFault(
        step.fault === 'drop' ? { kind: 'drop', times: 1 } : { kind: 'status', status: 500 },
      );
      return null;
  }
}

type Outcome = 'pending' | 'done' | { error: unknown };

/** The promise's outcome so far. */
function watch(promise: Promise<unknown>): () => Outcome {
  let outcome: Outcome = 'pending';
  promise.then(
    () => {
      outcome = 'done';
    },
    (error: unknown) => {
      outcome = { error };
    },
  );
  return () => outcome;
}

/**
 * Starts a valid second factor and, once it is in flight, signs out while Terminate hangs:
 * invariant 5. Returns the sign-out (or the check, when it never got in flight).
 */
async function signOutDuring(run: Run, check: 'key' | 'code'): Promise<unknown> {
  const { signIn } = run;
  const checking = start(
    run,
    check === 'key' ? { kind: 'key', valid: true } : { kind: 'code', which: 'unused' },
  )!;
  const outcome = watch(checking);
  // The key is asked first (WebCrypto, real time): wait for the check to be sent.
  const verifying = () =>
    signIn.actor.getSnapshot().matches({ awaitingSecondFactor: 'verifyingAssertion' }) ||
    signIn.actor.getSnapshot().matches({ awaitingSecondFactor: 'verifyingRecoveryCode' });
  for (let i = 0; i < 10_000 && outcome() === 'pending' && !verifying(); i += 1) {
    await realImmediate();
  }
  if (!verifying()) return checking;
  run.emulator.injectFault({ kind: 'hang', match: { operationId: 'Terminate' } });
  const signingOut = signIn.signOut();
  await drain();
  const settled = outcome();
  if (settled === 'pending') violation('5: a second factor still pending after signOut()');
  if (settled === 'done') violation('5: a second factor interrupted by signOut() resolved');
  recordError(run, settled.error);
  const { code } = settled.error as { code: string };
  if (code !== 'INTERRUPTED') violation(`5: an interrupted second factor rejected ${code}`);
  // Past the client's timeout: the sign-out ends without Terminate's answer.
  await vi.advanceTimersByTimeAsync(35_000);
  return signingOut;
}

function recordError(run: Run, error: unknown): void {
  if (error instanceof InvariantViolation) throw error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') {
    violation(`3: rejected with an untyped value: ${inspect(error, { depth: 2 })}`);
  }
  run.observed.push({ what: 'an error (JSON)', text: safeJson(error) });
  run.observed.push({ what: 'an error (inspect)', text: inspect(error, { depth: 6 }) });
  if (error instanceof Error) run.observed.push({ what: 'an error message', text: error.message });
}

/** Real elapsed time, read before the run fakes `performance` (which would stop this clock). */
const realNow = globalThis.performance.now.bind(globalThis.performance);

/** Waits for the action: in-process answers first, then at most 35 s of fake time. */
async function settle(run: Run, promise: Promise<unknown> | null): Promise<void> {
  if (promise === null) return drain();
  const outcome = watch(promise);
  // FIDO2 verification runs on WebCrypto's thread pool: give real time before fake time, so
  // the client's 30 s timeout never races an answer DSM is still computing.
  const realDeadline = realNow() + 2_000;
  while (outcome() === 'pending' && realNow() < realDeadline) await realImmediate();
  if (outcome() === 'pending') {
    await vi.advanceTimersByTimeAsync(35_000);
    await drain();
  }
  const settled = outcome();
  if (settled === 'pending') violation(`3: still pending in ${run.signIn.state}`);
  if (settled !== 'done') recordError(run, settled.error);
  await drain();
}

function checkAgreement(run: Run): void {
  const { signIn, emulator } = run;
  const state = signIn.state;
  const token = signIn.token?.reveal() ?? null;
  if (token !== null) run.tokens.add(token);
  if (state === 'signedOut' || state === 'expired' || state === 'rateLimited') {
    if (token !== null || signIn.client !== null) violation(`1: ${state} but holds a session`);
    return;
  }
  if (state !== 'signedIn' && state !== 'awaitingSecondFactor') return;
  if (token === null) violation(`1: ${state} without a token`);
  if (state === 'awaitingSecondFactor' && signIn.client !== null) {
    violation('1: awaitingSecondFactor hands out a client');
  }
  const server = emulator.lockState(token);
  const record = emulator.state.sessions.get(token);
  if (server.sessionAlive && record) run.lastUsedAt.set(token, record.lastUsedAt);
  if (server.sessionAlive) {
    if (state === 'signedIn' && server.secondFactorPending) {
      violation('1: signedIn while DSM still waits for the second factor');
    }
    if (state === 'awaitingSecondFactor' && !server.secondFactorPending) {
      violation('1: awaitingSecondFactor while DSM has no second factor pending');
    }
  } else {
    // DSM's idle expiry, from the last instant this check saw DSM touch the session.
    const lastUsedAt = Math.max(run.lastOkAt.get(token) ?? 0, run.lastUsedAt.get(token) ?? 0);
    const idleOut = Date.now() - lastUsedAt >= SESSION_IDLE_MS;
    if (!run.expiredByServer.has(token) && !idleOut) {
      violation(`1: ${state} while DSM has no such session, and DSM did not end it`);
    }
  }
  if (!signIn.view.busy && (run.rejected.has(token) || run.terminated.has(token))) {
    violation(`1: still ${state} after DSM answered 401 or Terminate succeeded`);
  }
}

function checkInvariants(run: Run): void {
  checkAgreement(run);
  // 2. Nothing but the four operations on a pending session (also: DSM never answered 403).
  if (run.sendViolations.length > 0) violation(`2: ${run.sendViolations.join('; ')}`);
  const refused = run.emulator.requests.find((r) => r.status === 403);
  if (refused) violation(`2: DSM answered 403 to ${refused.operationId}`);
  // 4. No secret in what the app can see.
  for (const [key, session] of run.emulator.state.sessions) {
    if (session.principal.kind === 'user' && session.principal.user.email === run.email) {
      run.tokens.add(key);
    }
  }
  const secrets = [PASSWORD, WRONG_PASSWORD, WRONG_CODE, ...run.codes, ...run.tokens];
  run.observed.push({ what: 'persist()', text: safeJson(run.signIn.persist()) });
  run.observed.push({
    what: 'the persisted actor snapshot',
    text: safeJson(run.signIn.actor.getPersistedSnapshot()),
  });
  run.observed.push({ what: 'the view', text: safeJson(run.signIn.view) });
  for (const { what, text } of run.observed) {
    for (const secret of secrets) {
      if (text.includes(secret)) violation(`4: a secret appears in ${what}`);
    }
  }
  run.observed = [];
}

async function runScenario(steps: Step[]): Promise<void> {
  const emulator = sharedEmulator();
  emulator.clearFaults();
  emulator.clearRequests();
  const email = `signin-property-${runs}@example.com`;
  const codes = generateRecoveryCodes(3);
  emulator.addUser({ email, password: PASSWORD, recoveryCodes: codes });
  emulator.state.userByEmail(email)!.devices.push({ ...template.device });
  const run = {
    emulator,
    email,
    codes,
    tokens: new Set<string>(),
    rejected: new Set<string>(),
    terminated: new Set<string>(),
    expiredByServer: new Set<string>(),
    lastOkAt: new Map<string, number>(),
    lastUsedAt: new Map<string, number>(),
    sendViolations: [],
    observed: [],
  } as unknown as Run;
  run.signIn = createSignIn({
    baseUrl: 'http://127.0.0.1',
    clientOptions: { fetch: watchedFetch(() => run), retry: false },
    refreshIntervalMs: REFRESH_INTERVAL_MS,
  });
  run.signIn.actor.on('*', (event) => {
    run.observed.push({ what: `an emitted ${event.type} event`, text: safeJson(event) });
  });
  try {
    for (const [index, step] of steps.entries()) {
      try {
        let promise: Promise<unknown> | null;
        try {
          promise = start(run, step);
        } catch (error) {
          promise = Promise.reject(error);
        }
        await settle(run, promise);
        checkInvariants(run);
      } catch (error) {
        if (error instanceof Error) {
          error.message += ` (after step ${index}: ${JSON.stringify(step)})`;
        }
        throw error;
      }
    }
  } finally {
    emulator.clearFaults();
    await run.signIn.dispose();
  }
}

describe('sign-in controller against the emulator, under random actions, time and faults', () => {
  beforeAll(async () => {
    // A security key registered once; each run's user gets a copy of its device record.
    const testbed = await startSignInTestbed({ transport: 'in-process' });
    const { authenticator } = await testbed.addSecurityKey();
    const device = testbed.emulator.state.userByEmail(testbed.email)!.devices[0]!;
    template = { device, authenticator };
    await testbed.close();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
  });
  afterAll(() => vi.useRealTimers());

  it('agrees with DSM, sends nothing on a pending session, always settles, leaks no secret', async () => {
    expect(template.device.credentialId).toBeTruthy();
    await fc.assert(fc.asyncProperty(scenarioArbitrary, runScenario), {
      numRuns,
      ...(seed !== undefined && { seed }),
      ...(path !== undefined && { path }),
    });
  }, 120_000);
});
