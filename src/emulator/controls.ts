/**
 * The control surface that real DSM does not have, as code: the clock, the server-side lock
 * state, the request log, seeding, faults. The HTTP control surface (routes/control.ts) calls
 * the same functions.
 */
import type { Secret } from '../client/secret.js';
import type { EmulatorClock } from './clock.js';
import { EmulatorOptionsError } from './errors.js';
import type { ActiveFault, Fault, FaultRegistry } from './faults.js';
import type { EmulatorUserInput } from './options.js';
import type { RequestLog, RequestRecord } from './requestLog.js';
import type { ApprovalRecord, EmulatorState, LockState, UserRecord } from './state.js';
import { approvalView } from './views.js';

/** The server's truth about a session's 2FA-configuration lock, for invariant tests. */
export interface SessionLockState extends LockState {
  /** False for an unknown, terminated or idle-expired token (then `unlocked` is false). */
  sessionAlive: boolean;
  /** The id the request log uses for this session. */
  sessionId?: string;
  /** True while the sign-in's second factor is pending. */
  secondFactorPending?: boolean;
}

/** A user as tests see it, with what real DSM never shows: credentials and recovery codes. */
export interface EmulatorUserSnapshot {
  userId: string;
  email: string;
  firstName?: string;
  lastName?: string;
  devices: Array<{
    name: string;
    type: 'Fido2';
    origin: string;
    credentialId: string;
    counter: number;
    format: string;
    transports: string[];
    createdAt: number;
  }>;
  recoveryCodes: Array<{ code: string; used: boolean }>;
  /** The codes that still work. */
  unusedRecoveryCodes: string[];
}

export interface EmulatorAppSnapshot {
  appId: string;
  name: string;
  apiKey: string;
}

/** An approval request to seed. */
export interface ApprovalRequestSeed {
  /** The reviewer (an existing user). */
  reviewerEmail: string;
  /** Default true. */
  requires2fa?: boolean;
  /** Default false. */
  requiresPassword?: boolean;
  operation?: string;
  method?: string;
  description?: string;
  body?: unknown;
  /** The requesting user; default: the first app, or else the reviewer. */
  requesterEmail?: string;
}

/** A bearer token as the client hands it out (`auth.accessToken` is a `Secret`), or plain. */
export type SessionToken = string | Secret;

export interface EmulatorControls {
  /** Emulator time, epoch ms. */
  now(): number;
  /** Moves emulator time forward by `ms`; returns the new time. Timers are not involved. */
  advanceClock(ms: number): number;
  /** Every DSM request so far, oldest first (copies). */
  readonly requests: readonly RequestRecord[];
  clearRequests(): void;
  /**
   * The server-side lock state of the session behind a bearer token (a string or the client's
   * `Secret`). Throws `EmulatorOptionsError` for anything else, rather than answer for no session.
   */
  lockState(token: SessionToken): SessionLockState;
  /**
   * Ends a session as if it had been idle too long. Returns whether it was alive. Takes the
   * token as `lockState` does.
   */
  expireSession(token: SessionToken): boolean;
  addUser(user: EmulatorUserInput): EmulatorUserSnapshot;
  /** All users (snapshots). */
  readonly users: readonly EmulatorUserSnapshot[];
  /** One user by email or id. */
  user(emailOrId: string): EmulatorUserSnapshot | undefined;
  readonly apps: readonly EmulatorAppSnapshot[];
  /** Seeds a pending approval request; returns its id. */
  createApprovalRequest(seed: ApprovalRequestSeed): string;
  /** An approval request as DSM's ApprovalRequest JSON. */
  approvalRequest(requestId: string): ReturnType<typeof approvalView> | undefined;
  /** Injects a fault; returns its id. */
  injectFault(fault: Fault): string;
  removeFault(id: string): boolean;
  clearFaults(): void;
  /** Faults still armed. */
  readonly faults: readonly ActiveFault[];
}

