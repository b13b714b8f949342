/**
 * The 2FA-configuration workflow as the user and the server see it: an abstract model for
 * model-based tests. It is a plain statechart, without `invoke` or `after` (which
 * `createTestModel` from `xstate/graph` refuses): requests, answers and timers are not in it;
 * what a person can do and what can happen around them is, and each state says what the
 * controller and DSM must then report.
 */
import { assign, setup } from 'xstate';
import type {
  ApprovalOperationKind,
  ConfigOperationKind,
} from '../../machines/twoFactorConfig.types.js';

/** How DSM answers an unlock (the testbed arranges it on the emulator). */
export type UnlockAnswer =
  | 'ok'
  | 'wrongPassword'
  | 'networkError'
  | 'serverError'
  | 'sessionExpired';
/** How DSM answers the terminate of a lock. `retried`: it fails (503) until the retry. */
export type LockAnswer = 'ok' | 'retried';
/**
 * How DSM answers a config operation. `configLocked`: another tab of the session locked it;
 * `sessionExpired`: the session ended on the server.
 */
export type ConfigAnswer = 'ok' | 'serverError' | 'configLocked' | 'sessionExpired';
/** How DSM answers an approval operation. `configUnlocked`: another tab unlocked the session. */
export type ApprovalAnswer = 'ok' | 'configUnlocked' | 'sessionExpired';

/**
 * What the model can do. User actions carry the server's answer; the other events are time
 * passing and the app noticing it (`WAKE` is what the browser lifecycle does on
 * `visibilitychange`: `checkDeadline()`).
 */
export type WorkflowModelEvent =
  | { type: 'UNLOCK'; answer: UnlockAnswer }
  | { type: 'LOCK'; answer: LockAnswer }
  | { type: 'CONFIG_OP'; kind: ConfigOperationKind; answer: ConfigAnswer }
  | { type: 'APPROVAL_OP'; kind: ApprovalOperationKind; answer: ApprovalAnswer }
  /** Timers run until the `expiring` warning. */
  | { type: 'WAIT_FOR_WARNING' }
  /** Timers run until the auto-lock has locked. */
  | { type: 'WAIT_FOR_AUTO_LOCK' }
  /** The clock jumps past the client's deadline but not DSM's; no timer runs (a short sleep). */
  | { type: 'NAP' }
  /** The clock jumps an hour; no timer runs (a laptop asleep). DSM has locked by itself. */
  | { type: 'SLEEP' }
  /** The app re-checks the deadline (`checkDeadline()`), as on waking up. */
  | { type: 'WAKE' }
  /** The app signs in again and hands the workflow the new session (`resumeSession`). */
  | { type: 'RENEW_SESSION' };

export type WorkflowModelEventType = WorkflowModelEvent['type'];

/** Why an action was refused locally: a typed error, and no request sent. */
export type RefusedCode = 'CONFIG_LOCKED' | 'CONFIG_UNLOCKED' | 'SESSION_EXPIRED';

/** What the last user action's promise must settle with. */
export type ExpectedResult =
  /** The step was not a user action (time passed, the app re-checked the clock). */
  | { kind: 'none' }
  | { kind: 'resolved' }
  /** Rejected locally with this error code, and no request was sent. */
  | { kind: 'refused'; code: RefusedCode }
  /** Rejected because DSM or the network said no: the error's `code`. */
  | { kind: 'rejected'; code: string };

export interface WorkflowModelContext {
  expected: ExpectedResult;
}

/**
 * What must be true in a model state, read from its `meta`:
 * - `client`: the controller's `state`;
 * - `server`: whether DSM's configuration is unlocked for the current session;
 * - `remaining`: whether `remainingMs()` is above zero (`zero`: the deadline passed while no
 *   timer ran; the controller still says `unlocked` and refuses every config operation).
 * - `warned`: an `expiring` event was emitted since the unlock.
 */
export interface ModelExpectation {
  client: 'locked' | 'unlocked' | 'sessionExpired';
  server: 'locked' | 'unlocked';
  remaining?: 'positive' | 'zero';
  warned?: boolean;
}

const expectation = (value: ModelExpectation) => value;
const ok: ExpectedResult = { kind: 'resolved' };
const none: ExpectedResult = { kind: 'none' };
const refused = (code: RefusedCode): ExpectedResult => ({ kind: 'refused', code });
const rejected = (code: string): ExpectedResult => ({ kind: 'rejected', code });
// Where an action sends no request (refused, or nothing to do), only DSM's ordinary answer
// is modelled: an arranged failure would never be consumed.
const whenOk = { type: 'answers', params: { answer: 'ok' } } as const;
const expect = (params: ExpectedResult) => ({ type: 'expect', params }) as const;

