import * as z from 'zod/mini';
import type {
  SecondFactorMethod,
  SessionExpiryReason,
  SignInContext,
  SignInMethod,
  SignInRestore,
  SignInStateName,
} from '../../machines/signIn.types.js';
import { Fido2RequestOptions } from '../client/schemas.js';
import { InvalidSignInSnapshotError } from './errors.js';

export const SIGN_IN_SNAPSHOT_FORMAT = 'dsm-2fa-guard/sign-in';
export const SIGN_IN_SNAPSHOT_VERSION = 1;

/**
 * What `persist()` returns: plain JSON with no secret in it, and no token. The app keeps the
 * bearer token itself (an httpOnly cookie, a server-side session) and hands it back with the
 * snapshot: `createSignIn({ baseUrl, snapshot, token })`.
 *
 * Requests in flight are never stored: a sign-in in flight is stored as `signedOut`, a second
 * factor being verified as `awaitingSecondFactor`, a Refresh as `signedIn`, and a sign-out as
 * `signedOut` (drop the token you stored; DSM ends the session at its idle timeout anyway).
 */
export interface PersistedSignIn {
  format: typeof SIGN_IN_SNAPSHOT_FORMAT;
  version: typeof SIGN_IN_SNAPSHOT_VERSION;
  state: 'signedOut' | 'awaitingSecondFactor' | 'signedIn' | 'expired';
  userId: string | null;
  method: SignInMethod | null;
  sessionIdleMs: number | null;
  idleDeadline: number | null;
  lastRefreshAt: number | null;
  secondFactor: { fido2Options: Fido2RequestOptions | null; methods: SecondFactorMethod[] } | null;
  expiryReason: SessionExpiryReason | null;
  savedAt: number;
}

const time = z.nullable(z.number().check(z.gte(0), z.lte(8.64e15)));

const persistedSchema = z.object({
  format: z.literal(SIGN_IN_SNAPSHOT_FORMAT),
  version: z.literal(SIGN_IN_SNAPSHOT_VERSION),
  state: z.enum(['signedOut', 'awaitingSecondFactor', 'signedIn', 'expired']),
  userId: z.nullable(z.string().check(z.minLength(1), z.maxLength(256))),
  method: z.nullable(z.enum(['password', 'fido2', 'recoveryCode'])),
  sessionIdleMs: z.nullable(z.number().check(z.gt(0), z.lte(8.64e15))),
  idleDeadline: time,
  lastRefreshAt: time,
  secondFactor: z.nullable(
    z.object({
      fido2Options: z.nullable(Fido2RequestOptions),
      methods: z.array(z.enum(['fido2', 'recoveryCode'])),
    }),
  ),
  expiryReason: z.nullable(z.enum(['idle', 'server'])),
  savedAt: z.number(),
});

/** Builds the persisted form from the machine's state. */
export function toPersistedSignIn(
  state: SignInStateName,
  context: SignInContext,
  now: number,
): PersistedSignIn {
  const empty: PersistedSignIn = {
    format: SIGN_IN_SNAPSHOT_FORMAT,
    version: SIGN_IN_SNAPSHOT_VERSION,
    state: 'signedOut',
    userId: null,
    method: null,
    sessionIdleMs: null,
    idleDeadline: null,
    lastRefreshAt: null,
    secondFactor: null,
    expiryReason: null,
    savedAt: now,
  };
  const session = {
    userId: context.userId,
    sessionIdleMs: context.sessionIdleMs,
    idleDeadline: context.idleDeadline,
  };
  switch (state) {
    case 'signedIn':
      return {
        ...empty,
        ...session,
        state,
        method: context.method,
        lastRefreshAt: context.lastRefreshAt,
      };
    case 'awaitingSecondFactor':
      return {
        ...empty,
        ...session,
        state,
        secondFactor: context.secondFactor as PersistedSignIn['secondFactor'],
      };
    case 'expired':
      return { ...empty, state, expiryReason: context.expiryReason };
    default:
      return empty;
  }
}

function parse(value: unknown): PersistedSignIn {
  let data = value;
  if (typeof value === 'string') {
    try {
      data = JSON.parse(value);
    } catch {
      throw new InvalidSignInSnapshotError('The stored sign-in snapshot is not valid JSON.');
    }
  }
  const { format, version } = (data ?? {}) as { format?: unknown; version?: unknown };
  if (
    format === SIGN_IN_SNAPSHOT_FORMAT &&
    typeof version === 'number' &&
    version > SIGN_IN_SNAPSHOT_VERSION
  ) {
    throw new InvalidSignInSnapshotError(
      `The stored sign-in snapshot is version ${version}, newer than this library reads (${SIGN_IN_SNAPSHOT_VERSION}). Upgrade dsm-2fa-guard.`,
    );
  }
  const parsed = persistedSchema.safeParse(data);
  if (!parsed.success) {
    const fields = [
      ...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(root)')),
    ];
    throw new InvalidSignInSnapshotError(
      `The stored snapshot is not a dsm-2fa-guard sign-in snapshot (bad fields: ${fields.join(', ')}).`,
    );
  }
  return parsed.data as PersistedSignIn;
}

function incomplete(state: string): never {
  throw new InvalidSignInSnapshotError(`The stored snapshot is ${state} but misses its session.`);
}

/**
 * Checks a stored snapshot (an object or its JSON text) and turns it into the machine's restore
 * input (`null` for signed out). Throws `InvalidSignInSnapshotError` for anything it cannot trust.
 */
export function fromPersistedSignIn(value: unknown): SignInRestore | null {
  const snapshot = parse(value);
  const { userId, sessionIdleMs, idleDeadline } = snapshot;
  switch (snapshot.state) {
    case 'signedIn': {
      const { method, lastRefreshAt } = snapshot;
      if (!userId || !method || !sessionIdleMs || idleDeadline === null || lastRefreshAt === null)
        incomplete('signed in');
      return { state: 'signedIn', userId, method, sessionIdleMs, idleDeadline, lastRefreshAt };
    }
    case 'awaitingSecondFactor': {
      const { secondFactor } = snapshot;
      if (!userId || !sessionIdleMs || idleDeadline === null || !secondFactor)
        incomplete('awaiting a second factor');
      return { state: 'awaitingSecondFactor', userId, sessionIdleMs, idleDeadline, secondFactor };
    }
    case 'expired':
      return { state: 'expired', reason: snapshot.expiryReason ?? 'server' };
    default:
      return null;
  }
}
