/**
 * The emulator's server-side truth: users, apps, sessions, the 2FA-configuration lock, recovery
 * codes, approval requests and the wrong-password rate limit.
 *
 * No timers: every expiry (the ten-minute auto-lock, idle sessions, challenges, the rate-limit
 * window) is decided lazily, by comparing a stored instant with the clock when someone looks.
 * `configLock()` is where the emulator decides that a lock has expired.
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { EmulatorClock } from './clock.js';
import { EmulatorOptionsError } from './errors.js';
import type {
  AttestationFormat,
  EmulatorAppInput,
  EmulatorUserInput,
  ResolvedEmulatorOptions,
} from './options.js';
import { generateRecoveryCodes, normalizeRecoveryCode } from './recoveryCodes.js';
import { validateUserInput } from './resolveOptions.js';

export interface DeviceRecord {
  name: string;
  type: 'Fido2';
  /** The WebAuthn origin the device was registered from. */
  origin: string;
  /** base64url credential id. */
  credentialId: string;
  /** COSE public key. */
  publicKey: ReturnType<Uint8Array['slice']>;
  /** Last sign counter seen. */
  counter: number;
  transports: string[];
  format: AttestationFormat;
  createdAt: number;
}

export interface RecoveryCodeRecord {
  code: string;
  usedAt?: number;
}

/** Holds an unlock: a session (lockScope 'session') or a user (lockScope 'user'). */
interface LockHolder {
  unlockedAt?: number;
}

export interface UserRecord extends LockHolder {
  userId: string;
  email: string;
  password: string;
  firstName?: string;
  lastName?: string;
  description?: string;
  createdAt: number;
  lastLoggedInAt?: number;
  devices: DeviceRecord[];
  recoveryCodes: RecoveryCodeRecord[];
  /** Instants of recent wrong passwords / recovery codes, for the rate limit. */
  failedAttempts: number[];
}

export interface AppRecord {
  appId: string;
  name: string;
  apiKey: string;
}

export type SessionPrincipal = { kind: 'user'; user: UserRecord } | { kind: 'app'; app: AppRecord };

export interface IssuedChallenge {
  challenge: string;
  issuedAt: number;
}

export interface SessionRecord extends LockHolder {
  /** An id for logs and tests; never the token. */
  id: string;
  token: string;
  principal: SessionPrincipal;
  createdAt: number;
  lastUsedAt: number;
  idleMs: number;
  /** Set while the sign-in waits for its second factor: the assertion challenge. */
  secondFactor?: IssuedChallenge;
  /** The last creation challenge (MfaNewChallenge) of this session. */
  creationChallenge?: IssuedChallenge;
  /** The last assertion challenge (MfaChallenge) per approval request. */
  approvalChallenges: Map<string, IssuedChallenge>;
}

export interface LockState {
  unlocked: boolean;
  unlockedAt?: number;
  locksAt?: number;
}

export type ApprovalStatus = 'PENDING' | 'APPROVED' | 'DENIED' | 'FAILED';

export interface ReviewerRecord {
  userId: string;
  requires2fa: boolean;
  requiresPassword: boolean;
}

export interface ApprovalRecord {
  requestId: string;
  requester: { user: string } | { app: string };
  operation: string;
  method: string;
  description?: string;
  body?: unknown;
  createdAt: number;
  expiresAt: number;
  reviewers: ReviewerRecord[];
  status: ApprovalStatus;
  approvers: string[];
  denier?: string;
  denialReason?: string;
}

export type SecretCheck =
  | { ok: true }
  | { ok: false; reason: 'wrong' }
  | { ok: false; reason: 'rateLimited'; retryAfterS: number };

