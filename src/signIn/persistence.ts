import * as z from 'zod/mini';
import type {
  SecondFactorMethod,
  SessionExpiryReason,
  SignInContext,
  SignInMethod,
  SignInRestore,
  SignInStateName,
} from '../../machines/signIn.types.js';
import { badFields, openSnapshot, type SnapshotExpectation } from '../persistence/openSnapshot.js';
import {
  readSnapshotKeys,
  type SnapshotKeyRing,
  type SnapshotKeys,
  sealSnapshot,
} from '../persistence/signer.js';
import { InvalidInputError, InvalidSnapshotError } from '../workflow/errors.js';

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
 *
 * With a `snapshotKey`, it carries a `signature` (HMAC-SHA-256 of the other fields) that a
 * restore with the same key checks, so a snapshot edited from `awaitingSecondFactor` to
 * `signedIn` is refused. Without one, a stored snapshot is trusted exactly as far as its
 * storage is (see SECURITY.md, "Persisted snapshots: the trust model").
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
  /** The methods a pending sign-in allows. DSM's FIDO2 challenge is server data: not stored. */
  secondFactor: { methods: SecondFactorMethod[] } | null;
  expiryReason: SessionExpiryReason | null;
  savedAt: number;
  /** Present when `persist()` had a `snapshotKey`: unpadded base64url of the HMAC. */
  signature?: string;
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
  secondFactor: z.nullable(z.object({ methods: z.array(z.enum(['fido2', 'recoveryCode'])) })),
  expiryReason: z.nullable(z.enum(['idle', 'server'])),
  savedAt: z.number(),
  signature: z.optional(z.string()),
});

const expectation: SnapshotExpectation = {
  format: SIGN_IN_SNAPSHOT_FORMAT,
  version: SIGN_IN_SNAPSHOT_VERSION,
  noun: 'sign-in snapshot',
  refuse: (message, reason) => new InvalidSnapshotError(message, reason),
};

/** Checks `snapshotKey` (throws `InvalidInputError`, whose message never holds the key). */
export function readSignInSnapshotKeys(snapshotKey: unknown): SnapshotKeyRing {
  return readSnapshotKeys(snapshotKey, (message) => new InvalidInputError(message));
}

/**
 * Builds the persisted form from the machine's state, signed when a `snapshotKey` is given
 * (with its first key). Throws `InvalidInputError` for a bad key.
 */
export function toPersistedSignIn(
  state: SignInStateName,
  context: SignInContext,
  now: number,
  snapshotKey?: SnapshotKeys,
): PersistedSignIn {
  return sealSnapshot(
    SIGN_IN_SNAPSHOT_FORMAT,
    unsignedSnapshot(state, context, now),
    readSignInSnapshotKeys(snapshotKey),
  );
}

/** What is kept of each state: a request in flight is stored as where it started from. */
function unsignedSnapshot(
  state: SignInStateName,
  context: SignInContext,
  now: number,
): PersistedSignIn {
  const signedIn = state === 'signedIn';
  const session = signedIn || state === 'awaitingSecondFactor';
  return {
    format: SIGN_IN_SNAPSHOT_FORMAT,
    version: SIGN_IN_SNAPSHOT_VERSION,
    state: session || state === 'expired' ? state : 'signedOut',
    userId: session ? context.userId : null,
    method: signedIn ? context.method : null,
    sessionIdleMs: session ? context.sessionIdleMs : null,
    idleDeadline: session ? context.idleDeadline : null,
    lastRefreshAt: signedIn ? context.lastRefreshAt : null,
    secondFactor: session && !signedIn ? context.secondFactor : null,
    expiryReason: state === 'expired' ? context.expiryReason : null,
    savedAt: now,
  };
}

function parse(value: unknown, keys: SnapshotKeyRing): PersistedSignIn {
  const parsed = persistedSchema.safeParse(openSnapshot(value, keys, expectation));
  if (!parsed.success) {
    throw new InvalidSnapshotError(
      `The stored snapshot is not a dsm-2fa-guard sign-in snapshot (bad fields: ${badFields(parsed.error.issues)}).`,
      'malformed',
    );
  }
  return parsed.data as PersistedSignIn;
}

function incomplete(state: string): never {
  throw new InvalidSnapshotError(
    `The stored snapshot is ${state} but misses its session.`,
    'malformed',
  );
}

/**
 * The controller's restore step: checks `snapshotKey` even when there is no snapshot (a bad
 * key fails at creation, not at the first `persist()`), then the snapshot, if any.
 */
export function signInRestoreFromOptions(options: {
  snapshot?: PersistedSignIn | string;
  snapshotKey?: SnapshotKeys;
}): SignInRestore | null {
  const keys = readSignInSnapshotKeys(options.snapshotKey);
  return options.snapshot === undefined ? null : restoreInput(options.snapshot, keys);
}

/**
 * Checks a stored snapshot (an object or its JSON text) and turns it into the machine's restore
 * input (`null` for signed out). With a `snapshotKey`, the snapshot must carry a signature by
 * one of its keys. Throws `InvalidSnapshotError` (see its `reason`) for anything it
 * cannot trust, and `InvalidInputError` for a bad key.
 */
export function fromPersistedSignIn(
  value: unknown,
  options: { snapshotKey?: SnapshotKeys } = {},
): SignInRestore | null {
  return restoreInput(value, readSignInSnapshotKeys(options.snapshotKey));
}

function restoreInput(value: unknown, keys: SnapshotKeyRing): SignInRestore | null {
  const snapshot = parse(value, keys);
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
