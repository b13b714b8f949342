/** The 2FA-configuration lock: Config2faAuth (unlock), Config2faTerminate (lock), MfaNewChallenge. */
import { formatDsmTime } from '../clock.js';
import { creationOptions } from '../fido2.js';
import { requireFido2Protocol, requireSession, requireUnlocked, requireUser } from '../guards.js';
import { fail, jsonResponse, noContent, readObject, textResponse } from '../http.js';
import { messages } from '../messages.js';
import { type RouteContext, serve } from './context.js';

export function registerConfig2faRoutes({ app, state, fido2 }: RouteContext): void {
  const { options } = state;

  serve(app, 'Config2faAuth', async (c) => {
    const session = requireSession(c, state);
    const user = requireUser(session);
    const body = await readObject(c, '{ password }');
    if (typeof body.password !== 'string' || body.password === '') {
      fail(400, 'password must be a non-empty string.');
    }
    const check = state.checkPassword(user, body.password);
    if (!check.ok) {
      if (check.reason === 'rateLimited') {
        fail(429, messages.rateLimited, { 'retry-after': String(check.retryAfterS) });
      }
      fail(options.wrongPasswordStatus, messages.invalidPassword);
    }
    const lock = state.unlock(session);
    if (!options.sendLockDeadline || lock.locksAt === undefined) return jsonResponse({});
    // Only with sendLockDeadline: a hypothetical DSM that tells the client its deadline.
    return jsonResponse({
      expires_in: Math.ceil((lock.locksAt - state.now()) / 1000),
      expires_at: formatDsmTime(lock.locksAt),
    });
  });

  serve(app, 'Config2faTerminate', (c) => {
    const session = requireSession(c, state);
    requireUser(session);
    const wasUnlocked = state.lock(session);
    if (!wasUnlocked && options.terminateWhenLockedStatus !== 204) {
      return textResponse(
        options.terminateWhenLockedStatus,
        'Two factor configuration is already locked.',
      );
    }
    return noContent();
  });

  serve(app, 'MfaNewChallenge', (c) => {
    const session = requireSession(c, state);
    const user = requireUser(session);
    requireFido2Protocol(c);
    if (options.newChallengeRequiresUnlock) requireUnlocked(state, session);
    const issued = state.issueChallenge();
    session.creationChallenge = issued;
    return jsonResponse(creationOptions(user, issued.challenge, fido2));
  });
}
