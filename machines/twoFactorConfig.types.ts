/** The two-factor-configuration statechart's context, events and actor types. */

/** Operations DSM accepts only while the 2FA configuration is unlocked. */
export const CONFIG_OPERATIONS = [
  'newDeviceChallenge',
  'addDevice',
  'removeDevice',
  'renameDevice',
  'generateRecoveryCodes',
] as const;

/** Operations that use the 2FA device, which DSM refuses while the configuration is unlocked. */
export const APPROVAL_OPERATIONS = ['approvalChallenge', 'approve', 'deny'] as const;

export type ConfigOperationKind = (typeof CONFIG_OPERATIONS)[number];
export type ApprovalOperationKind = (typeof APPROVAL_OPERATIONS)[number];
export type OperationKind = ConfigOperationKind | ApprovalOperationKind;

/** The top-level states. */
export type TwoFactorConfigStateName =
  | 'locked'
  | 'unlocking'
  | 'unlocked'
  | 'locking'
  | 'sessionExpired';

/**
 * Why the configuration locked: `user` (`lock()`), `timeout`, `server` (DSM said locked, or
 * unlocked where it should not be), `dispose`, `session` (the DSM session ended or changed),
 * `lostAnswer` (an unlock's answer was lost or late: the workflow made sure DSM locked).
 */
export type LockReason = 'user' | 'timeout' | 'server' | 'dispose' | 'session' | 'lostAnswer';

/**
 * Why an operation was refused before any request: a config operation while not unlocked, an
 * approval while unlocked, an expired session, another request in flight (`BUSY`), or an
 * unknown kind.
 */
export type RefusalCode =
  | 'CONFIG_LOCKED'
  | 'CONFIG_UNLOCKED'
  | 'SESSION_EXPIRED'
  | 'BUSY'
  | 'UNKNOWN_OPERATION';

/** A failure as the machine keeps it: serializable, no secret. */
export interface FailureInfo {
  code: string;
  message: string;
}

/** How the machine reads a failed request (from its `code` and DSM's 403 `reason`). */
export type FailureKind =
  | 'sessionExpired'
  | 'configLocked'
  | 'configUnlocked'
  | 'wrongPassword'
  | 'rateLimited'
  /** No answer, a late one, an unreadable one or a 5xx: DSM may have acted anyway. */
  | 'lostAnswer'
  | 'other';

/** A change to the user's authenticators, emitted so the app can notify the user. */
export type AuditEvent =
  | { type: 'deviceAdded'; name: string; at: number }
  | { type: 'deviceRemoved'; name: string; at: number }
  | { type: 'deviceRenamed'; oldName: string; newName: string; at: number }
  | { type: 'recoveryCodesRegenerated'; count: number; at: number };

/** An operation request as it travels in an event, with the operation's arguments. */
export interface OperationRequest {
  kind: OperationKind;
  input?: unknown;
}

/** What a persisted workflow restores to; see `createTwoFactorConfig({ snapshot })`. */
export interface RestoreState {
  state: 'unlocked' | 'locking' | 'sessionExpired';
  deadline: number | null;
  serverLockBy: number | null;
  lockReason: LockReason | null;
}

export interface TwoFactorConfigInput {
  /** DSM's auto-lock window. Default 600 000 ms. */
  autoLockMs?: number;
  /** How much earlier than DSM the client locks. Default 5 000 ms. */
  safetyMarginMs?: number;
  /** How long before the deadline `expiring` is emitted. Default 60 000 ms. */
  expiringWarningMs?: number;
  /** First terminate retry delay, doubled per attempt. Default 500 ms. */
  terminateRetryBaseMs?: number;
  /** Largest terminate retry delay. Default 30 000 ms. */
  terminateRetryMaxMs?: number;
  restore?: RestoreState | null;
}

export interface TwoFactorConfigContext {
  autoLockMs: number;
  safetyMarginMs: number;
  expiringWarningMs: number;
  terminateRetryBaseMs: number;
  terminateRetryMaxMs: number;
  /** Wall-clock ms at which the client locks: unlock sent + autoLockMs − safetyMarginMs. */
  deadline: number | null;
  /** The same deadline on the monotonic clock (this process only; never persisted). */
  monoDeadline: number | null;
  /** Wall-clock ms by which DSM has certainly locked by itself: unlock answered + autoLockMs. */
  serverLockBy: number | null;
  /** The same bound on the monotonic clock (this process only; never persisted). */
  monoServerLockBy: number | null;
  lockReason: LockReason | null;
  terminateAttempts: number;
  currentOperation: { opId: string; kind: OperationKind } | null;
  lastError: FailureInfo | null;
  restore: RestoreState | null;
}

/**
 * Events the machine accepts. `password` is a redacting wrapper (its JSON form is `[redacted]`),
 * never a plain string, so inspection and snapshots cannot show it.
 */
export type TwoFactorConfigEvent =
  | { type: 'unlock'; password: RedactedValue }
  | { type: 'lock' }
  | { type: 'operation'; opId: string; operation: OperationRequest }
  | { type: 'checkDeadline' }
  | { type: 'sessionRenewed' }
  /** The DSM session ended or was replaced: its unlock ended with it. */
  | { type: 'sessionEnded' }
  | { type: 'dispose' };

/** A redacting wrapper: whatever it holds, it serializes to a placeholder. */
export interface RedactedValue {
  toJSON(): string;
}

/** Events the machine emits for the app (`actor.on(type, fn)`). */
export type TwoFactorConfigEmitted =
  | { type: 'unlocked'; deadline: number }
  | { type: 'unlockFailed'; error: unknown; failure: FailureKind }
  | { type: 'expiring'; deadline: number; remainingMs: number }
  | { type: 'locked'; reason: LockReason }
  | { type: 'sessionExpired' }
  /** The result goes to the caller's promise only: server data never travels in events. */
  | { type: 'operationSucceeded'; opId: string; kind: OperationKind }
  | { type: 'operationFailed'; opId: string; kind: OperationKind; error: unknown }
  | { type: 'operationRefused'; opId: string; kind: string; code: RefusalCode }
  | AuditEvent;

/** Unlock actor (Config2faAuth): when it was sent and answered; rejects a late answer. */
export interface UnlockInput {
  password: RedactedValue;
  windowMs: number;
}
export interface UnlockOutput {
  sentAt: number;
  answeredAt: number;
  sentAtMono: number;
  answeredAtMono: number;
}

export interface OperationInput {
  opId: string;
  kind: OperationKind;
  input: unknown;
  /** The deadline when the operation started (null while locked), checked by the guard. */
  deadline: number | null;
}
/** What the machine sees of a finished operation: never its result, only an audit entry. */
export interface OperationOutput {
  audit?: AuditEvent;
}
