import * as z from 'zod/mini';
import type { SignInContext, SignInRestore, SignInStateName } from '../../machines/signIn.types.js';
import { openSnapshot } from '../persistence/openSnapshot.js';
import { readSnapshotKeys, type SnapshotKey, sealSnapshot } from '../persistence/signer.js';
import { InvalidSnapshotError } from '../workflow/errors.js';

export const SIGN_IN_SNAPSHOT_FORMAT = 'dsm-2fa-guard/sign-in';
export const SIGN_IN_SNAPSHOT_VERSION = 1;

const time = z.number().check(z.gte(0), z.lte(8.64e15));
const session = {
  userId: z.string().check(z.minLength(1), z.maxLength(256)),
  sessionIdleMs: z.number().check(z.gt(0), z.lte(8.64e15)),
  idleDeadline: time,
};
const method = z.enum(['password', 'fido2', 'recoveryCode']);
/** The methods a pending sign-in allows. DSM's FIDO2 challenge is server data: not stored. */
const secondFactor = z.object({ methods: z.array(z.enum(['fido2', 'recoveryCode'])) });

const persistedSchema = z.object({
  format: z.literal(SIGN_IN_SNAPSHOT_FORMAT),
  version: z.literal(SIGN_IN_SNAPSHOT_VERSION),
  state: z.enum(['signedOut', 'awaitingSecondFactor', 'signedIn', 'expired']),
  userId: z.nullable(session.userId),
  method: z.nullable(method),
  sessionIdleMs: z.nullable(session.sessionIdleMs),
  idleDeadline: z.nullable(time),
  lastRefreshAt: z.nullable(time),
  secondFactor: z.nullable(secondFactor),
  expiryReason: z.nullable(z.enum(['idle', 'server'])),
  savedAt: z.number(),
  /** Present when `persist()` had a `snapshotKey`: unpadded base64url of the HMAC. */
  signature: z.optional(z.string()),
});

/** What each state restores from: a session's state needs its session (objects strip the rest). */
const restoreSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('signedIn'), ...session, method, lastRefreshAt: time }),
  z.object({ state: z.literal('awaitingSecondFactor'), ...session, secondFactor }),
  z.object({ state: z.literal('expired') }),
  z.object({ state: z.literal('signedOut') }),
]);

/**
 * What `persist()` returns: plain JSON with no secret and no token (the app keeps the token and
 * hands it back: `createSignIn({ baseUrl, snapshot, token })`). A request in flight is stored
 * as the state it started from (a sign-out as `signedOut`: drop the token you stored; DSM ends
 * the session at its idle timeout anyway). With a `snapshotKey` it carries a `signature`, so a
 * snapshot edited from `awaitingSecondFactor` to `signedIn` is refused; without one, a stored
 * snapshot is trusted as far as its storage is (SECURITY.md).
 */
export type PersistedSignIn = z.output<typeof persistedSchema>;

/** The persisted form of the machine's state, signed with `snapshotKey`'s first key if any. */
export function toPersistedSignIn(
  state: SignInStateName,
  context: SignInContext,
  now: number,
  snapshotKey?: SnapshotKey,
): PersistedSignIn {
  const signedIn = state === 'signedIn';
  const session = signedIn || state === 'awaitingSecondFactor';
  const snapshot: PersistedSignIn = {
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
  return sealSnapshot(SIGN_IN_SNAPSHOT_FORMAT, snapshot, snapshotKey);
}

/** The data, or a refusal naming the top-level fields at fault (never a value read). */
function check<T>(schema: z.ZodMiniType<T>, data: unknown): T {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const fields = new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? '(root)')));
  throw new InvalidSnapshotError(
    `The stored snapshot is not a dsm-2fa-guard sign-in snapshot (bad fields: ${[...fields].join(', ')}).`,
    'malformed',
  );
}

/**
 * A stored snapshot (object or JSON text) as the machine's restore input (`null`: signed out),
 * signed by one of `snapshotKey`'s keys if given. Throws `InvalidSnapshotError` if untrusted.
 */
export function fromPersistedSignIn(
  value: unknown,
  options: { snapshotKey?: SnapshotKey } = {},
): SignInRestore | null {
  const data = openSnapshot(value, readSnapshotKeys(options.snapshotKey), {
    format: SIGN_IN_SNAPSHOT_FORMAT,
    version: SIGN_IN_SNAPSHOT_VERSION,
    noun: 'sign-in snapshot',
  });
  const { expiryReason } = check(persistedSchema, data);
  const restore = check(restoreSchema, data);
  if (restore.state === 'expired') return { state: 'expired', reason: expiryReason ?? 'server' };
  return restore.state === 'signedOut' ? null : restore;
}
