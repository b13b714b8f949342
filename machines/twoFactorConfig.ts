import { assign, emit, enqueueActions, fromPromise, type StateValue, setup, stateIn } from 'xstate';
import {
  APPROVAL_OPERATIONS,
  type ApprovalOperationKind,
  CONFIG_OPERATIONS,
  type ConfigOperationKind,
  type FailureInfo,
  type FailureKind,
  type LockReason,
  type OperationInput,
  type OperationOutput,
  type RefusalCode,
  type TwoFactorConfigContext,
  type TwoFactorConfigEmitted,
  type TwoFactorConfigEvent,
  type TwoFactorConfigInput,
  type UnlockInput,
  type UnlockOutput,
} from './twoFactorConfig.types.js';

export const DEFAULT_AUTO_LOCK_MS = 600_000;
export const DEFAULT_SAFETY_MARGIN_MS = 5_000;
export const DEFAULT_EXPIRING_WARNING_MS = 60_000;

/** A clock reading in ms. */
export type Now = () => number;

export function isConfigOperation(kind: unknown): kind is ConfigOperationKind {
  return (CONFIG_OPERATIONS as readonly unknown[]).includes(kind);
}

export function isApprovalOperation(kind: unknown): kind is ApprovalOperationKind {
  return (APPROVAL_OPERATIONS as readonly unknown[]).includes(kind);
}

const LOST = 'lostAnswer';
/** Failure kinds by code; DSM's 403 is read by its `reason`. */
const FAILURE_KINDS: Readonly<Record<string, FailureKind>> = {
  SESSION_EXPIRED: 'sessionExpired',
  UNAUTHORIZED: 'sessionExpired',
  WRONG_PASSWORD: 'wrongPassword',
  RATE_LIMITED: 'rateLimited',
  // DSM may have acted although no usable answer came back.
  NETWORK: LOST,
  TIMEOUT: LOST,
  INVALID_RESPONSE: LOST,
  HTTP_ERROR: LOST,
  UNLOCK_TOO_LATE: LOST,
};

/** Reads a failed request by its `code` (and DSM's 403 `reason`), nothing else. */
export function failureKind(error: unknown): FailureKind {
  const { code, reason } = Object(error) as { code?: string; reason?: unknown };
  return code === 'FORBIDDEN'
    ? reason === 'configLocked' || reason === 'configUnlocked'
      ? reason
      : 'other'
    : (Object.hasOwn(FAILURE_KINDS, code!) && FAILURE_KINDS[code!]) || 'other';
}

/** What the machine keeps of a failure: the library's code and message, nothing else. */
function failureInfo(error: unknown): FailureInfo {
  const { code, message } = Object(error) as { code?: unknown; message?: unknown };
  return {
    code: typeof code === 'string' ? code : 'UNKNOWN',
    message: typeof message === 'string' ? message : 'Unknown error',
  };
}

type RefusalRow = [state: StateValue, config: RefusalCode, approval: RefusalCode];
const refuse = ([, config, approval]: RefusalRow) =>
  ({ type: 'refuse', params: { config, approval } }) as const;

/**
 * The one refusal table: what an operation gets, without a request, in each state that does not
 * run it (columns: config, approval). locked.idle takes its row itself, where refusals are most
 * frequent (the walk up to the root was a fifth of a refusal's cost); the root tries the others
 * in order, a busy substate before its state.
 */
const [LOCKED_IDLE, ...REFUSALS]: RefusalRow[] = [
  [{ locked: 'idle' }, 'CONFIG_LOCKED', 'CONFIG_LOCKED'],
  [{ locked: 'approving' }, 'BUSY', 'BUSY'],
  [{ unlocked: { operation: 'running' } }, 'BUSY', 'BUSY'],
  ['unlocked', 'CONFIG_LOCKED', 'CONFIG_UNLOCKED'],
  ['unlocking', 'BUSY', 'CONFIG_UNLOCKED'],
  ['locking', 'CONFIG_LOCKED', 'BUSY'],
  ['sessionExpired', 'SESSION_EXPIRED', 'SESSION_EXPIRED'],
];

/** Stands for each actor, so the machine file runs alone (Stately editor, tests). */
const notProvided = <O, I>() =>
  fromPromise<O, I>(() => Promise.reject(new Error('Not provided: see createTwoFactorConfig.')));

