import {
  assertEvent,
  assign,
  emit,
  enqueueActions,
  fromPromise,
  type StateValue,
  setup,
  stateIn,
} from 'xstate';
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
  SignInRefusalCode,
  SignInRequest,
  SignInRestore,
  SigningOutReason,
} from './signIn.types.js';
import type { Now } from './twoFactorConfig.js';
import type { FailureInfo } from './twoFactorConfig.types.js';

export const DEFAULT_REFRESH_INTERVAL_MS = 60_000;
/** DSM's idle timeout for user sessions, used when DSM's answer gives none. */
export const DEFAULT_SESSION_IDLE_MS = 86_400_000;
export const DEFAULT_RATE_LIMIT_FALLBACK_MS = 60_000;

const FAILURE_KINDS: Readonly<Record<string, SignInFailureKind>> = {
  SIGN_IN_FAILED: 'wrongCredentials',
  SECOND_FACTOR_FAILED: 'rejected',
  RATE_LIMITED: 'rateLimited',
  UNAUTHORIZED: 'sessionExpired',
  SESSION_EXPIRED: 'sessionExpired',
};

/** Reads a failed sign-in request by its `code`, nothing else. */
export function signInFailureKind(error: unknown): SignInFailureKind {
  const { code } = Object(error) as { code?: string };
  return (Object.hasOwn(FAILURE_KINDS, code!) && FAILURE_KINDS[code!]) || 'other';
}

function failureInfo(error: unknown): FailureInfo {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return {
    code: typeof code === 'string' ? code : 'UNKNOWN',
    message: typeof message === 'string' ? message : 'Unknown error',
  };
}

/**
 * The one refusal table: what a request gets, without a request to DSM, where it is not taken
 * (columns: `signIn`, a second factor). The first active row answers; the last, everywhere else.
 */
const REFUSALS: ReadonlyArray<
  [state: StateValue | null, signIn: SignInRefusalCode, secondFactor: SignInRefusalCode]
> = [
  [{ awaitingSecondFactor: 'rateLimited' }, 'ALREADY_SIGNED_IN', 'RATE_LIMITED'],
  ['awaitingSecondFactor', 'ALREADY_SIGNED_IN', 'BUSY'],
  ['signedIn', 'ALREADY_SIGNED_IN', 'NOT_AWAITING_SECOND_FACTOR'],
  ['rateLimited', 'RATE_LIMITED', 'NOT_AWAITING_SECOND_FACTOR'],
  [null, 'BUSY', 'NOT_AWAITING_SECOND_FACTOR'],
];

const refusalsOf = (request: SignInRequest) =>
  REFUSALS.map(([state, signIn, secondFactor]) => ({
    ...(state !== null && { guard: stateIn(state) }),
    actions: {
      type: 'refuse' as const,
      params: { request, code: request === 'signIn' ? signIn : secondFactor },
    },
  }));

/** So the machine file runs alone (Stately editor, tests). */
const notProvided = <O, I>() =>
  fromPromise<O, I>(() =>
    Promise.reject(new Error('This actor is not provided: createSignIn() provides it.')),
  );

/** A guard or an action that takes an actor's failure as its params (and `extra`). */
const withFailure = <T extends string, E extends object>(type: T, extra?: E) => ({
  type,
  params: ({ event }: { event: { error?: unknown } }) => ({ ...extra, error: event.error }),
});
const signOutFor = (reason: SigningOutReason) =>
  ({ type: 'setSigningOutReason', params: { reason } }) as const;
const expireFor = (reason: SessionExpiryReason) =>
  ({ type: 'setExpiryReason', params: { reason } }) as const;