/** A fresh random value: 32 bytes, base64url. Tokens, challenges, API key secrets. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Compares two secrets in constant time (for equal lengths). */
export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export class EmulatorState {
  readonly users = new Map<string, UserRecord>();
  readonly apps = new Map<string, AppRecord>();
  readonly sessions = new Map<string, SessionRecord>();
  readonly approvals = new Map<string, ApprovalRecord>();

  constructor(
    readonly options: ResolvedEmulatorOptions,
    readonly clock: EmulatorClock,
  ) {
    for (const user of options.users) this.addUser(user);
    for (const app of options.apps) this.addApp(app);
  }

  now(): number {
    return this.clock.now();
  }

  // Users and apps

  addUser(input: EmulatorUserInput): UserRecord {
    validateUserInput(input, 'user');
    if (this.userByEmail(input.email)) {
      throw new EmulatorOptionsError(`a user with email ${input.email} already exists.`);
    }
    const userId = (input.userId ?? randomUUID()).toLowerCase();
    if (this.users.has(userId)) throw new EmulatorOptionsError(`user id ${userId} is taken.`);
    const user: UserRecord = {
      userId,
      email: input.email,
      password: input.password,
      createdAt: this.now(),
      devices: [],
      recoveryCodes: (input.recoveryCodes ?? []).map((code) => ({ code })),
      failedAttempts: [],
      ...(input.firstName !== undefined && { firstName: input.firstName }),
      ...(input.lastName !== undefined && { lastName: input.lastName }),
    };
    this.users.set(userId, user);
    return user;
  }

  addApp(input: EmulatorAppInput): AppRecord {
    const appId = (input.appId ?? randomUUID()).toLowerCase();
    const apiKey = input.apiKey ?? Buffer.from(`${appId}:${randomToken()}`).toString('base64');
    const app: AppRecord = { appId, name: input.name ?? `app-${appId.slice(0, 8)}`, apiKey };
    this.apps.set(appId, app);
    return app;
  }

  userByEmail(email: string): UserRecord | undefined {
    const wanted = email.toLowerCase();
    for (const user of this.users.values()) if (user.email.toLowerCase() === wanted) return user;
    return undefined;
  }

  appByApiKey(apiKey: string): AppRecord | undefined {
    for (const app of this.apps.values()) if (sameSecret(app.apiKey, apiKey)) return app;
    return undefined;
  }

  // Wrong-password rate limit (per user, sliding window)

  /** Seconds until the next attempt is allowed, or undefined when not limited. */
  private retryAfterS(user: UserRecord): number | undefined {
    const limit = this.options.rateLimit;
    if (limit === false) return undefined;
    const now = this.now();
    user.failedAttempts = user.failedAttempts.filter((at) => now - at < limit.windowMs);
    if (user.failedAttempts.length < limit.maxAttempts) return undefined;
    const oldest = user.failedAttempts[0] ?? now;
    return Math.max(1, Math.ceil((oldest + limit.windowMs - now) / 1000));
  }

  private judge(user: UserRecord, correct: boolean): SecretCheck {
    if (correct) {
      user.failedAttempts = [];
      return { ok: true };
    }
    user.failedAttempts.push(this.now());
    return { ok: false, reason: 'wrong' };
  }

  /** Checks a password against the rate limit first: a limited user gets 429 whatever it sends. */
  checkPassword(user: UserRecord, candidate: string): SecretCheck {
    const retryAfterS = this.retryAfterS(user);
    if (retryAfterS !== undefined) return { ok: false, reason: 'rateLimited', retryAfterS };
    return this.judge(user, sameSecret(user.password, candidate));
  }

  /** Uses a recovery code once; wrong codes count against the same limit as passwords. */
  useRecoveryCode(user: UserRecord, candidate: string): SecretCheck {
    const retryAfterS = this.retryAfterS(user);
    if (retryAfterS !== undefined) return { ok: false, reason: 'rateLimited', retryAfterS };
    const wanted = normalizeRecoveryCode(candidate);
    const match = user.recoveryCodes.find(
      (rc) => rc.usedAt === undefined && sameSecret(normalizeRecoveryCode(rc.code), wanted),
    );
    if (match) match.usedAt = this.now();
    return this.judge(user, match !== undefined);
  }

  /** Replaces all of the user's recovery codes with fresh ones. */
  regenerateRecoveryCodes(user: UserRecord): string[] {
    const codes = generateRecoveryCodes(this.options.recoveryCodeCount);
    user.recoveryCodes = codes.map((code) => ({ code }));
    return codes;
  }

  // Sessions

  createSession(principal: SessionPrincipal, secondFactor?: IssuedChallenge): SessionRecord {
    const now = this.now();
    const session: SessionRecord = {
      id: randomUUID(),
      token: randomToken(),
      principal,
      createdAt: now,
      lastUsedAt: now,
      idleMs:
        principal.kind === 'user' ? this.options.sessionIdleMs : this.options.appSessionIdleMs,
      approvalChallenges: new Map(),
      ...(secondFactor && { secondFactor }),
    };
    if (principal.kind === 'user') principal.user.lastLoggedInAt = now;
    this.sessions.set(session.token, session);
    return session;
  }

  /** The live session for a token, or undefined (unknown, terminated or idle too long). */
  session(token: string): SessionRecord | undefined {
    const session = this.sessions.get(token);
    if (!session) return undefined;
    if (this.now() - session.lastUsedAt >= session.idleMs) {
      this.sessions.delete(token);
      return undefined;
    }
    return session;
  }

  /** Records activity: the idle timer starts again. */
  touch(session: SessionRecord): void {
    session.lastUsedAt = this.now();
  }

  /** Terminate: the token stops working (and a per-session unlock goes with it). */
  endSession(token: string): boolean {
    return this.sessions.delete(token);
  }

  // The 2FA-configuration lock

  private lockHolder(session: SessionRecord): LockHolder {
    if (this.options.lockScope === 'user' && session.principal.kind === 'user') {
      return session.principal.user;
    }
    return session;
  }

  /**
   * The server's lock state for a session. The unlock lasts `autoLockMs` from the successful
   * Config2faAuth: unlocked while `now < unlockedAt + autoLockMs`, locked from that instant on.
   */
  configLock(session: SessionRecord): LockState {
    const holder = this.lockHolder(session);
    if (holder.unlockedAt === undefined) return { unlocked: false };
    const locksAt = holder.unlockedAt + this.options.autoLockMs;
    if (this.now() >= locksAt) {
      delete holder.unlockedAt;
      return { unlocked: false };
    }
    return { unlocked: true, unlockedAt: holder.unlockedAt, locksAt };
  }

  /** Unlocks after a correct password; a second unlock restarts the window unless configured not to. */
  unlock(session: SessionRecord): LockState {
    const holder = this.lockHolder(session);
    const current = this.configLock(session);
    if (!current.unlocked || this.options.reunlockRestartsWindow) holder.unlockedAt = this.now();
    return this.configLock(session);
  }

  /** Locks; returns whether it was unlocked. */
  lock(session: SessionRecord): boolean {
    const wasUnlocked = this.configLock(session).unlocked;
    delete this.lockHolder(session).unlockedAt;
    return wasUnlocked;
  }

  // Challenges

  issueChallenge(): IssuedChallenge {
    return { challenge: randomToken(), issuedAt: this.now() };
  }

  isFresh(issued: IssuedChallenge): boolean {
    return this.now() - issued.issuedAt < this.options.challengeTtlMs;
  }

  // Approval requests

  createApproval(input: {
    requester: ApprovalRecord['requester'];
    reviewers: ReviewerRecord[];
    operation?: string | null;
    method?: string | null;
    description?: string | null;
    body?: unknown;
  }): ApprovalRecord {
    const now = this.now();
    const record: ApprovalRecord = {
      requestId: randomUUID(),
      requester: input.requester,
      operation: input.operation ?? '/crypto/v1/keys/export',
      method: input.method ?? 'POST',
      createdAt: now,
      expiresAt: now + this.options.approvalExpiryMs,
      reviewers: input.reviewers,
      status: 'PENDING',
      approvers: [],
      ...(typeof input.description === 'string' && { description: input.description }),
      ...(input.body !== undefined && { body: input.body }),
    };
    this.approvals.set(record.requestId, record);
    return record;
  }

  approval(requestId: string): ApprovalRecord | undefined {
    return this.approvals.get(requestId.toLowerCase());
  }
}