const lockFor = (reason: LockReason) => ({ type: 'setLockReason', params: { reason } }) as const;
const failed = (kind: FailureKind) => ({ type: 'isFailure' as const, params: { kind } });
/** An actor's error event's failure (setup types only the external events). */
const errorOf = (event: object) => (event as { error?: unknown }).error;
/** An operation actor's input: the operation, its arguments, the deadline (null while locked). */
const operationInput = ({
  context,
  event,
}: {
  context: TwoFactorConfigContext;
  event: TwoFactorConfigEvent;
}): OperationInput => ({
  ...(context.currentOperation as { opId: string; kind: OperationInput['kind'] }),
  input: event.type === 'operation' ? event.operation.input : undefined,
  deadline: context.deadline,
});
const kindOf = (event: TwoFactorConfigEvent) =>
  event.type === 'operation' ? event.operation?.kind : undefined;
/** The operation an `operation` event asks for, as params (no object spread: V8's is slow). */
const operationOf = ({
  event,
}: {
  event: { type: string; opId?: string; operation?: { kind?: string } };
}) => ({
  opId: String(event.opId),
  // The caller's text, as it goes into events and the inspector: a short string, or nothing.
  kind: typeof event.operation?.kind === 'string' ? event.operation.kind.slice(0, 64) : '',
});

/**
 * The client's deadline and the time by which DSM has certainly locked, as wall-clock ms (null
 * when unset): the deadline by the earlier of the two clocks, DSM's lock by the later.
 */
export function safeBounds(context: TwoFactorConfigContext, now: number, monotonicNow: number) {
  const read = (wall: number | null, mono: number | null, pick: typeof Math.min) =>
    wall === null || mono === null ? wall : pick(wall, mono + now - monotonicNow);
  return {
    deadline: read(context.deadline, context.monoDeadline, Math.min),
    serverLockBy: read(context.serverLockBy, context.monoServerLockBy, Math.max),
  };
}

/**
 * Builds the statechart on a wall clock and a monotonic one (default: the wall clock). Every guard
 * that lets a config operation through reads the clocks, so a late timer never lets one through
 * after the deadline: it closes when either clock says so; DSM counts as locked when both do.
 */
