import * as z from 'zod/mini';
import type {
  LockReason,
  RestoreState,
  TwoFactorConfigContext,
  TwoFactorConfigStateName,
} from '../../machines/twoFactorConfig.types.js';
import { InvalidSnapshotError } from './errors.js';

export const SNAPSHOT_FORMAT = 'dsm-2fa-guard/two-factor-config';
export const SNAPSHOT_VERSION = 1;

/**
 * What `persist()` returns: plain JSON with no secret in it. It keeps the deadline as
 * wall-clock time, so a restore re-arms the auto-lock from it; requests in flight are never
 * stored (an unlock in flight is stored as `locking`, so the restore terminates to be certain).
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
}

const finiteTime = z.nullable(z.number().check(z.gte(0), z.lte(8.64e15)));

const persistedSchema = z.object({
  format: z.literal(SNAPSHOT_FORMAT),
  version: z.literal(SNAPSHOT_VERSION),
  userId: z.string().check(z.minLength(1), z.maxLength(256)),
  state: z.enum(['locked', 'unlocked', 'locking', 'sessionExpired']),
  deadline: finiteTime,
  serverLockBy: finiteTime,
  lockReason: z.nullable(z.enum(['user', 'timeout', 'server', 'dispose'])),
  savedAt: z.number(),
});

/** Builds the persisted form from the machine's state. */
export function toPersisted(
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
 * Checks a stored snapshot (an object or its JSON text) and turns it into the machine's
 * restore input. Throws `InvalidSnapshotError` for anything it cannot trust.
 */
export function fromPersisted(value: unknown, userId: string): RestoreState | null {
  let data = value;
  if (typeof value === 'string') {
    try {
      data = JSON.parse(value);
    } catch {
      throw new InvalidSnapshotError('The stored snapshot is not valid JSON.');
    }
  }
  if (typeof data === 'object' && data !== null) {
    const { format, version } = data as { format?: unknown; version?: unknown };
    if (format === SNAPSHOT_FORMAT && typeof version === 'number' && version > SNAPSHOT_VERSION) {
      throw new InvalidSnapshotError(
        `The stored snapshot is version ${version}, newer than this library reads (${SNAPSHOT_VERSION}). Upgrade dsm-2fa-guard.`,
      );
    }
  }
  const parsed = persistedSchema.safeParse(data);
  if (!parsed.success) {
    const fields = [
      ...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(root)')),
    ];
    throw new InvalidSnapshotError(
      `The stored snapshot is not a dsm-2fa-guard snapshot (bad fields: ${fields.join(', ')}).`,
    );
  }
  const snapshot = parsed.data;
  if (snapshot.userId !== userId) {
    throw new InvalidSnapshotError('The stored snapshot belongs to another user.');
  }
  if (snapshot.state === 'unlocked' && snapshot.deadline === null) {
    throw new InvalidSnapshotError('The stored snapshot is unlocked but has no deadline.');
  }
  if (snapshot.state === 'locked') return null;
  return {
    state: snapshot.state,
    deadline: snapshot.deadline,
    serverLockBy: snapshot.serverLockBy,
    lockReason: snapshot.lockReason,
  };
}
