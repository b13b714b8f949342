import { assign, emit, fromPromise, not, setup } from 'xstate';
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

/** A clock reading in ms. Tests and the controller inject their own. */
export type Now = () => number;

/** Codes of failures after which DSM may have acted although no usable answer came back. */
const LOST_ANSWER_CODES: ReadonlySet<unknown> = new Set([
  'NETWORK',
  'TIMEOUT',
  'INVALID_RESPONSE',
  'HTTP_ERROR',
  'UNLOCK_TOO_LATE',
]);

export function isConfigOperation(kind: unknown): kind is ConfigOperationKind {
  return (CONFIG_OPERATIONS as readonly unknown[]).includes(kind);
}

export function isApprovalOperation(kind: unknown): kind is ApprovalOperationKind {
  return (APPROVAL_OPERATIONS as readonly unknown[]).includes(kind);
}

/**
 * Reads a failed request by its `code` (and DSM's 403 `reason`). Actors in `src/` throw
 * the client's typed errors; the machine depends on nothing but these two strings.
 */
export function failureKind(error: unknown): FailureKind {
  if (typeof error !== 'object' || error === null) return 'other';
  const { code, reason } = error as { code?: unknown; reason?: unknown };
  if (code === 'SESSION_EXPIRED' || code === 'UNAUTHORIZED') return 'sessionExpired';
  if (code === 'WRONG_PASSWORD') return 'wrongPassword';
  if (code === 'RATE_LIMITED') return 'rateLimited';
  if (code === 'FORBIDDEN' && reason === 'configLocked') return 'configLocked';
  if (code === 'FORBIDDEN' && reason === 'configUnlocked') return 'configUnlocked';
  if (LOST_ANSWER_CODES.has(code)) return 'lostAnswer';
  return 'other';
}

function failureInfo(error: unknown): FailureInfo {
  if (typeof error === 'object' && error !== null) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    return {
      code: typeof code === 'string' ? code : 'UNKNOWN',
      message: typeof message === 'string' ? message : 'Unknown error',
    };
  }
  return { code: 'UNKNOWN', message: 'Unknown error' };
}

/** Placeholder implementations: the machine file runs alone (Stately editor, tests). */
function notProvided<TOutput, TInput>(name: string) {
  return fromPromise<TOutput, TInput>(() =>
    Promise.reject(
      new Error(`The "${name}" actor is not provided; createTwoFactorConfig() provides it.`),
    ),
  );
}

/**
 * Builds the two-factor-configuration statechart on a wall clock `now` and a monotonic clock
 * `monotonic` (default: the wall clock). Every guard that lets a config operation through also
 * reads the clocks, so a timer that fires late (a sleeping laptop, a throttled tab) never lets
 * an operation through after the deadline. Two clocks, the earlier wins: the window closes as
 * soon as either clock says it has passed, and DSM counts as certainly locked only when both do.
 */
