/**
 * Sample events for paths straight from `signInMachine`, for the generic machine-path tools of
 * `dsm-2fa-guard/testing`: its events, each actor's answers, its timers, and the restores it
 * starts from. `at` names the moment a clock-reading guard sees.
 */
import type { AnyEventObject } from 'xstate';
import type { SignInContext, SignInInput } from '../../machines/signIn.types.js';

export const SIGN_IN_T0 = Date.UTC(2030, 0, 1);
const DAY = 86_400_000;

const redacted = { toJSON: () => '[redacted]' };
const failure = (code: string, extra: object = {}) => ({ code, message: code, ...extra });
const done = (id: string, output?: unknown) => ({
  type: `xstate.done.actor.${id}`,
  ...(output !== undefined && { output }),
});
const error = (id: string, err: unknown) => ({ type: `xstate.error.actor.${id}`, error: err });
const touched = { sentAt: SIGN_IN_T0 };

export const signInInput: SignInInput = {
  refreshIntervalMs: 60_000,
  idleTimeoutMs: 600_000,
  rateLimitFallbackMs: 5_000,
};

type Moment = 'retryAt' | 'refreshDue' | 'idleDeadline';

/** The sample events; `timers` are the machine's own `xstate.after.*` event types. */
export function signInSampleEvents(timers: readonly string[]): AnyEventObject[] {
  return [
    { type: 'signIn', email: 'a@b.c', password: redacted },
    { type: 'signIn', email: 'a@b.c', password: redacted, at: 'retryAt' },
    { type: 'completeWithAssertion', assertion: {} },
    { type: 'completeWithAssertion', assertion: {}, at: 'retryAt' },
    { type: 'completeWithRecoveryCode', code: redacted },
    { type: 'completeWithRecoveryCode', code: redacted, at: 'retryAt' },
    { type: 'activity' },
    { type: 'activity', at: 'refreshDue' },
    { type: 'activity', at: 'idleDeadline' },
    { type: 'signOut' },
    { type: 'dispose' },
    { type: 'sessionRejected' },
    done('authenticate', {
      userId: 'u1',
      sentAt: SIGN_IN_T0,
      idleTimeoutMs: DAY,
      secondFactor: null,
    }),
    done('authenticate', {
      userId: 'u1',
      sentAt: SIGN_IN_T0,
      idleTimeoutMs: DAY,
      secondFactor: { methods: ['fido2', 'recoveryCode'] },
    }),
    error('authenticate', failure('SIGN_IN_FAILED')),
    error('authenticate', failure('RATE_LIMITED', { retryAfterMs: 30_000 })),
    ...['completeFido2Auth', 'recoveryCodeAuth'].flatMap((id) => [
      done(id, touched),
      error(id, failure('SECOND_FACTOR_FAILED')),
      error(id, failure('RATE_LIMITED', { retryAfterMs: 30_000 })),
      error(id, failure('SESSION_EXPIRED')),
    ]),
    done('refresh', touched),
    error('refresh', failure('NETWORK')),
    error('refresh', failure('SESSION_EXPIRED')),
    done('terminate'),
    error('terminate', failure('NETWORK')),
    ...timers.map((type) => ({ type })),
    ...timers.map((type) => ({ type, at: 'idleDeadline' })),
  ];
}

/** The moment a sample event happens at, from the machine's context. */
export function signInTimeOf(context: SignInContext, event: AnyEventObject): number | undefined {
  switch (event.at as Moment | undefined) {
    case 'retryAt':
      return context.retryAt ?? undefined;
    case 'refreshDue':
      return context.lastRefreshAt === null
        ? undefined
        : context.lastRefreshAt + context.refreshIntervalMs;
    case 'idleDeadline':
      return context.idleDeadline ?? undefined;
    default:
      return undefined;
  }
}

/** An answer carrying a send time carries the time the replay has reached. */
export function signInResolveEvent(event: AnyEventObject): AnyEventObject {
  const output = event.output as { sentAt?: number } | undefined;
  return output?.sentAt === undefined
    ? event
    : { ...event, output: { ...output, sentAt: Date.now() } };
}

const session = { userId: 'u1', sessionIdleMs: 600_000, lastRefreshAt: SIGN_IN_T0 };

/** Stored sessions to start from: each takes its restore branch at once. */
export const signInRestores: SignInInput[] = [
  {
    ...signInInput,
    restore: { state: 'signedIn', ...session, method: 'fido2', idleDeadline: SIGN_IN_T0 + 1 },
  },
  {
    ...signInInput,
    restore: { state: 'signedIn', ...session, method: 'fido2', idleDeadline: SIGN_IN_T0 },
  },
  {
    ...signInInput,
    restore: {
      state: 'awaitingSecondFactor',
      ...session,
      idleDeadline: SIGN_IN_T0 + 1,
      secondFactor: { methods: ['recoveryCode'] },
    },
  },
  { ...signInInput, restore: { state: 'expired', reason: 'idle' } },
];
