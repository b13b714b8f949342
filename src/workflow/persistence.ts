import * as z from 'zod/mini';
import type {
  LockReason,
  RestoreState,
  TwoFactorConfigContext,
  TwoFactorConfigStateName,
} from '../../machines/twoFactorConfig.types.js';
import { badFields, openSnapshot, type SnapshotExpectation } from '../persistence/openSnapshot.js';
import {
  readSnapshotKeys,
  type SnapshotKeyRing,
  type SnapshotKeys,
  sealSnapshot,
} from '../persistence/signer.js';
import { InvalidInputError, InvalidSnapshotError } from './errors.js';

export const SNAPSHOT_FORMAT = 'dsm-2fa-guard/two-factor-config';
export const SNAPSHOT_VERSION = 1;

/**
 * What `persist()` returns: plain JSON with no secret in it. It keeps the deadline as
 * wall-clock time, so a restore re-arms the auto-lock from it; requests in flight are never
 * stored (an unlock in flight is stored as `locking`, so the restore terminates to be certain).
 *
 * With a `snapshotKey`, it carries a `signature` (HMAC-SHA-256 of the other fields) that a
 * restore with the same key checks. Without one, a stored snapshot is trusted exactly as far
 * as its storage is (see SECURITY.md, "Persisted snapshots: the trust model").
 */
export interface PersistedTwoFactorConfig {
  format: typeof SNAPSHOT_FORMAT;
  version: typeof SNAPSHOT_VERSION;
  userId: string;
  state: 'locked' | 'unlocked' | 'locking' | 'sessionExpired';
  deadline: number | null;
  serverLockBy: number | null;
  lockReason: LockReason | null;
  savedAt: number;
  /** Present when `persist()` had a `snapshotKey`: unpadded base64url of the HMAC. */
  signature?: string;
}

const finiteTime = z.nullable(z.number().check(z.gte(0), z.lte(8.64e15)));

const persistedSchema = z.object({
  format: z.literal(SNAPSHOT_FORMAT),
  version: z.literal(SNAPSHOT_VERSION),
  userId: z.string().check(z.minLength(1), z.maxLength(256)),
  state: z.enum(['locked', 'unlocked', 'locking', 'sessionExpired']),
  deadline: finiteTime,
  serverLockBy: finiteTime,
  lockReason: z.nullable(z.enum(['user', 'timeout', 'server', 'dispose', 'session', 'lostAnswer'])),
  savedAt: z.number(),
  signature: z.optional(z.string()),
});

const expectation: SnapshotExpectation = {
  format: SNAPSHOT_FORMAT,
  version: SNAPSHOT_VERSION,
  noun: 'snapshot',
  refuse: (message, reason) => new InvalidSnapshotError(message, reason),
};

/** Checks `snapshotKey` (throws `InvalidInputError`, whose message never holds the key). */
export function readWorkflowSnapshotKeys(snapshotKey: unknown): SnapshotKeyRing {
  return readSnapshotKeys(snapshotKey, (message) => new InvalidInputError(message));
}

/**
 * Builds the persisted form from the machine's state, signed when a `snapshotKey` is given
 * (with its first key). Throws `InvalidInputError` for a bad key.
 */
export function toPersisted(
  userId: string,
  state: TwoFactorConfigStateName,
  context: TwoFactorConfigContext,
  now: number,
  snapshotKey?: SnapshotKeys,
): PersistedTwoFactorConfig {
  return sealSnapshot(
    SNAPSHOT_FORMAT,
    unsignedSnapshot(userId, state, context, now),
    readWorkflowSnapshotKeys(snapshotKey),
  );
}

function unsignedSnapshot(
  userId: string,
  state: TwoFactorConfigStateName,
  context: TwoFactorConfigContext,
  now: number,
): PersistedTwoFactorConfig {
  const base = {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    userId,
    savedAt: now,
  } as const;
  switch (state) {
    case 'unlocked':
      return {
        ...base,
        state,
        deadline: context.deadline,
        serverLockBy: context.serverLockBy,
        lockReason: null,
      };
    case 'unlocking':
      // The unlock may have reached DSM: restore by terminating, never by re-sending it.
      return {
        ...base,
        state: 'locking',
        deadline: null,
        serverLockBy: now + context.autoLockMs,
        lockReason: 'user',
      };
    case 'locking':
      return {
        ...base,
        state,
        deadline: null,
        serverLockBy: context.serverLockBy,
        lockReason: context.lockReason,
      };
    default:
      return { ...base, state, deadline: null, serverLockBy: null, lockReason: null };
  }
}

/**
 * The controller's restore step: checks `snapshotKey` even when there is no snapshot (a bad
 * key fails at creation, not at the first `persist()`), then the snapshot, if any.
 */
export function restoreFromOptions(
  options: { snapshot?: PersistedTwoFactorConfig | string; snapshotKey?: SnapshotKeys },
  userId: string,
): RestoreState | null {
  const keys = readWorkflowSnapshotKeys(options.snapshotKey);
  return options.snapshot === undefined ? null : restoreInput(options.snapshot, userId, keys);
}

/**
 * Checks a stored snapshot (an object or its JSON text) and turns it into the machine's
 * restore input. With a `snapshotKey`, the snapshot must carry a signature by one of its keys.
 * Throws `InvalidSnapshotError` (see its `reason`) for anything it cannot trust, and
 * `InvalidInputError` for a bad key.
 */
export function fromPersisted(
  value: unknown,
  userId: string,
  options: { snapshotKey?: SnapshotKeys } = {},
): RestoreState | null {
  return restoreInput(value, userId, readWorkflowSnapshotKeys(options.snapshotKey));
}

function restoreInput(value: unknown, userId: string, keys: SnapshotKeyRing): RestoreState | null {
  const parsed = persistedSchema.safeParse(openSnapshot(value, keys, expectation));
  if (!parsed.success) {
    throw new InvalidSnapshotError(
      `The stored snapshot is not a dsm-2fa-guard snapshot (bad fields: ${badFields(parsed.error.issues)}).`,
      'malformed',
    );
  }
  const snapshot = parsed.data;
  if (snapshot.userId !== userId) {
    throw new InvalidSnapshotError('The stored snapshot belongs to another user.', 'foreign');
  }
  if (snapshot.state === 'unlocked' && snapshot.deadline === null) {
    throw new InvalidSnapshotError(
      'The stored snapshot is unlocked but has no deadline.',
      'malformed',
    );
  }
  if (snapshot.state === 'locked') return null;
  return {
    state: snapshot.state,
    deadline: snapshot.deadline,
    serverLockBy: snapshot.serverLockBy,
    lockReason: snapshot.lockReason,
  };
}
