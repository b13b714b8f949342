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

/** The wall clock the machine reads. Tests and the controller inject their own. */
export type Now = () => number;

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
 * Builds the two-factor-configuration statechart on a given wall clock. Every guard that lets
 * a config operation through also reads the clock, so a timer that fires late (a sleeping
 * laptop, a throttled tab) never lets an operation through after the deadline.
 */
export function createTwoFactorConfigMachine(now: Now = Date.now) {
  const beforeDeadline = (context: TwoFactorConfigContext) =>
    context.deadline !== null && now() < context.deadline;
  const serverCertainlyLocked = (context: TwoFactorConfigContext) =>
    context.serverLockBy !== null && now() >= context.serverLockBy;

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
      expiringWarning: ({ context }) =>
        Math.max(0, (context.deadline ?? now()) - context.expiringWarningMs - now()),
      autoLock: ({ context }) => Math.max(0, (context.deadline ?? now()) - now()),
      terminateRetry: ({ context }) => {
        const backoff = Math.min(
          context.terminateRetryMaxMs,
          context.terminateRetryBaseMs * 2 ** Math.max(0, context.terminateAttempts - 1),
        );
        // Never wait past the moment DSM has certainly locked by itself.
        return context.serverLockBy === null
          ? backoff
          : Math.max(0, Math.min(backoff, context.serverLockBy - now()));
      },
    },
    actions: {
      startDeadline: assign(({ event, context }) => {
        const { sentAt, answeredAt } = (event as unknown as { output: UnlockOutput }).output;
        return {
          deadline: sentAt + context.autoLockMs - context.safetyMarginMs,
          serverLockBy: answeredAt + context.autoLockMs,
          lastError: null,
        };
      }),
      clearDeadline: assign({
        deadline: null,
        serverLockBy: null,
        terminateAttempts: 0,
        currentOperation: null,
      }),
      markLockRequestedDuringUnlock: assign(({ context }) => ({
        // The aborted unlock may still reach DSM, which then locks ten minutes later.
        serverLockBy: context.serverLockBy ?? now() + context.autoLockMs,
      })),
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
      applyRestoredUnlock: assign(({ context }) => ({
        deadline: context.restore?.deadline ?? null,
        serverLockBy: context.restore?.serverLockBy ?? null,
        restore: null,
      })),
      applyRestoredLocking: assign(({ context }) => ({
        serverLockBy: context.restore?.serverLockBy ?? null,
        lockReason: context.restore?.lockReason ?? 'timeout',
        restore: null,
      })),
      clearRestore: assign({ restore: null }),
      emitUnlocked: emit(({ context }) => ({
        type: 'unlocked' as const,
        deadline: context.deadline ?? now(),
      })),
      emitUnlockFailed: emit(({ event }) => {
        const error = (event as { error?: unknown }).error;
        return { type: 'unlockFailed' as const, error, failure: failureKind(error) };
      }),
      emitExpiring: emit(({ context }) => ({
        type: 'expiring' as const,
        deadline: context.deadline ?? now(),
        remainingMs: Math.max(0, (context.deadline ?? now()) - now()),
      })),
      emitLocked: emit(({ context }) => ({
        type: 'locked' as const,
        reason: context.lockReason ?? 'user',
      })),
      emitSessionExpired: emit({ type: 'sessionExpired' }),
      emitOperationSucceeded: emit(({ context, event }) => {
        const { output } = event as unknown as { output: OperationOutput };
        const op = context.currentOperation ?? { opId: '', kind: 'generateRecoveryCodes' };
        return {
          type: 'operationSucceeded' as const,
          opId: op.opId,
          kind: op.kind,
          output: output.result,
        };
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
      serverLockBy: null,
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
          input: ({ event }) => ({
            password: (event as Extract<TwoFactorConfigEvent, { type: 'unlock' }>).password,
          }),
          onDone: { target: 'unlocked', actions: ['startDeadline', 'emitUnlocked'] },
          onError: [
            {
              guard: 'isSessionExpiredFailure',
              target: 'sessionExpired',
              actions: ['recordFailure', 'emitUnlockFailed'],
            },
            { target: 'locked', actions: ['recordFailure', 'emitUnlockFailed'] },
          ],
        },
        on: {
          lock: {
            target: 'locking',
            actions: [
              'markLockRequestedDuringUnlock',
              { type: 'setLockReason', params: { reason: 'user' } },
            ],
          },
          dispose: {
            target: 'locking',
            actions: [
              'markLockRequestedDuringUnlock',
              { type: 'setLockReason', params: { reason: 'dispose' } },
            ],
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