const sentAt = ({ event }: { event: { output: SessionTouchOutput } }) => event.output;
const startSession = {
  type: 'startSession' as const,
  params: ({ event }: { event: { output: AuthenticateOutput } }) => event.output,
};
/** A second factor DSM accepted: the session is complete from when it was sent. */
const completeWith = (method: SecondFactorMethod) => ({
  type: 'completeSession' as const,
  params: (args: { event: { output: SessionTouchOutput } }) => ({ method, ...sentAt(args) }),
});
/** A request's state left by anything but its answer answers it at once: `requestInterrupted`. */
const interruptsUnanswered = (request: SignInRequest, actor: string) => ({
  type: 'interruptUnanswered' as const,
  params: { request, actor },
});
/** The idle deadline passed: end the session (terminate, then `expired`). */
const idleSignOut = { target: '#signIn.signingOut', actions: signOutFor('idle') } as const;
/** How a session ends: a sign-out, a dispose, or DSM's 401 elsewhere. */
const sessionEnds = {
  signOut: { target: '#signIn.signingOut', actions: signOutFor('user') },
  dispose: { target: '#signIn.signingOut', actions: signOutFor('dispose') },
  sessionRejected: { target: '#signIn.expired', actions: expireFor('server') },
} as const;

/** A refused second factor: an expired session ends, a 429 waits, anything else stays pending. */
const secondFactorFailed = (method: SecondFactorMethod) =>
  [
    {
      guard: withFailure('isSessionExpired'),
      target: '#signIn.expired',
      actions: [withFailure('reportFailure', { method }), expireFor('server')],
    },
    {
      guard: withFailure('isRateLimited'),
      target: 'rateLimited',
      actions: [withFailure('startCooldown'), withFailure('reportFailure', { method })],
    },
    { target: 'ready', actions: withFailure('reportFailure', { method }) },
  ] as const;

const NO_SESSION = {
  userId: null,
  method: null,
  secondFactor: null,
  sessionIdleMs: null,
  idleDeadline: null,
  lastRefreshAt: null,
  retryAt: null,
  signingOutReason: null,
} as const;

/** Keep-alive: at most every `refreshIntervalMs`, and at least twice per idle window. */
const refreshIntervalOf = (context: SignInContext) =>
  Math.min(context.refreshIntervalMs, Math.floor(context.sessionIdleMs! / 2));

/**
 * Builds the sign-in statechart on a wall clock. It trusts no timer alone: `activity` and the
 * keep-alive check the idle deadline, so a late timer never keeps a dead session "signed in".
 */