/** The client's deadline has passed without a timer running: the same reactions either way. */
const overdueReactions = {
  // Locks first (terminate), then unlocks for a fresh window.
  UNLOCK: { guard: whenOk, target: 'unlocked', actions: expect(ok) },
  LOCK: { guard: whenOk, target: 'locked', actions: expect(ok) },
  // The guard reads the clock: refused without a request, and the workflow locks.
  CONFIG_OP: { guard: whenOk, target: 'locked', actions: expect(refused('CONFIG_LOCKED')) },
  APPROVAL_OP: { guard: whenOk, actions: expect(refused('CONFIG_UNLOCKED')) },
  WAIT_FOR_AUTO_LOCK: { target: 'locked', actions: expect(none) },
  WAKE: { target: 'locked', actions: expect(none) },
} as const;

export const workflowModel = setup({
  types: {
    context: {} as WorkflowModelContext,
    events: {} as WorkflowModelEvent,
  },
  guards: {
    answers: ({ event }, params: { answer: string }) =>
      'answer' in event && event.answer === params.answer,
  },
  actions: {
    expect: assign((_, params: ExpectedResult) => ({ expected: params })),
  },
}).createMachine({
  id: 'workflowModel',
  initial: 'locked',
  context: { expected: none },
  states: {
    locked: {
      meta: expectation({ client: 'locked', server: 'locked' }),
      on: {
        UNLOCK: [
          {
            guard: whenOk,
            target: 'unlocked',
            actions: expect(ok),
          },
          {
            guard: { type: 'answers', params: { answer: 'sessionExpired' } },
            target: 'sessionExpired',
            actions: expect(rejected('SESSION_EXPIRED')),
          },
          {
            guard: { type: 'answers', params: { answer: 'wrongPassword' } },
            actions: expect(rejected('WRONG_PASSWORD')),
          },
          {
            guard: { type: 'answers', params: { answer: 'networkError' } },
            actions: expect(rejected('NETWORK')),
          },
          { actions: expect(rejected('HTTP_ERROR')) },
        ],
        LOCK: { guard: whenOk, actions: expect(ok) },
        CONFIG_OP: { guard: whenOk, actions: expect(refused('CONFIG_LOCKED')) },
        APPROVAL_OP: [
          {
            guard: whenOk,
            actions: expect(ok),
          },
          {
            // DSM says the configuration is unlocked: the workflow terminates to be sure.
            guard: { type: 'answers', params: { answer: 'configUnlocked' } },
            actions: expect(rejected('FORBIDDEN')),
          },
          { target: 'sessionExpired', actions: expect(rejected('UNAUTHORIZED')) },
        ],
      },
    },
    unlocked: {
      initial: 'active',
      states: {
        active: {
          meta: expectation({ client: 'unlocked', server: 'unlocked', remaining: 'positive' }),
          on: { WAIT_FOR_WARNING: { target: 'expiring', actions: expect(none) } },
        },
        expiring: {
          meta: expectation({
            client: 'unlocked',
            server: 'unlocked',
            remaining: 'positive',
            warned: true,
          }),
        },
      },
      on: {
        // Already unlocked: resolves at once, without a request.
        UNLOCK: { guard: whenOk, actions: expect(ok) },
        // `retried`: the terminate fails until a retry gets through; locked all the same.
        LOCK: { target: 'locked', actions: expect(ok) },
        CONFIG_OP: [
          {
            guard: whenOk,
            actions: expect(ok),
          },
          {
            guard: { type: 'answers', params: { answer: 'serverError' } },
            actions: expect(rejected('HTTP_ERROR')),
          },
          {
            // DSM says locked: the workflow believes it at once.
            guard: { type: 'answers', params: { answer: 'configLocked' } },
            target: 'locked',
            actions: expect(rejected('FORBIDDEN')),
          },
          { target: 'sessionExpired', actions: expect(rejected('UNAUTHORIZED')) },
        ],
        APPROVAL_OP: { guard: whenOk, actions: expect(refused('CONFIG_UNLOCKED')) },
        WAIT_FOR_AUTO_LOCK: { target: 'locked', actions: expect(none) },
        NAP: { target: 'overdue', actions: expect(none) },
        SLEEP: { target: 'asleep', actions: expect(none) },
        WAKE: { actions: expect(none) },
      },
    },
    overdue: {
      meta: expectation({ client: 'unlocked', server: 'unlocked', remaining: 'zero' }),
      on: overdueReactions,
    },
    asleep: {
      meta: expectation({ client: 'unlocked', server: 'locked', remaining: 'zero' }),
      on: overdueReactions,
    },
    sessionExpired: {
      meta: expectation({ client: 'sessionExpired', server: 'locked' }),
      on: {
        RENEW_SESSION: { target: 'locked', actions: expect(none) },
        UNLOCK: { guard: whenOk, actions: expect(refused('SESSION_EXPIRED')) },
        LOCK: { guard: whenOk, actions: expect(ok) },
        CONFIG_OP: { guard: whenOk, actions: expect(refused('SESSION_EXPIRED')) },
        APPROVAL_OP: { guard: whenOk, actions: expect(refused('SESSION_EXPIRED')) },
      },
    },
  },
});

export type WorkflowModel = typeof workflowModel;
