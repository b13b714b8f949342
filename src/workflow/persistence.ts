import type {
  LockReason,
  RestoreState,
  TwoFactorConfigContext,
  TwoFactorConfigStateName,
} from '../../machines/twoFactorConfig.types.js';
import { openSnapshot } from '../persistence/openSnapshot.js';
import { readSnapshotKeys, type SnapshotKey, sealSnapshot } from '../persistence/signer.js';
import { InvalidSnapshotError } from './errors.js';

export const SNAPSHOT_FORMAT = 'dsm-2fa-guard/two-factor-config';
export const SNAPSHOT_VERSION = 1;

/**
 * What `persist()` returns: plain JSON with no secret in it, the deadline as wall-clock time.
 * Requests in flight are never stored (an unlock in flight is stored as `locking`). With a
 * `snapshotKey` it carries a `signature` (HMAC-SHA-256); without one, a stored snapshot is
 * trusted exactly as far as its storage is (SECURITY.md, "Persisted snapshots").
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

const isTime = (value: unknown) =>
  value === null || (typeof value === 'number' && value >= 0 && value <= 8.64e15);
/* @__NO_SIDE_EFFECTS__ */
function oneOf(...values: unknown[]) {
  return (value: unknown) => values.includes(value);
}

/**
 * The stored snapshot's fields and what each must hold. Not a zod schema: that would add zod to
 * the browser bundle of `createTwoFactorConfig`. `oneOf` is side-effect free, so a bundle that
 * never restores drops the table.
 */
const FIELDS: Record<string, (value: unknown, data: Record<string, unknown>) => boolean> = {
  format: oneOf(SNAPSHOT_FORMAT),
  version: oneOf(SNAPSHOT_VERSION),
  userId: (value) => typeof value === 'string' && value.length > 0 && value.length <= 256,
  state: oneOf('locked', 'unlocked', 'locking', 'sessionExpired'),
  // Unlocked needs its deadline.
  deadline: (value, data) => isTime(value) && (value !== null || data.state !== 'unlocked'),
  serverLockBy: isTime,
  lockReason: oneOf(null, 'user', 'timeout', 'server', 'dispose', 'session', 'lostAnswer'),
  savedAt: (value) => typeof value === 'number',
  signature: (value) => value === undefined || typeof value === 'string',
};

/** The persisted form of the machine's state, signed with `snapshotKey`'s first key if any. */
export function toPersisted(
  userId: string,
  state: TwoFactorConfigStateName,
  context: TwoFactorConfigContext,
  now: number,
  snapshotKey?: SnapshotKey,
): PersistedTwoFactorConfig {
  // An unlock in flight may have reached DSM: stored as locking, the restore terminates.
  const unlocking = state === 'unlocking';
  const kept = state === 'unlocked' || state === 'locking';
  const snapshot: PersistedTwoFactorConfig = {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    userId,
    state: unlocking ? 'locking' : state,
    deadline: state === 'unlocked' ? context.deadline : null,
    serverLockBy: kept ? context.serverLockBy : unlocking ? now + context.autoLockMs : null,
    lockReason: state === 'locking' ? context.lockReason : unlocking ? 'user' : null,
    savedAt: now,
  };
  return sealSnapshot(SNAPSHOT_FORMAT, snapshot, snapshotKey);
}

/**
 * A stored snapshot (object or JSON text) as the machine's restore input, signed by one of
 * `snapshotKey`'s keys if given. Throws `InvalidSnapshotError` for anything it cannot trust.
 */
export function fromPersisted(
  value: unknown,
  userId: string,
  options: { snapshotKey?: SnapshotKey } = {},
): RestoreState | null {
  const keys = readSnapshotKeys(options.snapshotKey);
  const data = openSnapshot(value, keys, {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    noun: 'snapshot',
  });
  const bad = Object.keys(FIELDS).filter((field) => !FIELDS[field]!(data[field], data));
  if (bad.length > 0) {
    throw new InvalidSnapshotError(
      `The stored snapshot has bad fields: ${bad.join(', ')}.`,
      'malformed',
    );
  }
  const { state, deadline, serverLockBy, lockReason } = data as unknown as PersistedTwoFactorConfig;
  if (data.userId !== userId) {
    throw new InvalidSnapshotError('The stored snapshot belongs to another user.', 'foreign');
  }
  return state === 'locked' ? null : new Restore(state, deadline, serverLockBy, lockReason);
}

/**
 * The restore input, as a class rather than an object literal: in a process that already holds
 * many XState actors with pending timers (their unique timer keys use up V8's shape transitions
 * from `{}`), a literal first built afterwards falls into dictionary mode, about 0.6 KB more for
 * every restored workflow; a class instance keeps its own compact shape.
 */
class Restore implements RestoreState {
  constructor(
    readonly state: RestoreState['state'],
    readonly deadline: number | null,
    readonly serverLockBy: number | null,
    readonly lockReason: RestoreState['lockReason'],
  ) {}
}
