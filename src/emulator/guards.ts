/**
 * The checks that stand before DSM operations, in DSM's order: a live session, a completed
 * second factor, a user (not an app), and the state of the 2FA-configuration lock.
 */
import { authorization, type EmulatorContext, fail } from './http.js';
import { messages } from './messages.js';
import type { EmulatorState, SessionRecord, UserRecord } from './state.js';

/**
 * The caller's live session, touched (its idle timer starts again). 401 without one; while the
 * sign-in's second factor is pending, only the calls that allow it get through.
 */
export function requireSession(
  c: EmulatorContext,
  state: EmulatorState,
  { allowPendingSecondFactor = false } = {},
): SessionRecord {
  const token = authorization(c, 'Bearer');
  if (!token) fail(401, messages.missingBearer);
  const session = state.session(token);
  if (!session) fail(401, messages.sessionInvalid);
  state.touch(session);
  if (session.secondFactor && !allowPendingSecondFactor) {
    fail(state.options.secondFactorPendingStatus, messages.secondFactorPending);
  }
  return session;
}

/** The session's user; apps have no 2FA configuration and review no approvals. */
export function requireUser(session: SessionRecord): UserRecord {
  if (session.principal.kind !== 'user') fail(403, messages.userSessionRequired);
  return session.principal.user;
}

/** Config operations need the configuration unlocked. */
export function requireUnlocked(state: EmulatorState, session: SessionRecord): void {
  if (!state.configLock(session).unlocked) {
    fail(state.options.configLockedStatus, messages.configLocked);
  }
}

/** Using the FIDO2 device for anything else needs the configuration locked. */
export function requireLocked(state: EmulatorState, session: SessionRecord): void {
  if (state.configLock(session).unlocked) {
    fail(state.options.configUnlockedStatus, messages.configUnlocked);
  }
}

/** `?protocol=fido2`; U2F is deprecated and anything else is a 400. */
export function requireFido2Protocol(c: EmulatorContext): void {
  const protocol = c.req.query('protocol');
  if (protocol === 'u2f') fail(400, messages.u2fDeprecated);
  if (protocol !== 'fido2') fail(400, messages.protocolRequired);
}