export function createTwoFactorConfigMachine(now: Now = Date.now, monotonic: Now = now) {
  /** Milliseconds left before the client's deadline, by the earlier of the two clocks. */
  const remaining = (context: TwoFactorConfigContext) => {
    if (context.deadline === null) return 0;
    const byWall = context.deadline - now();
    return context.monoDeadline === null
      ? byWall
      : Math.min(byWall, context.monoDeadline - monotonic());
  };
  const beforeDeadline = (context: TwoFactorConfigContext) => remaining(context) > 0;
  /** Milliseconds until DSM has certainly locked by itself, by the later of the two clocks. */
  const untilServerLocked = (context: TwoFactorConfigContext) => {
    if (context.serverLockBy === null) return Number.POSITIVE_INFINITY;
    const byWall = context.serverLockBy - now();
    return context.monoServerLockBy === null
      ? byWall
      : Math.max(byWall, context.monoServerLockBy - monotonic());
  };
  const serverCertainlyLocked = (context: TwoFactorConfigContext) =>
    untilServerLocked(context) <= 0;
  /** Both clocks' readings of a bound `ms` from now. */
  const boundFromNow = (ms: number) => ({ wall: now() + ms, mono: monotonic() + ms });

  return setup({
    types: {
      context: {} as TwoFactorConfigContext,
      events: {} as TwoFactorConfigEvent,
      input: {} as TwoFactorConfigInput,
      emitted: {} as TwoFactorConfigEmitted,
    },
    actors: {
      unlock: notProvided<UnlockOutput, UnlockInput>('unlock'),
      terminate: notProvided<void, void>('terminate'),
      configOperation: notProvided<OperationOutput, OperationInput>('configOperation'),
      approvalOperation: notProvided<OperationOutput, OperationInput>('approvalOperation'),
    },
    guards: {
      isBeforeDeadline: ({ context }) => beforeDeadline(context),
      isConfigOperation: ({ event }) =>
        event.type === 'operation' && isConfigOperation(event.operation?.kind),
      isApprovalOperation: ({ event }) =>
        event.type === 'operation' && isApprovalOperation(event.operation?.kind),
      isPastDeadline: ({ context }) => !beforeDeadline(context),
      isServerCertainlyLocked: ({ context }) => serverCertainlyLocked(context),
      isSessionExpiredFailure: ({ event }) =>
        failureKind((event as { error?: unknown }).error) === 'sessionExpired',
      isLostAnswerFailure: ({ event }) =>
        failureKind((event as { error?: unknown }).error) === 'lostAnswer',
      isConfigLockedFailure: ({ event }) =>
        failureKind((event as { error?: unknown }).error) === 'configLocked',
      isConfigUnlockedFailure: ({ event }) =>
        failureKind((event as { error?: unknown }).error) === 'configUnlocked',
      isRestoringUnlocked: ({ context }) =>
        context.restore?.state === 'unlocked' &&
        context.restore.deadline !== null &&
        now() < context.restore.deadline,
      isRestoringLocking: ({ context }) => {
        const restore = context.restore;
        if (!restore || restore.state === 'sessionExpired') return false;
        // Past the client's deadline but maybe not the server's: terminate to be certain.
        return restore.serverLockBy === null || now() < restore.serverLockBy;
      },
      isRestoringSessionExpired: ({ context }) => context.restore?.state === 'sessionExpired',
      isRestoring: ({ context }) => context.restore !== null,
      hasAuditEntry: ({ event }) =>
        (event as unknown as { output?: OperationOutput }).output?.audit !== undefined,
    },
    delays: {
      expiringWarning: ({ context }) => Math.max(0, remaining(context) - context.expiringWarningMs),
      autoLock: ({ context }) => Math.max(0, remaining(context)),
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
      startDeadline: assign(({ event, context }) => {
        const { sentAt, answeredAt, sentAtMono, answeredAtMono } = (
          event as unknown as { output: UnlockOutput }
        ).output;
        const window = context.autoLockMs - context.safetyMarginMs;
        return {
          deadline: sentAt + window,
          monoDeadline: sentAtMono + window,
          serverLockBy: answeredAt + context.autoLockMs,
          monoServerLockBy: answeredAtMono + context.autoLockMs,
          lastError: null,
        };
      }),
      clearDeadline: assign({
        deadline: null,
        monoDeadline: null,
        serverLockBy: null,
        monoServerLockBy: null,
        terminateAttempts: 0,
        currentOperation: null,
      }),
      markUnlockMayHaveLanded: assign(({ context }) => {
        // The unlock may have reached DSM (aborted, or its answer lost), which then locks by
        // itself at most one window from now.
        if (context.serverLockBy !== null) return {};
        const bound = boundFromNow(context.autoLockMs);
        return { serverLockBy: bound.wall, monoServerLockBy: bound.mono };
      }),
      setLockReason: assign((_, params: { reason: LockReason }) => ({
        lockReason: params.reason,
      })),
      keepFirstLockReason: assign(({ context }, params: { reason: LockReason }) => ({
        lockReason: context.lockReason ?? params.reason,
      })),
      clearLockReason: assign({ lockReason: null }),
      countTerminateAttempt: assign(({ context, event }) => ({
        terminateAttempts: context.terminateAttempts + 1,
        lastError: failureInfo((event as { error?: unknown }).error),
      })),
      recordFailure: assign(({ event }) => ({
        lastError: failureInfo((event as { error?: unknown }).error),
      })),
      startOperation: assign(({ event }) => {
        const { opId, operation } = event as Extract<TwoFactorConfigEvent, { type: 'operation' }>;
        return { currentOperation: { opId, kind: operation.kind } };
      }),
      endOperation: assign({ currentOperation: null }),
      applyRestoredUnlock: assign(({ context }) => {
        // Only the wall clock crosses a restart; from here on both clocks keep the deadline,
        // and a restore never grants more than one window.
        const left = Math.min((context.restore?.deadline ?? 0) - now(), context.autoLockMs);
        const deadline = boundFromNow(left);
        const serverLockBy =
          context.restore?.serverLockBy == null
            ? boundFromNow(context.autoLockMs)
            : boundFromNow(
                Math.min(
                  context.restore.serverLockBy - now(),
                  context.autoLockMs + context.safetyMarginMs,
                ),
              );
        return {
          deadline: deadline.wall,
          monoDeadline: deadline.mono,
          serverLockBy: serverLockBy.wall,
          monoServerLockBy: serverLockBy.mono,
          restore: null,
        };
      }),
      applyRestoredLocking: assign(({ context }) => {
        // No known server deadline: DSM has certainly locked one window after the restore.
        const stored = context.restore?.serverLockBy;
        const bound = boundFromNow(
          stored == null
            ? context.autoLockMs
            : Math.min(stored - now(), context.autoLockMs + context.safetyMarginMs),
        );
        return {
          serverLockBy: bound.wall,
          monoServerLockBy: bound.mono,
          lockReason: context.restore?.lockReason ?? 'timeout',
          restore: null,
        };
      }),
      clearRestore: assign({ restore: null }),
      emitUnlocked: emit(({ context }) => ({
        type: 'unlocked' as const,
        deadline: now() + Math.max(0, remaining(context)),
      })),
      emitUnlockFailed: emit(({ event }) => {
        const error = (event as { error?: unknown }).error;
        return { type: 'unlockFailed' as const, error, failure: failureKind(error) };
      }),
      emitExpiring: emit(({ context }) => ({
        type: 'expiring' as const,
        deadline: now() + Math.max(0, remaining(context)),
        remainingMs: Math.max(0, remaining(context)),
      })),
      emitLocked: emit(({ context }) => ({
        type: 'locked' as const,
        reason: context.lockReason ?? 'user',
      })),
      emitSessionExpired: emit({ type: 'sessionExpired' }),
      emitOperationSucceeded: emit(({ context }) => {
        const op = context.currentOperation ?? { opId: '', kind: 'generateRecoveryCodes' };
        return { type: 'operationSucceeded' as const, opId: op.opId, kind: op.kind };
      }),
      emitAudit: emit(({ event }) => {
        const { output } = event as unknown as { output: OperationOutput };
        // Only called when the guard saw an audit entry.
        return output.audit!;
      }),
      emitOperationFailed: emit(({ context, event }) => {
        const op = context.currentOperation ?? { opId: '', kind: 'generateRecoveryCodes' };
        return {
          type: 'operationFailed' as const,
          opId: op.opId,
          kind: op.kind,
          error: (event as { error?: unknown }).error,
        };
      }),
      refuse: emit(({ event }, params: { code: RefusalCode }) => {
        const { opId, operation } = event as Extract<TwoFactorConfigEvent, { type: 'operation' }>;
        return {
          type: 'operationRefused' as const,
          opId: String(opId),
          kind: String(operation?.kind),
          code: params.code,
        };
      }),
    },
  }).createMachine({
    id: 'twoFactorConfig',
    initial: 'locked',
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
    states: {
      locked: {
        entry: 'clearDeadline',
        always: [
          { guard: 'isRestoringUnlocked', target: 'unlocked', actions: 'applyRestoredUnlock' },
          { guard: 'isRestoringSessionExpired', target: 'sessionExpired', actions: 'clearRestore' },
          { guard: 'isRestoringLocking', target: 'locking', actions: 'applyRestoredLocking' },
          { guard: 'isRestoring', actions: 'clearRestore' },
        ],
        initial: 'idle',
        states: {
          idle: {
            on: {
              unlock: { target: '#twoFactorConfig.unlocking', actions: 'clearLockReason' },
              operation: [
                { guard: 'isApprovalOperation', target: 'approving', actions: 'startOperation' },
                {
                  guard: 'isConfigOperation',
                  actions: { type: 'refuse', params: { code: 'CONFIG_LOCKED' } },
                },
                { actions: { type: 'refuse', params: { code: 'UNKNOWN_OPERATION' } } },
              ],
            },
          },
          approving: {
            invoke: {
              id: 'approvalOperation',
              src: 'approvalOperation',
              input: ({ context, event }) => ({
                opId: context.currentOperation?.opId ?? '',
                kind: context.currentOperation?.kind ?? 'approve',
                input: (event as Extract<TwoFactorConfigEvent, { type: 'operation' }>).operation
                  ?.input,
                deadline: null,
              }),
              onDone: {
                target: 'idle',
                actions: ['emitOperationSucceeded', 'endOperation'],
              },
              onError: [
                {
                  // DSM's configuration is unlocked after all (an unlock that reached it
                  // late, another client): lock it so approvals work again.
                  guard: 'isConfigUnlockedFailure',
                  target: '#twoFactorConfig.locking',
                  actions: [
                    'emitOperationFailed',
                    'endOperation',
                    { type: 'setLockReason', params: { reason: 'server' } },
                  ],
                },
                {
                  guard: 'isSessionExpiredFailure',
                  target: '#twoFactorConfig.sessionExpired',
                  actions: ['emitOperationFailed', 'endOperation', 'recordFailure'],
                },
                { target: 'idle', actions: ['emitOperationFailed', 'endOperation'] },
              ],
            },
            on: { operation: { actions: { type: 'refuse', params: { code: 'BUSY' } } } },
          },
        },
      },

      unlocking: {
        invoke: {
          id: 'config2faAuth',
          src: 'unlock',
          input: ({ context, event }) => ({
            password: (event as Extract<TwoFactorConfigEvent, { type: 'unlock' }>).password,
            windowMs: context.autoLockMs - context.safetyMarginMs,
          }),
          onDone: { target: 'unlocked', actions: ['startDeadline', 'emitUnlocked'] },
          onError: [
            {
              guard: 'isSessionExpiredFailure',
              target: 'sessionExpired',
              actions: ['recordFailure', 'emitUnlockFailed'],
            },
            {
              // A lost or late answer is unknown, never "no": DSM may be unlocked, so lock
              // it for certain before saying `locked`.
              guard: 'isLostAnswerFailure',
              target: 'locking',
              actions: [
                'recordFailure',
                'markUnlockMayHaveLanded',
                { type: 'setLockReason', params: { reason: 'lostAnswer' } },
                'emitUnlockFailed',
              ],
            },
            { target: 'locked', actions: ['recordFailure', 'emitUnlockFailed'] },
          ],
        },
        on: {
          lock: {
            target: 'locking',
            actions: [
              'markUnlockMayHaveLanded',
              { type: 'setLockReason', params: { reason: 'user' } },
            ],
          },
          dispose: {
            target: 'locking',
            actions: [
              'markUnlockMayHaveLanded',
              { type: 'setLockReason', params: { reason: 'dispose' } },
            ],
          },
          sessionEnded: {
            target: 'locked',
            actions: [{ type: 'setLockReason', params: { reason: 'session' } }, 'emitLocked'],
          },
          operation: [
            { guard: 'isConfigOperation', actions: { type: 'refuse', params: { code: 'BUSY' } } },
            {
              guard: 'isApprovalOperation',
              actions: { type: 'refuse', params: { code: 'CONFIG_UNLOCKED' } },
            },
            { actions: { type: 'refuse', params: { code: 'UNKNOWN_OPERATION' } } },
          ],
        },
      },

      unlocked: {
        type: 'parallel',
        on: {
          lock: {
            target: 'locking',
            actions: { type: 'setLockReason', params: { reason: 'user' } },
          },
          dispose: {
            target: 'locking',
            actions: { type: 'setLockReason', params: { reason: 'dispose' } },
          },
          checkDeadline: {
            guard: 'isPastDeadline',
            target: 'locking',
            actions: { type: 'setLockReason', params: { reason: 'timeout' } },
          },
          sessionEnded: {
            target: 'locked',
            actions: [{ type: 'setLockReason', params: { reason: 'session' } }, 'emitLocked'],
          },
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
                  autoLock: {
                    target: '#twoFactorConfig.locking',
                    actions: { type: 'setLockReason', params: { reason: 'timeout' } },
                  },
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
                      guard: 'isApprovalOperation',
                      actions: { type: 'refuse', params: { code: 'CONFIG_UNLOCKED' } },
                    },
                    {
                      guard: not('isConfigOperation'),
                      actions: { type: 'refuse', params: { code: 'UNKNOWN_OPERATION' } },
                    },
                    {
                      // The timer may be late; the clock is not.
                      guard: 'isPastDeadline',
                      target: '#twoFactorConfig.locking',
                      actions: [
                        { type: 'refuse', params: { code: 'CONFIG_LOCKED' } },
                        { type: 'setLockReason', params: { reason: 'timeout' } },
                      ],
                    },
                    { target: 'running', actions: 'startOperation' },
                  ],
                },
              },
              running: {
                invoke: {
                  id: 'configOperation',
                  src: 'configOperation',
                  input: ({ context, event }) => ({
                    opId: context.currentOperation?.opId ?? '',
                    kind: context.currentOperation?.kind ?? 'generateRecoveryCodes',
                    input: (event as Extract<TwoFactorConfigEvent, { type: 'operation' }>).operation
                      ?.input,
                    deadline: context.deadline,
                  }),
                  onDone: [
                    {
                      guard: 'hasAuditEntry',
                      target: 'idle',
                      actions: ['emitOperationSucceeded', 'emitAudit', 'endOperation'],
                    },
                    { target: 'idle', actions: ['emitOperationSucceeded', 'endOperation'] },
                  ],
                  onError: [
                    {
                      // DSM says it is locked: believe it at once, no terminate needed.
                      guard: 'isConfigLockedFailure',
                      target: '#twoFactorConfig.locked',
                      actions: [
                        'emitOperationFailed',
                        { type: 'setLockReason', params: { reason: 'server' } },
                        'emitLocked',
                      ],
                    },
                    {
                      guard: 'isSessionExpiredFailure',
                      target: '#twoFactorConfig.sessionExpired',
                      actions: ['emitOperationFailed', 'recordFailure'],
                    },
                    { target: 'idle', actions: ['emitOperationFailed', 'endOperation'] },
                  ],
                },
                on: { operation: { actions: { type: 'refuse', params: { code: 'BUSY' } } } },
              },
            },
          },
        },
      },

      locking: {
        initial: 'terminating',
        states: {
          terminating: {
            invoke: {
              id: 'config2faTerminate',
              src: 'terminate',
              onDone: { target: '#twoFactorConfig.locked', actions: 'emitLocked' },
              onError: [
                {
                  guard: 'isSessionExpiredFailure',
                  target: '#twoFactorConfig.sessionExpired',
                  actions: ['recordFailure', 'emitLocked'],
                },
                {
                  guard: 'isServerCertainlyLocked',
                  target: '#twoFactorConfig.locked',
                  actions: ['recordFailure', 'emitLocked'],
                },
                { target: 'retrying', actions: 'countTerminateAttempt' },
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
          dispose: { actions: { type: 'keepFirstLockReason', params: { reason: 'dispose' } } },
          // A terminated or replaced session has nothing left to lock.
          sessionEnded: {
            target: 'locked',
            actions: [{ type: 'setLockReason', params: { reason: 'session' } }, 'emitLocked'],
          },
          operation: [
            {
              guard: 'isConfigOperation',
              actions: { type: 'refuse', params: { code: 'CONFIG_LOCKED' } },
            },
            { guard: 'isApprovalOperation', actions: { type: 'refuse', params: { code: 'BUSY' } } },
            { actions: { type: 'refuse', params: { code: 'UNKNOWN_OPERATION' } } },
          ],
        },
      },

      sessionExpired: {
        entry: ['clearDeadline', 'emitSessionExpired'],
        on: {
          sessionRenewed: { target: 'locked', actions: 'clearLockReason' },
          operation: { actions: { type: 'refuse', params: { code: 'SESSION_EXPIRED' } } },
        },
      },
    },
  });
}

/** The two-factor-configuration statechart on the system clock. */
export const twoFactorConfigMachine = createTwoFactorConfigMachine();

export type TwoFactorConfigMachine = typeof twoFactorConfigMachine;