export function createSignInMachine(now: Now = Date.now) {
  return setup({
    types: {} as {
      context: SignInContext;
      events: SignInEvent;
      input: SignInInput;
      emitted: SignInEmitted;
    },
    actors: {
      authenticate: notProvided<AuthenticateOutput, AuthenticateInput>(),
      completeFido2Auth: notProvided<SessionTouchOutput, CompleteFido2AuthInput>(),
      recoveryCodeAuth: notProvided<SessionTouchOutput, RecoveryCodeAuthInput>(),
      refresh: notProvided<SessionTouchOutput, void>(),
      terminate: notProvided<void, void>(),
    },
    guards: {
      needsSecondFactor: (_, output: AuthenticateOutput) => output.secondFactor !== null,
      isRateLimited: (_, params: { error: unknown }) =>
        signInFailureKind(params.error) === 'rateLimited',
      isSessionExpired: (_, params: { error: unknown }) =>
        signInFailureKind(params.error) === 'sessionExpired',
      isPastIdleDeadline: ({ context }) => now() >= context.idleDeadline!,
      isRefreshDue: ({ context }) => now() >= context.lastRefreshAt! + refreshIntervalOf(context),
      isRateLimitOver: ({ context }) => now() >= context.retryAt!,
      isIdleSignOut: ({ context }) => context.signingOutReason === 'idle',
      // A stored session restores signed in only while its idle deadline is ahead (`live`).
      isRestoring: (
        { context: { restore } },
        params: { state: SignInRestore['state']; live?: boolean },
      ) =>
        restore?.state === params.state &&
        (!params.live || (restore.state === 'signedIn' && now() < restore.idleDeadline)),
    },
    delays: {
      idleTimeout: ({ context }) => Math.max(0, context.idleDeadline! - now()),
      refreshDue: ({ context }) => {
        const due = context.lastRefreshAt! + refreshIntervalOf(context);
        return Math.max(0, Math.min(due, context.idleDeadline!) - now());
      },
      rateLimitCooldown: ({ context }) => Math.max(0, context.retryAt! - now()),
    },
    actions: {
      clearSession: assign(NO_SESSION),
      clearExpiryReason: assign({ expiryReason: null }),
      startSession: assign(({ context }, output: AuthenticateOutput) => {
        const sessionIdleMs = Math.min(
          context.idleTimeoutMs ?? Number.POSITIVE_INFINITY,
          output.idleTimeoutMs > 0 ? output.idleTimeoutMs : DEFAULT_SESSION_IDLE_MS,
        );
        return {
          userId: output.userId,
          method: 'password' as const,
          secondFactor: output.secondFactor,
          sessionIdleMs,
          idleDeadline: output.sentAt + sessionIdleMs,
          lastRefreshAt: output.sentAt,
          lastError: null,
        };
      }),
      completeSession: assign(
        ({ context }, params: { method: SecondFactorMethod; sentAt: number }) => ({
          method: params.method,
          secondFactor: null,
          idleDeadline: params.sentAt + context.sessionIdleMs!,
          lastRefreshAt: params.sentAt,
          lastError: null,
        }),
      ),
      markRefreshSent: assign({ lastRefreshAt: () => now() }),
      extendSession: assign(({ context }, params: SessionTouchOutput) => ({
        idleDeadline: params.sentAt + context.sessionIdleMs!,
      })),
      startCooldown: assign(({ context }, params: { error: unknown }) => {
        const { retryAfterMs } = Object(params.error) as { retryAfterMs?: unknown };
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
      recordFailure: assign((_, params: { error: unknown }) => ({
        lastError: failureInfo(params.error),
      })),
      restore: assign(({ context }) => {
        const { state, ...stored } = context.restore!;
        return 'reason' in stored
          ? { expiryReason: stored.reason, restore: null }
          : { ...stored, restore: null };
      }),
      reportFailure: enqueueActions(
        ({ enqueue }, params: { error: unknown; method?: SecondFactorMethod }) => {
          const { error, method } = params;
          const failure = signInFailureKind(error);
          enqueue.assign({ lastError: failureInfo(error) });
          enqueue.emit(
            method
              ? { type: 'secondFactorFailed', method, error, failure }
              : { type: 'signInFailed', error, failure },
          );
        },
      ),
      emitSignedIn: emit(({ context }) => ({
        type: 'signedIn' as const,
        userId: context.userId!,
        method: context.method!,
        idleTimeoutMs: context.sessionIdleMs!,
      })),
      emitSecondFactorRequired: emit(({ context }) => ({
        type: 'secondFactorRequired' as const,
        userId: context.userId!,
        methods: context.secondFactor!.methods,
      })),
      emitSessionRefreshed: emit(({ context }) => ({
        type: 'sessionRefreshed' as const,
        idleDeadline: context.idleDeadline!,
      })),
      emitRefreshFailed: emit((_, params: { error: unknown }) => ({
        type: 'refreshFailed' as const,
        error: params.error,
      })),
      emitSessionExpired: emit(({ context }) => ({
        type: 'sessionExpired' as const,
        reason: context.expiryReason!,
      })),
      emitSignedOut: emit(({ context }) => ({
        type: 'signedOut' as const,
        reason: context.signingOutReason === 'dispose' ? ('dispose' as const) : ('user' as const),
      })),
      interruptUnanswered: enqueueActions(
        ({ event, enqueue }, params: { request: SignInRequest; actor: string }) => {
          const { actor, request } = params;
          const answered = [`xstate.done.actor.${actor}`, `xstate.error.actor.${actor}`];
          if (!answered.includes(event.type)) enqueue.emit({ type: 'requestInterrupted', request });
        },
      ),
      refuse: emit(({ context }, params: { request: SignInRequest; code: SignInRefusalCode }) => ({
        type: 'requestRefused' as const,
        ...params,
        ...(params.code === 'RATE_LIMITED' && {
          retryAfterMs: Math.max(0, context.retryAt! - now()),
        }),
      })),
    },
  }).createMachine({
    id: 'signIn',
    initial: 'restoring',
    context: ({ input }) => ({
      refreshIntervalMs: input.refreshIntervalMs ?? DEFAULT_REFRESH_INTERVAL_MS,
      idleTimeoutMs: input.idleTimeoutMs ?? null,
      rateLimitFallbackMs: input.rateLimitFallbackMs ?? DEFAULT_RATE_LIMIT_FALLBACK_MS,
      ...NO_SESSION,
      expiryReason: null,
      lastError: null,
      restore: input.restore ?? null,
    }),
    // A state that takes a request takes it before these refusals.
    on: {
      signIn: refusalsOf('signIn'),
      completeWithAssertion: refusalsOf('completeWithAssertion'),
      completeWithRecoveryCode: refusalsOf('completeWithRecoveryCode'),
    },
    states: {
      restoring: {
        always: [
          {
            guard: { type: 'isRestoring', params: { state: 'signedIn', live: true } },
            target: 'signedIn',
            actions: 'restore',
          },
          {
            // Idle by the clock, but the app's timeout may be shorter than DSM's: terminate.
            guard: { type: 'isRestoring', params: { state: 'signedIn' } },
            target: 'signingOut',
            actions: ['restore', signOutFor('idle')],
          },
          {
            guard: { type: 'isRestoring', params: { state: 'awaitingSecondFactor' } },
            target: 'awaitingSecondFactor',
            actions: 'restore',
          },
          {
            guard: { type: 'isRestoring', params: { state: 'expired' } },
            target: 'expired',
            actions: 'restore',
          },
          { target: 'signedOut' },
        ],
      },

      signedOut: {
        entry: 'clearSession',
        on: { signIn: { target: 'authenticating', actions: 'clearExpiryReason' } },
      },

      authenticating: {
        tags: 'busy',
        exit: interruptsUnanswered('signIn', 'authenticate'),
        invoke: {
          id: 'authenticate',
          src: 'authenticate',
          input: ({ event }) => {
            assertEvent(event, 'signIn');
            return { email: event.email, password: event.password };
          },
          onDone: [
            {
              guard: { type: 'needsSecondFactor', params: ({ event }) => event.output },
              target: 'awaitingSecondFactor',
              actions: [startSession, 'emitSecondFactorRequired'],
            },
            {
              target: 'signedIn',
              actions: [startSession, 'emitSignedIn'],
            },
          ],
          onError: [
            {
              guard: withFailure('isRateLimited'),
              target: 'rateLimited',
              actions: [withFailure('startCooldown'), withFailure('reportFailure')],
            },
            { target: 'signedOut', actions: withFailure('reportFailure') },
          ],
        },
        on: {
          // Leaving aborts the request; a session DSM may have opened idles out by itself.
          signOut: { target: 'signedOut', actions: [signOutFor('user'), 'emitSignedOut'] },
          dispose: { target: 'signedOut', actions: [signOutFor('dispose'), 'emitSignedOut'] },
        },
      },

      rateLimited: {
        after: { rateLimitCooldown: 'signedOut' },
        // The timer may be late; the clock is not.
        on: { signIn: { guard: 'isRateLimitOver', target: 'authenticating' } },
      },

      awaitingSecondFactor: {
        initial: 'ready',
        on: sessionEnds,
        states: {
          ready: {
            on: {
              completeWithAssertion: 'verifyingAssertion',
              completeWithRecoveryCode: 'verifyingRecoveryCode',
            },
          },
          verifyingAssertion: {
            tags: 'busy',
            exit: interruptsUnanswered('completeWithAssertion', 'completeFido2Auth'),
            invoke: {
              id: 'completeFido2Auth',
              src: 'completeFido2Auth',
              input: ({ event }) => {
                assertEvent(event, 'completeWithAssertion');
                return { assertion: event.assertion };
              },
              onDone: {
                target: '#signIn.signedIn',
                actions: [completeWith('fido2'), 'emitSignedIn'],
              },
              onError: secondFactorFailed('fido2'),
            },
          },
          verifyingRecoveryCode: {
            tags: 'busy',
            exit: interruptsUnanswered('completeWithRecoveryCode', 'recoveryCodeAuth'),
            invoke: {
              id: 'recoveryCodeAuth',
              src: 'recoveryCodeAuth',
              input: ({ event }) => {
                assertEvent(event, 'completeWithRecoveryCode');
                return { code: event.code };
              },
              onDone: {
                target: '#signIn.signedIn',
                actions: [completeWith('recoveryCode'), 'emitSignedIn'],
              },
              onError: secondFactorFailed('recoveryCode'),
            },
          },
          rateLimited: {
            after: { rateLimitCooldown: 'ready' },
            on: {
              completeWithAssertion: { guard: 'isRateLimitOver', target: 'verifyingAssertion' },
              completeWithRecoveryCode: {
                guard: 'isRateLimitOver',
                target: 'verifyingRecoveryCode',
              },
            },
          },
        },
      },

      signedIn: {
        initial: 'idle',
        on: sessionEnds,
        states: {
          // No activity since the last Refresh: only the idle timer is pending.
          idle: {
            after: { idleTimeout: idleSignOut },
            on: {
              activity: [
                { guard: 'isPastIdleDeadline', ...idleSignOut },
                { guard: 'isRefreshDue', target: 'refreshing' },
                { target: 'active' },
              ],
            },
          },
          // Activity seen: one timer, for the next Refresh (or the idle deadline, if sooner).
          active: {
            after: {
              refreshDue: [
                { guard: 'isPastIdleDeadline', ...idleSignOut },
                { target: 'refreshing' },
              ],
            },
            on: { activity: { guard: 'isPastIdleDeadline', ...idleSignOut } },
          },
          refreshing: {
            entry: 'markRefreshSent',
            invoke: {
              id: 'refresh',
              src: 'refresh',
              onDone: {
                target: 'idle',
                actions: [{ type: 'extendSession', params: sentAt }, 'emitSessionRefreshed'],
              },
              onError: [
                {
                  guard: withFailure('isSessionExpired'),
                  target: '#signIn.expired',
                  actions: [withFailure('recordFailure'), expireFor('server')],
                },
                // A network failure: try again at the next interval, the deadline still holds.
                {
                  target: 'active',
                  actions: [withFailure('recordFailure'), withFailure('emitRefreshFailed')],
                },
              ],
            },
          },
        },
      },

      signingOut: {
        tags: 'busy',
        // Best effort either way: DSM ends an idle session by itself.
        invoke: {
          id: 'terminate',
          src: 'terminate',
          onDone: [
            { guard: 'isIdleSignOut', target: 'expired', actions: expireFor('idle') },
            { target: 'signedOut', actions: 'emitSignedOut' },
          ],
          onError: [
            {
              guard: 'isIdleSignOut',
              target: 'expired',
              actions: [withFailure('recordFailure'), expireFor('idle')],
            },
            { target: 'signedOut', actions: [withFailure('recordFailure'), 'emitSignedOut'] },
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
export const signInMachine = /* @__PURE__ */ createSignInMachine();

export type SignInMachine = typeof signInMachine;
