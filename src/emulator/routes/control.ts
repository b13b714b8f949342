/**
 * The HTTP control surface under `/__emulator/` (not part of DSM): the same actions as
 * `EmulatorControls`, for tests and demos in other processes. Every request carries the
 * emulator's token in `X-Emulator-Token`, and every one but GET and HEAD says
 * `Content-Type: application/json` (controlGuard.ts). A session is named by its bearer token in
 * the Authorization header, as DSM calls do. Answers are JSON; errors are plain text. The request
 * log does not record these calls and faults never hit them.
 */
import type { Hono } from 'hono';
import type { EmulatorControls } from '../controls.js';
import {
  authorization,
  type EmulatorContext,
  type EmulatorEnv,
  fail,
  jsonResponse,
  noContent,
  readObject,
} from '../http.js';
import type { EmulatorUserInput } from '../options.js';
import { CONTROL_PREFIX } from '../requestLog.js';

function bearer(c: EmulatorContext): string {
  const token = authorization(c, 'Bearer');
  if (!token) fail(400, 'Name the session with Authorization: Bearer <access_token>.');
  return token;
}

/** Users over HTTP: no password, no recovery codes (tests in-process can read those). */
function publicUser(user: EmulatorControls['users'][number]) {
  const { recoveryCodes, unusedRecoveryCodes, ...rest } = user;
  return { ...rest, unusedRecoveryCodeCount: unusedRecoveryCodes.length };
}

export function registerControlRoutes(app: Hono<EmulatorEnv>, controls: EmulatorControls): void {
  const control = app.basePath(CONTROL_PREFIX);

  const index = () =>
    jsonResponse({
      emulator: 'dsm-2fa-guard',
      now: controls.now(),
      headers: 'X-Emulator-Token on every request; Content-Type: application/json on all but GET',
      endpoints: [
        'GET /__emulator/clock',
        'POST /__emulator/clock/advance {ms}',
        'GET /__emulator/lock-state (Authorization: Bearer)',
        'POST /__emulator/sessions/expire (Authorization: Bearer)',
        'GET /__emulator/requests',
        'DELETE /__emulator/requests',
        'GET /__emulator/users',
        'POST /__emulator/users {email, password, ...}',
        'POST /__emulator/approval-requests {reviewerEmail, ...}',
        'GET /__emulator/faults',
        'POST /__emulator/faults {kind, match?, times?, ...}',
        'DELETE /__emulator/faults',
        'DELETE /__emulator/faults/:id',
      ],
    });
  control.get('/', index);
  app.get(`${CONTROL_PREFIX}/`, index);

  control.get('/clock', () => jsonResponse({ now: controls.now() }));

  control.post('/clock/advance', async (c) => {
    const { ms } = await readObject(c, '{ ms }');
    if (typeof ms !== 'number') fail(400, 'ms must be a number.');
    return jsonResponse({ now: controls.advanceClock(ms) });
  });

  control.get('/lock-state', (c) => jsonResponse(controls.lockState(bearer(c))));

  control.post('/sessions/expire', (c) => {
    controls.expireSession(bearer(c));
    return noContent();
  });

  control.get('/requests', () => jsonResponse({ requests: controls.requests }));

  control.delete('/requests', () => {
    controls.clearRequests();
    return noContent();
  });

  control.get('/users', () => jsonResponse({ users: controls.users.map(publicUser) }));

  control.post('/users', async (c) => {
    const body = await readObject(c, '{ email, password, userId?, firstName?, lastName? }');
    const user = controls.addUser(body as unknown as EmulatorUserInput);
    return jsonResponse(publicUser(user), 201);
  });

  control.post('/approval-requests', async (c) => {
    const body = await readObject(c, '{ reviewerEmail, requires2fa?, requiresPassword?, ... }');
    const requestId = controls.createApprovalRequest(body as never);
    return jsonResponse({ request_id: requestId }, 201);
  });

  control.get('/faults', () => jsonResponse({ faults: controls.faults }));

  control.post('/faults', async (c) => {
    const body = await readObject(c, '{ kind, match?, times?, ... }');
    return jsonResponse({ id: controls.injectFault(body as never) }, 201);
  });

  control.delete('/faults', () => {
    controls.clearFaults();
    return noContent();
  });

  control.delete('/faults/:id', (c) => {
    if (!controls.removeFault(c.req.param('id'))) fail(404, 'No such fault.');
    return noContent();
  });
}