export function userSnapshot(user: UserRecord): EmulatorUserSnapshot {
  return {
    userId: user.userId,
    email: user.email,
    ...(user.firstName !== undefined && { firstName: user.firstName }),
    ...(user.lastName !== undefined && { lastName: user.lastName }),
    devices: user.devices.map((d) => ({
      name: d.name,
      type: d.type,
      origin: d.origin,
      credentialId: d.credentialId,
      counter: d.counter,
      format: d.format,
      transports: [...d.transports],
      createdAt: d.createdAt,
    })),
    recoveryCodes: user.recoveryCodes.map((rc) => ({
      code: rc.code,
      used: rc.usedAt !== undefined,
    })),
    unusedRecoveryCodes: user.recoveryCodes
      .filter((rc) => rc.usedAt === undefined)
      .map((rc) => rc.code),
  };
}

function existingUser(state: EmulatorState, email: string, what: string): UserRecord {
  const user = state.userByEmail(email);
  if (!user) throw new EmulatorOptionsError(`${what}: no user with email ${email}.`);
  return user;
}

/**
 * The token as a string. A `Secret` is recognised by its `reveal()`, not by `instanceof`, so a
 * `Secret` from another copy of this package (a bundle, `dist/` next to `src/`) works too.
 */
function tokenText(token: unknown, control: string): string {
  if (typeof token === 'string') return token;
  if (typeof token === 'object' && token !== null && 'reveal' in token) {
    const reveal = token.reveal;
    if (typeof reveal === 'function') {
      let value: unknown;
      try {
        value = reveal.call(token);
      } catch {
        throw new EmulatorOptionsError(`${control}: the token Secret was cleared.`);
      }
      if (typeof value === 'string') return value;
    }
  }
  const kind = token === null ? 'null' : Array.isArray(token) ? 'an array' : typeof token;
  throw new EmulatorOptionsError(
    `${control} needs the session's bearer token as a string or a Secret, got ${kind}.`,
  );
}

export function createControls(
  state: EmulatorState,
  clock: EmulatorClock,
  log: RequestLog,
  faults: FaultRegistry,
): EmulatorControls {
  return {
    now: () => clock.now(),
    advanceClock: (ms) => clock.advance(ms),
    get requests() {
      return log.records;
    },
    clearRequests: () => log.clear(),
    lockState(token) {
      const session = state.session(tokenText(token, 'lockState'));
      if (!session) return { unlocked: false, sessionAlive: false };
      return {
        ...state.configLock(session),
        sessionAlive: true,
        sessionId: session.id,
        secondFactorPending: session.secondFactor !== undefined,
      };
    },
    expireSession: (token) => state.endSession(tokenText(token, 'expireSession')),
    addUser: (user) => userSnapshot(state.addUser(user)),
    get users() {
      return [...state.users.values()].map(userSnapshot);
    },
    user(emailOrId) {
      const user = state.users.get(emailOrId.toLowerCase()) ?? state.userByEmail(emailOrId);
      return user && userSnapshot(user);
    },
    get apps() {
      return [...state.apps.values()].map((app) => ({ ...app }));
    },
    createApprovalRequest(seed) {
      if (typeof seed !== 'object' || seed === null || typeof seed.reviewerEmail !== 'string') {
        throw new EmulatorOptionsError('createApprovalRequest needs { reviewerEmail }.');
      }
      const reviewer = existingUser(state, seed.reviewerEmail, 'createApprovalRequest');
      const [firstApp] = state.apps.values();
      const requester: ApprovalRecord['requester'] = seed.requesterEmail
        ? { user: existingUser(state, seed.requesterEmail, 'createApprovalRequest').userId }
        : firstApp
          ? { app: firstApp.appId }
          : { user: reviewer.userId };
      return state.createApproval({
        requester,
        reviewers: [
          {
            userId: reviewer.userId,
            requires2fa: seed.requires2fa ?? true,
            requiresPassword: seed.requiresPassword ?? false,
          },
        ],
        operation: seed.operation,
        method: seed.method,
        description: seed.description,
        body: seed.body,
      }).requestId;
    },
    approvalRequest(requestId) {
      const record = state.approval(requestId);
      return record && approvalView(record, state.options.accountId);
    },
    injectFault: (fault) => faults.add(fault),
    removeFault: (id) => faults.remove(id),
    clearFaults: () => faults.clear(),
    get faults() {
      return faults.list();
    },
  };
}
