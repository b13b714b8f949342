/**
 * Session routes: Authenticate (with the sign-in second factor), CompleteFido2Auth,
 * RecoveryCodeAuth, U2fAuth, Refresh, Terminate.
 */

import { randomBlob } from '../binary.js';
import { requestOptions, verifyAssertion } from '../fido2.js';
import { requireSession, requireUser } from '../guards.js';
import { authorization, fail, jsonResponse, noContent, readJson, readObject } from '../http.js';
import { messages } from '../messages.js';
import type { EmulatorState, SecretCheck, SessionPrincipal, UserRecord } from '../state.js';
import { deviceView } from '../views.js';
import { type RouteContext, serve } from './context.js';

function refuse(check: Exclude<SecretCheck, { ok: true }>, status: number, message: string): never {
  if (check.reason === 'rateLimited') {
    fail(429, messages.rateLimited, { 'retry-after': String(check.retryAfterS) });
  }
  fail(status, message);
}

function signInUser(state: EmulatorState, email: string, password: string): UserRecord {
  const user = state.userByEmail(email);
  if (!user) fail(401, messages.invalidCredentials);
  const check = state.checkPassword(user, password);
  if (!check.ok) refuse(check, 401, messages.invalidCredentials);
  return user;
}

/** Basic email:password, Basic <api key>, or an AuthRequest body with method "password". */
function principalOf(
  state: EmulatorState,
  basic: string | undefined,
  body: unknown,
): SessionPrincipal {
  if (basic) {
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const name = colon >= 0 ? decoded.slice(0, colon) : '';
    // DSM API keys are base64(appId:secret): the part before the colon is a UUID, not an email.
    if (name.includes('@')) {
      return { kind: 'user', user: signInUser(state, name, decoded.slice(colon + 1)) };
    }
    const app = state.appByApiKey(basic);
    if (!app) fail(401, messages.invalidApiKey);
    return { kind: 'app', app };
  }
  if (typeof body === 'object' && body !== null && 'method' in body && body.method === 'password') {
    const { email, password } = body as { email?: unknown; password?: unknown };
    if (typeof email !== 'string' || typeof password !== 'string') {
      fail(400, 'An AuthRequest with method "password" needs email and password strings.');
    }
    return { kind: 'user', user: signInUser(state, email, password) };
  }
  fail(401, messages.missingCredentials);
}

export function registerSessionRoutes({ app, state, fido2 }: RouteContext): void {
  serve(app, 'Authenticate', async (c) => {
    const principal = principalOf(state, authorization(c, 'Basic'), await readJson(c));
    const user = principal.kind === 'user' ? principal.user : undefined;
    // A user with a device must complete the second factor before the token is of any use.
    const secondFactor = user && user.devices.length > 0 ? state.issueChallenge() : undefined;
    const session = state.createSession(principal, secondFactor);
    const assertionOptions =
      user && secondFactor
        ? requestOptions(user.devices, secondFactor.challenge, fido2)
        : undefined;
    return jsonResponse({
      token_type: 'Bearer',
      expires_in: Math.floor(session.idleMs / 1000),
      entity_id: principal.kind === 'user' ? principal.user.userId : principal.app.appId,
      access_token: session.token,
      ...(user &&
        assertionOptions && {
          fido2_assertion_options: assertionOptions,
          allowed_mfa_methods: [
            {
              Fido2: {
                challenge: assertionOptions,
                challenge_token: randomBlob(),
                mfa_devices: user.devices.map(deviceView),
              },
            },
          ],
        }),
    });
  });

  serve(app, 'CompleteFido2Auth', async (c) => {
    const session = requireSession(c, state, { allowPendingSecondFactor: true });
    const user = requireUser(session);
    const body = await readJson(c);
    const pending = session.secondFactor;
    if (!pending) fail(400, messages.noPendingSecondFactor);
    if (!state.isFresh(pending)) fail(400, messages.challengeExpired);
    const result = await verifyAssertion(body, pending.challenge, user.devices, fido2);
    if (!result.ok) fail(state.options.wrongSecondFactorStatus, result.message);
    result.value.device.counter = result.value.newCounter;
    delete session.secondFactor;
    return noContent();
  });

  serve(app, 'RecoveryCodeAuth', async (c) => {
    const session = requireSession(c, state, { allowPendingSecondFactor: true });
    const user = requireUser(session);
    const body = await readObject(c, '{ recovery_code }');
    if (typeof body.recovery_code !== 'string' || body.recovery_code.trim() === '') {
      fail(400, 'recovery_code must be a non-empty string.');
    }
    if (!session.secondFactor) fail(400, messages.noPendingSecondFactor);
    const check = state.useRecoveryCode(user, body.recovery_code);
    if (!check.ok)
      refuse(check, state.options.wrongSecondFactorStatus, messages.invalidRecoveryCode);
    delete session.secondFactor;
    return noContent();
  });

  serve(app, 'U2fAuth', () => fail(400, messages.u2fDeprecated));

  // Refresh and Terminate work while the second factor is pending: keeping a sign-in alive or
  // abandoning it gives nothing away.
  serve(app, 'Refresh', (c) => {
    requireSession(c, state, { allowPendingSecondFactor: true });
    return noContent();
  });

  serve(app, 'Terminate', (c) => {
    const session = requireSession(c, state, { allowPendingSecondFactor: true });
    state.endSession(session.token);
    return noContent();
  });
}
