import { assign, emit, fromPromise, setup } from 'xstate';
import type {
  AuthenticateInput,
  AuthenticateOutput,
  CompleteFido2AuthInput,
  RecoveryCodeAuthInput,
  SecondFactorMethod,
  SessionExpiryReason,
  SessionTouchOutput,
  SignInContext,
  SignInEmitted,
  SignInEvent,
  SignInFailureKind,
  SignInInput,
  SignInMethod,
  SignInRefusalCode,
  SignInRequest,
  SigningOutReason,
} from './signIn.types.js';
import type { Now } from './twoFactorConfig.js';
import type { FailureInfo } from './twoFactorConfig.types.js';

export const DEFAULT_REFRESH_INTERVAL_MS = 60_000;
/** DSM's idle timeout for user sessions, used when DSM's answer gives none. */
export const DEFAULT_SESSION_IDLE_MS = 86_400_000;
export const DEFAULT_RATE_LIMIT_FALLBACK_MS = 60_000;

/** Reads a failed sign-in request by its `code`; the machine depends on nothing else. */
export function signInFailureKind(error: unknown): SignInFailureKind {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'SIGN_IN_FAILED':
      return 'wrongCredentials';
    case 'SECOND_FACTOR_FAILED':
      return 'rejected';
    case 'RATE_LIMITED':
      return 'rateLimited';
    case 'UNAUTHORIZED':
    case 'SESSION_EXPIRED':
      return 'sessionExpired';
    default:
      return 'other';
  }
}

function failureInfo(error: unknown): FailureInfo {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return {
    code: typeof code === 'string' ? code : 'UNKNOWN',
    message: typeof message === 'string' ? message : 'Unknown error',
  };
}

function errorOf(event: unknown): unknown {
  return (event as { error?: unknown }).error;
}

function outputOf<T>(event: unknown): T {
  return (event as { output: T }).output;
}

/** Keep-alive: at most every `refreshIntervalMs`, and at least twice per idle window. */
function refreshIntervalOf(context: SignInContext): number {
  const idle = context.sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS;
  return Math.min(context.refreshIntervalMs, Math.floor(idle / 2));
}

/** Placeholder implementations: the machine file runs alone (Stately editor, tests). */
function notProvided<TOutput, TInput>(name: string) {
  return fromPromise<TOutput, TInput>(() =>
    Promise.reject(new Error(`The "${name}" actor is not provided; createSignIn() provides it.`)),
  );
}

/**
 * Where a refused second factor leads, the same for a key and a recovery code: an expired
 * session ends the sign-in, a 429 waits out the cooldown, anything else leaves it pending.
 */
function secondFactorFailed(method: SecondFactorMethod) {
  const emitFailed = { type: 'emitSecondFactorFailed', params: { method } } as const;
  return [
    {
      guard: 'isSessionExpiredFailure',
      target: '#signIn.expired',
      actions: [
        'recordFailure',
        emitFailed,
        { type: 'setExpiryReason', params: { reason: 'server' } },
      ],
    },
    {
      guard: 'isRateLimitedFailure',
      target: 'rateLimited',
      actions: ['recordFailure', 'startCooldown', emitFailed],
    },
    { target: 'ready', actions: ['recordFailure', emitFailed] },
  ] as const;
}

/**
 * Builds the sign-in statechart on a given wall clock. Like the configuration machine, it
 * trusts no timer alone: `activity` and the keep-alive check the idle deadline against the
 * clock, so a timer that fires late (a sleeping laptop) never keeps a dead session "signed in".
 */