export function createTwoFactorConfigMachine(now: Now = Date.now, monotonic: Now = now) {
  /** Ms left before the client's deadline (0 without one, or past it). */
  const remaining = (context: TwoFactorConfigContext) => {
    const at = now();
    return Math.max(0, (safeBounds(context, at, monotonic()).deadline ?? at) - at);
  };
  /** Ms until DSM has certainly locked by itself (Infinity without a bound). */
  const untilServerLocked = (context: TwoFactorConfigContext) => {
    const at = now();
    return (safeBounds(context, at, monotonic()).serverLockBy ?? Number.POSITIVE_INFINITY) - at;
  };
  const fromNow = (ms: number) => [now() + ms, monotonic() + ms] as const;
  /** A stored bound, never more than `cap` from now: only the wall clock crossed the restart. */
  const restoredBound = (stored: number | null | undefined, cap: number) =>
    fromNow(stored == null ? cap : Math.min(stored - now(), cap));

  return setup({
    types: {} as {
      context: TwoFactorConfigContext;
      events: TwoFactorConfigEvent;
      input: TwoFactorConfigInput;
      emitted: TwoFactorConfigEmitted;
    },
    actors: {
      unlock: notProvided<UnlockOutput, UnlockInput>(),
      terminate: notProvided<void, void>(),
      configOperation: notProvided<OperationOutput, OperationInput>(),
      approvalOperation: notProvided<OperationOutput, OperationInput>(),
    },
    guards: {
      isPastDeadline: ({ context }) => remaining(context) <= 0,
      isServerCertainlyLocked: ({ context }) => untilServerLocked(context) <= 0,
      isConfigOperation: ({ event }) => isConfigOperation(kindOf(event)),
      isLateConfigOperation: ({ context, event }) =>
        isConfigOperation(kindOf(event)) && remaining(context) <= 0,
      isApprovalOperation: ({ event }) => isApprovalOperation(kindOf(event)),
      isFailure: ({ event }, params: { kind: FailureKind }) =>
        failureKind(errorOf(event)) === params.kind,
      isRestoring: ({ context }, params: { state: string; live?: boolean }) => {
        const { restore } = context;
        if (restore?.state !== params.state) return false;
        // DSM may still be unlocked: restore to terminate, to be certain.
        if (params.state === 'locking' || params.live) {
          return restore.serverLockBy === null || now() < restore.serverLockBy;
        }
        // A deadline must still be ahead to restore unlocked.
        if (params.state === 'unlocked')
          return restore.deadline !== null && now() < restore.deadline;
        return true;
      },
    },
    delays: {
      expiringWarning: ({ context }) => Math.max(0, remaining(context) - context.expiringWarningMs),
      autoLock: ({ context }) => remaining(context),
      terminateRetry: ({ context }) => {
        const backoff = Math.min(
          context.terminateRetryMaxMs,
          context.terminateRetryBaseMs * 2 ** Math.max(0, context.terminateAttempts - 1),
        );
        // Never wait past the moment DSM has certainly locked by itself.
        return Math.max(0, Math.min(backoff, untilServerLocked(context)));
      },
    },
    actions: {
      startDeadline: assign(({ context }, output: UnlockOutput) => {
        const window = context.autoLockMs - context.safetyMarginMs;
        return {
          deadline: output.sentAt + window,
          monoDeadline: output.sentAtMono + window,
          serverLockBy: output.answeredAt + context.autoLockMs,
          monoServerLockBy: output.answeredAtMono + context.autoLockMs,
          lastError: null,
        };
      }),
      // Entering locked or sessionExpired: after `locked` has its reason, `restoring` its state.
      clearDeadline: assign({
        restore: null,
        lockReason: null,
        deadline: null,
        monoDeadline: null,
        serverLockBy: null,
        monoServerLockBy: null,
        terminateAttempts: 0,
        currentOperation: null,
      }),
      // The unlock may have reached DSM: it then locks by itself within one window from now.
      markUnlockMayHaveLanded: assign(({ context }) => {
        if (context.serverLockBy !== null) return {};
        const [serverLockBy, monoServerLockBy] = fromNow(context.autoLockMs);
        return { serverLockBy, monoServerLockBy };
      }),
      setLockReason: assign((_, params: { reason: LockReason }) => ({ lockReason: params.reason })),
      keepLockReason: assign(({ context }) => ({ lockReason: context.lockReason ?? 'user' })),
      recordFailure: assign(({ event }) => ({
        lastError: failureInfo(errorOf(event)),
      })),
      countTerminateAttempt: assign(({ context }) => ({
        terminateAttempts: context.terminateAttempts + 1,
      })),
      startOperation: assign((_, params: { opId: string; kind: string }) => ({
        currentOperation: { opId: params.opId, kind: params.kind as OperationInput['kind'] },
      })),
      endOperation: assign({ currentOperation: null }),
      restoreUnlocked: assign(({ context }) => {
        const [deadline, monoDeadline] = restoredBound(
          context.restore?.deadline,
          context.autoLockMs,
        );
        const [serverLockBy, monoServerLockBy] = restoredBound(
          context.restore?.serverLockBy,
          context.autoLockMs + context.safetyMarginMs,
        );
        return { deadline, monoDeadline, serverLockBy, monoServerLockBy, restore: null };
      }),
      // No known server deadline: DSM has certainly locked one window after the restore.
      restoreLocking: assign(({ context }) => {
        const [serverLockBy, monoServerLockBy] = restoredBound(
          context.restore?.serverLockBy,
          context.autoLockMs + (context.restore?.serverLockBy == null ? 0 : context.safetyMarginMs),
        );
        return {
          serverLockBy,
          monoServerLockBy,
          lockReason: context.restore?.lockReason ?? 'timeout',
          restore: null,
        };
      }),
      emitUnlocked: emit(({ context }) => ({
        type: 'unlocked' as const,
        deadline: now() + remaining(context),
      })),
      emitUnlockFailed: emit(({ event }) => {
        const error = errorOf(event);
        return { type: 'unlockFailed' as const, error, failure: failureKind(error) };
      }),
      emitExpiring: emit(({ context }) => {
        const remainingMs = remaining(context);
        return { type: 'expiring' as const, deadline: now() + remainingMs, remainingMs };
      }),
      emitLocked: emit(({ context }) => ({
        type: 'locked' as const,
        reason: context.lockReason ?? 'user',
      })),
      emitSessionExpired: emit({ type: 'sessionExpired' }),
      // The result went to the caller: the event names the operation, plus its audit entry.
      emitOperationSucceeded: enqueueActions(({ context, enqueue }, output: OperationOutput) => {
        const op = context.currentOperation;
        if (op) enqueue.emit({ type: 'operationSucceeded', opId: op.opId, kind: op.kind });
        if (output.audit) enqueue.emit(output.audit);
      }),
      emitOperationFailed: emit(({ context, event }) => ({
        type: 'operationFailed' as const,
        ...(context.currentOperation as { opId: string; kind: OperationInput['kind'] }),
        error: errorOf(event),
      })),
      refuse: emit(({ event }, params: { config: RefusalCode; approval?: RefusalCode }) => {
        const { opId, kind } = operationOf({ event });
        return {
          type: 'operationRefused' as const,
          opId,
          kind,
          code: isConfigOperation(kind)
            ? params.config
            : isApprovalOperation(kind)
              ? params.approval!
              : 'UNKNOWN_OPERATION',
        };
      }),
    },
  }).createMachine({
    id: 'twoFactorConfig',
    initial: 'restoring',
    context: ({ input }) => ({
      autoLockMs: input.autoLockMs ?? DEFAULT_AUTO_LOCK_MS,
      safetyMarginMs: input.safetyMarginMs ?? DEFAULT_SAFETY_MARGIN_MS,
      expiringWarningMs: input.expiringWarningMs ?? DEFAULT_EXPIRING_WARNING_MS,
      terminateRetryBaseMs: input.terminateRetryBaseMs ?? 500,
      terminateRetryMaxMs: input.terminateRetryMaxMs ?? 30_000,
      deadline: null,
      monoDeadline: null,
      serverLockBy: null,
      monoServerLockBy: null,
      lockReason: null,
      terminateAttempts: 0,
      currentOperation: null,
      lastError: null,
      restore: input.restore ?? null,
    }),
    // A state that runs an operation takes it before these refusals.
    on: {
      operation: REFUSALS.map((row) => ({ guard: stateIn(row[0]), actions: refuse(row) })),
    },
    states: {
      restoring: {
        always: [
          {
            guard: { type: 'isRestoring', params: { state: 'unlocked' } },
            target: 'unlocked',
            actions: 'restoreUnlocked',
          },
          {
            guard: { type: 'isRestoring', params: { state: 'sessionExpired' } },
            target: 'sessionExpired',
          },
          {
            // Past the client's deadline but maybe not the server's: terminate to be certain.
            guard: { type: 'isRestoring', params: { state: 'unlocked', live: true } },
            target: 'locking',
            actions: 'restoreLocking',
          },
          {
            guard: { type: 'isRestoring', params: { state: 'locking' } },
            target: 'locking',
            actions: 'restoreLocking',
          },
          { target: 'locked' },
        ],
      },

      locked: {
        entry: 'clearDeadline',
        initial: 'idle',
        states: {
          idle: {
            on: {
              unlock: '#twoFactorConfig.unlocking',
              operation: [
                {
                  guard: 'isApprovalOperation',
                  target: 'approving',
                  actions: { type: 'startOperation', params: operationOf },
                },
                { actions: refuse(LOCKED_IDLE!) },
              ],
            },
          },
          approving: {
            tags: 'busy',
            invoke: {
              id: 'approvalOperation',
              src: 'approvalOperation',
              input: operationInput,
              onDone: {
                target: 'idle',
                actions: [
                  { type: 'emitOperationSucceeded', params: ({ event }) => event.output },
                  'endOperation',
                ],
              },
              onError: [
                {
                  // DSM is unlocked after all (a late unlock, another client): lock it again.
                  guard: failed('configUnlocked'),
                  target: '#twoFactorConfig.locking',
                  actions: ['emitOperationFailed', 'endOperation', lockFor('server')],
                },
                {
                  guard: failed('sessionExpired'),
                  target: '#twoFactorConfig.sessionExpired',
                  actions: ['emitOperationFailed', 'endOperation', 'recordFailure'],
                },
                {
                  target: 'idle',
                  actions: ['emitOperationFailed', 'endOperation'],
                },
              ],
            },
          },
        },
      },

      unlocking: {
        tags: 'busy',
        invoke: {
          id: 'config2faAuth',
          src: 'unlock',
          input: ({ context, event }) => ({
            password: event.type === 'unlock' ? event.password : { toJSON: () => '' },
            windowMs: context.autoLockMs - context.safetyMarginMs,
          }),
          onDone: {
            target: 'unlocked',
            actions: [
              { type: 'startDeadline', params: ({ event }) => event.output },
              'emitUnlocked',
            ],
          },
          onError: [
            {
              guard: failed('sessionExpired'),
              target: 'sessionExpired',
              actions: ['recordFailure', 'emitUnlockFailed'],
            },
            {
              // A lost or late answer is not a "no": DSM may be unlocked, so lock for certain.
              guard: failed('lostAnswer'),
              target: 'locking',
              actions: [
                'recordFailure',
                'markUnlockMayHaveLanded',
                lockFor('lostAnswer'),
                'emitUnlockFailed',
              ],
            },
            {
              target: 'locked',
              actions: ['recordFailure', 'emitUnlockFailed'],
            },
          ],
        },
        on: {
          lock: { target: 'locking', actions: ['markUnlockMayHaveLanded', lockFor('user')] },
          dispose: { target: 'locking', actions: ['markUnlockMayHaveLanded', lockFor('dispose')] },
          sessionEnded: { target: 'locked', actions: [lockFor('session'), 'emitLocked'] },
        },
      },

      unlocked: {
        type: 'parallel',
        on: {
          // No reason set is the user's (emitLocked's default): one assign fewer per lock.
          lock: 'locking',
          dispose: { target: 'locking', actions: lockFor('dispose') },
          checkDeadline: {
            guard: 'isPastDeadline',
            target: 'locking',
            actions: lockFor('timeout'),
          },
          sessionEnded: { target: 'locked', actions: [lockFor('session'), 'emitLocked'] },
        },
        states: {
          timer: {
            initial: 'running',
            states: {
              // One timer pending at a time: first the warning, then the auto-lock.
              running: { after: { expiringWarning: 'expiring' } },
              expiring: {
                entry: 'emitExpiring',
                after: {
                  autoLock: { target: '#twoFactorConfig.locking', actions: lockFor('timeout') },
                },
              },
            },
          },
          operation: {
            initial: 'idle',
            states: {
              idle: {
                on: {
                  operation: [
                    {
                      // The timer may be late; the clocks are not.
                      guard: 'isLateConfigOperation',
                      target: '#twoFactorConfig.locking',
                      actions: [
                        { type: 'refuse', params: { config: 'CONFIG_LOCKED' } },
                        lockFor('timeout'),
                      ],
                    },
                    {
                      guard: 'isConfigOperation',
                      target: 'running',
                      actions: {
                        type: 'startOperation',
                        params: operationOf,
                      },
                    },
                  ],
                },
              },
              running: {
                tags: 'busy',
                invoke: {
                  id: 'configOperation',
                  src: 'configOperation',
                  input: operationInput,
                  onDone: {
                    target: 'idle',
                    actions: [
                      { type: 'emitOperationSucceeded', params: ({ event }) => event.output },
                      'endOperation',
                    ],
                  },
                  onError: [
                    {
                      // DSM says it is locked: believe it at once, no terminate needed.
                      guard: failed('configLocked'),
                      target: '#twoFactorConfig.locked',
                      actions: ['emitOperationFailed', lockFor('server'), 'emitLocked'],
                    },
                    {
                      guard: failed('sessionExpired'),
                      target: '#twoFactorConfig.sessionExpired',
                      actions: ['emitOperationFailed', 'recordFailure'],
                    },
                    {
                      target: 'idle',
                      actions: ['emitOperationFailed', 'endOperation'],
                    },
                  ],
                },
              },
            },
          },
        },
      },

      locking: {
        tags: 'busy',
        initial: 'terminating',
        states: {
          terminating: {
            invoke: {
              id: 'config2faTerminate',
              src: 'terminate',
              onDone: { target: '#twoFactorConfig.locked', actions: 'emitLocked' },
              onError: [
                {
                  guard: failed('sessionExpired'),
                  target: '#twoFactorConfig.sessionExpired',
                  actions: ['recordFailure', 'emitLocked'],
                },
                {
                  guard: 'isServerCertainlyLocked',
                  target: '#twoFactorConfig.locked',
                  actions: ['recordFailure', 'emitLocked'],
                },
                {
                  target: 'retrying',
                  actions: ['countTerminateAttempt', 'recordFailure'],
                },
              ],
            },
          },
          retrying: {
            after: {
              terminateRetry: [
                {
                  guard: 'isServerCertainlyLocked',
                  target: '#twoFactorConfig.locked',
                  actions: 'emitLocked',
                },
                { target: 'terminating' },
              ],
            },
          },
        },
        on: {
          // The lock under way keeps its reason (none set: the user's).
          dispose: { actions: 'keepLockReason' },
          // A terminated or replaced session has nothing left to lock.
          sessionEnded: { target: 'locked', actions: [lockFor('session'), 'emitLocked'] },
        },
      },

      sessionExpired: {
        entry: ['clearDeadline', 'emitSessionExpired'],
        on: { sessionRenewed: 'locked' },
      },
    },
  });
}

/** The two-factor-configuration statechart on the system clock. */
export const twoFactorConfigMachine = /* @__PURE__ */ createTwoFactorConfigMachine();

export type TwoFactorConfigMachine = typeof twoFactorConfigMachine;