export function createSignInMachine(now: Now = Date.now) {
  const pastIdleDeadline = (context: SignInContext) =>
    context.idleDeadline !== null && now() >= context.idleDeadline;

  return setup({
    types: {
      context: {} as SignInContext,
      events: {} as SignInEvent,
      input: {} as SignInInput,
      emitted: {} as SignInEmitted,
    },
    actors: {
      authenticate: notProvided<AuthenticateOutput, AuthenticateInput>('authenticate'),
      completeFido2Auth: notProvided<SessionTouchOutput, CompleteFido2AuthInput>(
        'completeFido2Auth',
      ),
      recoveryCodeAuth: notProvided<SessionTouchOutput, RecoveryCodeAuthInput>('recoveryCodeAuth'),
      refresh: notProvided<SessionTouchOutput, void>('refresh'),
      terminate: notProvided<void, void>('terminate'),
    },
    guards: {
      needsSecondFactor: ({ event }) => outputOf<AuthenticateOutput>(event).secondFactor !== null,
      isRateLimitedFailure: ({ event }) => signInFailureKind(errorOf(event)) === 'rateLimited',
      isSessionExpiredFailure: ({ event }) =>
        signInFailureKind(errorOf(event)) === 'sessionExpired',
      isPastIdleDeadline: ({ context }) => pastIdleDeadline(context),
      isRefreshDue: ({ context }) =>
        context.lastRefreshAt === null ||
        now() >= context.lastRefreshAt + refreshIntervalOf(context),
      isRateLimitOver: ({ context }) => context.retryAt === null || now() >= context.retryAt,
      isIdleSignOut: ({ context }) => context.signingOutReason === 'idle',
      isRestoringSignedIn: ({ context }) =>
        context.restore?.state === 'signedIn' && now() < context.restore.idleDeadline,
      // Idle by the clock, but the app's timeout may be shorter than DSM's: terminate.
      isRestoringIdleSession: ({ context }) => context.restore?.state === 'signedIn',
      isRestoringAwaitingSecondFactor: ({ context }) =>
        context.restore?.state === 'awaitingSecondFactor',
      isRestoringExpired: ({ context }) => context.restore?.state === 'expired',
    },
    delays: {
      idleTimeout: ({ context }) => Math.max(0, (context.idleDeadline ?? now()) - now()),
      refreshDue: ({ context }) => {
        const due = (context.lastRefreshAt ?? now()) + refreshIntervalOf(context);
        return Math.max(0, Math.min(due, context.idleDeadline ?? due) - now());
      },
      rateLimitCooldown: ({ context }) => Math.max(0, (context.retryAt ?? now()) - now()),
    },
    actions: {
      clearSession: assign({
        userId: null,
        method: null,
        secondFactor: null,
        sessionIdleMs: null,
        idleDeadline: null,
        lastRefreshAt: null,
        retryAt: null,
        signingOutReason: null,
      }),
      clearExpiryReason: assign({ expiryReason: null }),
      startSession: assign(({ context, event }) => {
        const { userId, sentAt, idleTimeoutMs } = outputOf<AuthenticateOutput>(event);
        const sessionIdleMs = Math.min(
          context.idleTimeoutMs ?? Number.POSITIVE_INFINITY,
          idleTimeoutMs > 0 ? idleTimeoutMs : DEFAULT_SESSION_IDLE_MS,
        );
        return {
          userId,
          method: 'password' as SignInMethod,
          sessionIdleMs,
          idleDeadline: sentAt + sessionIdleMs,
          lastRefreshAt: sentAt,
          lastError: null,
        };
      }),
      holdSecondFactor: assign(({ event }) => ({
        secondFactor: outputOf<AuthenticateOutput>(event).secondFactor,
      })),
      completeSession: assign(({ context, event }, params: { method: SecondFactorMethod }) => {
        const { sentAt } = outputOf<SessionTouchOutput>(event);
        const idle = context.sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS;
        return {
          method: params.method as SignInMethod,
          secondFactor: null,
          idleDeadline: sentAt + idle,
          lastRefreshAt: sentAt,
          lastError: null,
        };
      }),
      markRefreshSent: assign({ lastRefreshAt: () => now() }),
      extendSession: assign(({ context, event }) => ({
        idleDeadline:
          outputOf<SessionTouchOutput>(event).sentAt +
          (context.sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS),
      })),
      startCooldown: assign(({ context, event }) => {
        const retryAfterMs = (errorOf(event) as { retryAfterMs?: unknown } | null)?.retryAfterMs;
        const wait =
          typeof retryAfterMs === 'number' && retryAfterMs >= 0
            ? retryAfterMs
            : context.rateLimitFallbackMs;
        return { retryAt: now() + wait };
      }),
      setSigningOutReason: assign((_, params: { reason: SigningOutReason }) => ({
        signingOutReason: params.reason,
      })),
      setExpiryReason: assign((_, params: { reason: SessionExpiryReason }) => ({
        expiryReason: params.reason,
      })),
      recordFailure: assign(({ event }) => ({ lastError: failureInfo(errorOf(event)) })),
      applyRestoredSession: assign(({ context }) => {
        const restore = context.restore;
        if (restore?.state !== 'signedIn') return {};
        const { userId, method, sessionIdleMs, idleDeadline, lastRefreshAt } = restore;
        return { userId, method, sessionIdleMs, idleDeadline, lastRefreshAt, restore: null };
      }),
      applyRestoredIdleSession: assign({
        signingOutReason: 'idle' as SigningOutReason,
        restore: null,
      }),
      applyRestoredPending: assign(({ context }) => {
        const restore = context.restore;
        if (restore?.state !== 'awaitingSecondFactor') return {};
        const { userId, sessionIdleMs, idleDeadline, secondFactor } = restore;
        return { userId, sessionIdleMs, idleDeadline, secondFactor, restore: null };
      }),
      applyRestoredExpiry: assign(({ context }) => ({
        expiryReason: context.restore?.state === 'expired' ? context.restore.reason : 'server',
        restore: null,
      })),
      emitSignedIn: emit(({ context }) => ({
        type: 'signedIn' as const,
        userId: context.userId ?? '',
        method: context.method ?? 'password',
        idleTimeoutMs: context.sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS,
      })),
      emitSignInFailed: emit(({ event }) => ({
        type: 'signInFailed' as const,
        error: errorOf(event),
        failure: signInFailureKind(errorOf(event)),
      })),
      emitSecondFactorRequired: emit(({ context }) => ({
        type: 'secondFactorRequired' as const,
        userId: context.userId ?? '',
        methods: context.secondFactor?.methods ?? [],
      })),
      emitSecondFactorFailed: emit(({ event }, params: { method: SecondFactorMethod }) => ({
        type: 'secondFactorFailed' as const,
        method: params.method,
        error: errorOf(event),
        failure: signInFailureKind(errorOf(event)),
      })),
      emitSessionRefreshed: emit(({ context }) => ({
        type: 'sessionRefreshed' as const,
        idleDeadline: context.idleDeadline ?? now(),
      })),
      emitRefreshFailed: emit(({ event }) => ({
        type: 'refreshFailed' as const,
        error: errorOf(event),
      })),
      emitSessionExpired: emit(({ context }) => ({
        type: 'sessionExpired' as const,
        reason: context.expiryReason ?? 'server',
      })),
      emitSignedOut: emit(({ context }) => ({
        type: 'signedOut' as const,
        reason: context.signingOutReason === 'dispose' ? ('dispose' as const) : ('user' as const),
      })),
      refuse: emit(({ context, event }, params: { code: SignInRefusalCode }) => ({
        type: 'requestRefused' as const,
        request: event.type as SignInRequest,
        code: params.code,
        ...(params.code === 'RATE_LIMITED' && {
          retryAfterMs: Math.max(0, (context.retryAt ?? now()) - now()),
        }),
      })),
    },
  }).createMachine({
    id: 'signIn',
    initial: 'signedOut',
    context: ({ input }) => ({
      refreshIntervalMs: input.refreshIntervalMs ?? DEFAULT_REFRESH_INTERVAL_MS,
      idleTimeoutMs: input.idleTimeoutMs ?? null,
      rateLimitFallbackMs: input.rateLimitFallbackMs ?? DEFAULT_RATE_LIMIT_FALLBACK_MS,
      userId: null,
      method: null,
      secondFactor: null,
      sessionIdleMs: null,
      idleDeadline: null,
      lastRefreshAt: null,
      retryAt: null,
      signingOutReason: null,
      expiryReason: null,
      lastError: null,
      restore: input.restore ?? null,
    }),
    // Requests no state below takes are refused with a reason, never dropped in silence.
    on: {
      signIn: { actions: { type: 'refuse', params: { code: 'BUSY' } } },
      completeWithAssertion: {
        actions: { type: 'refuse', params: { code: 'NOT_AWAITING_SECOND_FACTOR' } },
      },
      completeWithRecoveryCode: {
        actions: { type: 'refuse', params: { code: 'NOT_AWAITING_SECOND_FACTOR' } },
      },
    },
    states: {
      signedOut: {
        entry: 'clearSession',
        always: [
          { guard: 'isRestoringSignedIn', target: 'signedIn', actions: 'applyRestoredSession' },
          {
            guard: 'isRestoringIdleSession',
            target: 'signingOut',
            actions: 'applyRestoredIdleSession',
          },
          {
            guard: 'isRestoringAwaitingSecondFactor',
            target: 'awaitingSecondFactor',
            actions: 'applyRestoredPending',
          },
          { guard: 'isRestoringExpired', target: 'expired', actions: 'applyRestoredExpiry' },
        ],
        on: { signIn: { target: 'authenticating', actions: 'clearExpiryReason' } },
      },

      authenticating: {
        invoke: {
          id: 'authenticate',
          src: 'authenticate',
          input: ({ event }) => {
            const { email, password } = event as Extract<SignInEvent, { type: 'signIn' }>;
            return { email, password };
          },
          onDone: [
            {
              guard: 'needsSecondFactor',
              target: 'awaitingSecondFactor',
              actions: ['startSession', 'holdSecondFactor', 'emitSecondFactorRequired'],
            },
            { target: 'signedIn', actions: ['startSession', 'emitSignedIn'] },
          ],
          onError: [
            {
              guard: 'isRateLimitedFailure',
              target: 'rateLimited',
              actions: ['recordFailure', 'startCooldown', 'emitSignInFailed'],
            },
            { target: 'signedOut', actions: ['recordFailure', 'emitSignInFailed'] },
          ],
        },
        on: {
          // Leaving aborts the request; a session DSM may have opened idles out by itself.
          signOut: {
            target: 'signedOut',
            actions: [{ type: 'setSigningOutReason', params: { reason: 'user' } }, 'emitSignedOut'],
          },
          dispose: {
            target: 'signedOut',
            actions: [
              { type: 'setSigningOutReason', params: { reason: 'dispose' } },
              'emitSignedOut',
            ],
          },
        },
      },

      rateLimited: {
        after: { rateLimitCooldown: 'signedOut' },
        on: {
          signIn: [
            // The timer may be late; the clock is not.
            { guard: 'isRateLimitOver', target: 'authenticating' },
            { actions: { type: 'refuse', params: { code: 'RATE_LIMITED' } } },
          ],
        },
      },

      awaitingSecondFactor: {
        initial: 'ready',
        on: {
          signIn: { actions: { type: 'refuse', params: { code: 'ALREADY_SIGNED_IN' } } },
          completeWithAssertion: { actions: { type: 'refuse', params: { code: 'BUSY' } } },
          completeWithRecoveryCode: { actions: { type: 'refuse', params: { code: 'BUSY' } } },
          signOut: {
            target: 'signingOut',
            actions: { type: 'setSigningOutReason', params: { reason: 'user' } },
          },
          dispose: {
            target: 'signingOut',
            actions: { type: 'setSigningOutReason', params: { reason: 'dispose' } },
          },
          sessionRejected: {
            target: 'expired',
            actions: { type: 'setExpiryReason', params: { reason: 'server' } },
          },
        },
        states: {
          ready: {
            on: {
              completeWithAssertion: 'verifyingAssertion',
              completeWithRecoveryCode: 'verifyingRecoveryCode',
            },
          },
          verifyingAssertion: {
            invoke: {
              id: 'completeFido2Auth',
              src: 'completeFido2Auth',
              input: ({ event }) => ({
                assertion: (event as Extract<SignInEvent, { type: 'completeWithAssertion' }>)
                  .assertion,
              }),
              onDone: {
                target: '#signIn.signedIn',
                actions: [{ type: 'completeSession', params: { method: 'fido2' } }, 'emitSignedIn'],
              },
              onError: secondFactorFailed('fido2'),
            },
          },
          verifyingRecoveryCode: {
            invoke: {
              id: 'recoveryCodeAuth',
              src: 'recoveryCodeAuth',
              input: ({ event }) => ({
                code: (event as Extract<SignInEvent, { type: 'completeWithRecoveryCode' }>).code,
              }),
              onDone: {
                target: '#signIn.signedIn',
                actions: [
                  { type: 'completeSession', params: { method: 'recoveryCode' } },
                  'emitSignedIn',
                ],
              },
              onError: secondFactorFailed('recoveryCode'),
            },
          },
          rateLimited: {
            after: { rateLimitCooldown: 'ready' },
            on: {
              completeWithAssertion: [
                { guard: 'isRateLimitOver', target: 'verifyingAssertion' },
                { actions: { type: 'refuse', params: { code: 'RATE_LIMITED' } } },
              ],
              completeWithRecoveryCode: [
                { guard: 'isRateLimitOver', target: 'verifyingRecoveryCode' },
                { actions: { type: 'refuse', params: { code: 'RATE_LIMITED' } } },
              ],
            },
          },
        },
      },

      signedIn: {
        initial: 'idle',
        on: {
          signIn: { actions: { type: 'refuse', params: { code: 'ALREADY_SIGNED_IN' } } },
          signOut: {
            target: 'signingOut',
            actions: { type: 'setSigningOutReason', params: { reason: 'user' } },
          },
          dispose: {
            target: 'signingOut',
            actions: { type: 'setSigningOutReason', params: { reason: 'dispose' } },
          },
          sessionRejected: {
            target: 'expired',
            actions: { type: 'setExpiryReason', params: { reason: 'server' } },
          },
        },
        states: {
          // No activity since the last Refresh: only the idle timer is pending.
          idle: {
            after: {
              idleTimeout: {
                target: '#signIn.signingOut',
                actions: { type: 'setSigningOutReason', params: { reason: 'idle' } },
              },
            },
            on: {
              activity: [
                {
                  guard: 'isPastIdleDeadline',
                  target: '#signIn.signingOut',
                  actions: { type: 'setSigningOutReason', params: { reason: 'idle' } },
                },
                { guard: 'isRefreshDue', target: 'refreshing' },
                { target: 'active' },
              ],
            },
          },
          // Activity seen: one timer, for the next Refresh (or the idle deadline, if sooner).
          active: {
            after: {
              refreshDue: [
                {
                  guard: 'isPastIdleDeadline',
                  target: '#signIn.signingOut',
                  actions: { type: 'setSigningOutReason', params: { reason: 'idle' } },
                },
                { target: 'refreshing' },
              ],
            },
            on: {
              activity: {
                guard: 'isPastIdleDeadline',
                target: '#signIn.signingOut',
                actions: { type: 'setSigningOutReason', params: { reason: 'idle' } },
              },
            },
          },
          refreshing: {
            entry: 'markRefreshSent',
            invoke: {
              id: 'refresh',
              src: 'refresh',
              onDone: { target: 'idle', actions: ['extendSession', 'emitSessionRefreshed'] },
              onError: [
                {
                  guard: 'isSessionExpiredFailure',
                  target: '#signIn.expired',
                  actions: [
                    'recordFailure',
                    { type: 'setExpiryReason', params: { reason: 'server' } },
                  ],
                },
                // A network failure: try again at the next interval, the deadline still holds.
                { target: 'active', actions: ['recordFailure', 'emitRefreshFailed'] },
              ],
            },
          },
        },
      },

      signingOut: {
        // Best effort either way: DSM ends an idle session by itself.
        invoke: {
          id: 'terminate',
          src: 'terminate',
          onDone: [
            {
              guard: 'isIdleSignOut',
              target: 'expired',
              actions: { type: 'setExpiryReason', params: { reason: 'idle' } },
            },
            { target: 'signedOut', actions: 'emitSignedOut' },
          ],
          onError: [
            {
              guard: 'isIdleSignOut',
              target: 'expired',
              actions: ['recordFailure', { type: 'setExpiryReason', params: { reason: 'idle' } }],
            },
            { target: 'signedOut', actions: ['recordFailure', 'emitSignedOut'] },
          ],
        },
      },

      expired: {
        entry: ['clearSession', 'emitSessionExpired'],
        on: { signIn: { target: 'authenticating', actions: 'clearExpiryReason' } },
      },
    },
  });
}

/** The sign-in statechart on the system clock. */
export const signInMachine = createSignInMachine();

export type SignInMachine = typeof signInMachine;
