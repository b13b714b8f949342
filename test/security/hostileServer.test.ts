/**
 * Invariant 3 against a hostile or broken server, through the public workflow: whatever a
 * server sends back (error bodies in every encoding, response keys, echoed fields), no
 * message, JSON or inspect form, snapshot, persisted snapshot, emitted event or inspection
 * event shows the password or the token. By construction: server text never becomes library
 * text, so these hold for any body, not for a list of encodings a scrubber knows.
 */
import type { ServerResponse } from 'node:http';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { createDsmClient } from '../../src/client/index.js';
import { createSignIn } from '../../src/signIn/index.js';
import {
  createTwoFactorConfig,
  type TwoFactorConfig,
  type TwoFactorConfigEventType,
} from '../../src/workflow/index.js';
import { approvalRequest, requestId, user, userId } from '../support/clientFixtures.js';
import {
  type ClientTestServer,
  type RecordedRequest,
  reply,
  startClientTestServer,
} from '../support/clientTestServer.js';
import { formsOf, SecretScanner } from './secretScanner.js';

const password = 'Üb3r-geheim & <sicher> pass';
const token = 'tok_9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c';

/** Every way a server or proxy has been seen to echo a secret back. */
function echoes(secret: string): string[] {
  const jsonEscape = (pattern: RegExp) =>
    JSON.stringify(secret).replace(
      pattern,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  const b64 = Buffer.from(secret).toString('base64');
  return [
    secret,
    jsonEscape(/[^\x20-\x7e]/g), // Python's json.dumps
    jsonEscape(/[&<>]/g), // Go's encoding/json
    new URLSearchParams({ v: secret }).toString().slice(2), // form encoding, + for space
    encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    b64,
    b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
    // Padded so that a 16 KiB cut followed by trim() would move it to the front.
    `${' '.repeat(16_384 - (secret.length - 1))}${secret}`,
  ];
}

const json = (res: ServerResponse, status: number, body: unknown) =>
  reply(res, status, JSON.stringify(body), { 'content-type': 'application/json' });

/** A DSM that unlocks and locks like DSM and answers `hostile` with whatever the test says. */
function dsm(
  server: ClientTestServer,
  hostile: (req: RecordedRequest, res: ServerResponse) => void,
) {
  server.handle((req, res) => {
    if (req.url.endsWith('/config_2fa/auth')) return json(res, 200, {});
    if (req.url.endsWith('/config_2fa/terminate')) return res.writeHead(204).end();
    return hostile(req, res);
  });
}

let server: ClientTestServer;
let workflow: TwoFactorConfig;
let scanner: SecretScanner;
let inspected: InspectionEvent[];

function start(): TwoFactorConfig {
  inspected = [];
  workflow = createTwoFactorConfig({
    client: createDsmClient({ baseUrl: server.url, token, retry: false }),
    userId,
    browserLifecycle: false,
    inspect: (event) => inspected.push(event),
  });
  const types: TwoFactorConfigEventType[] = [
    'unlocked',
    'unlockFailed',
    'locked',
    'operationSucceeded',
    'operationFailed',
    'operationRefused',
    'deviceRenamed',
    'recoveryCodesRegenerated',
  ];
  for (const type of types) workflow.on(type, (event) => scanner.add('emitted events', event));
  return workflow;
}

/** Everything the library shows, after `run`: the error's forms, snapshots, events, inspector. */
async function observe(run: () => Promise<unknown>): Promise<unknown> {
  const outcome = await run().then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if ('error' in outcome) scanner.add('thrown value', outcome.error);
  scanner.add('snapshot', JSON.stringify(workflow.actor.getSnapshot()));
  scanner.add('context', workflow.actor.getSnapshot().context);
  scanner.add('persisted snapshot', workflow.persist());
  return 'value' in outcome ? outcome.value : outcome.error;
}

function expectNoSecret(): void {
  // What an inspector sends: each event, and each snapshot in its JSON form.
  expect(inspected.length).toBeGreaterThan(0);
  for (const event of inspected) {
    if ('event' in event) scanner.add('inspection events', JSON.stringify(event.event));
    if (event.type === '@xstate.snapshot') {
      scanner.add('inspected snapshots', JSON.stringify(event.snapshot));
    }
  }
  for (const [surface, shown] of scanner.surfaces()) {
    for (const secret of [password, token]) {
      // A part of a secret is a leak too (a cut body once showed 24 of 25 characters).
      const parts = [secret.slice(0, 12), secret.slice(-12)];
      for (const form of [...formsOf(secret), ...echoes(secret).map((e) => e.trim()), ...parts]) {
        expect(shown, `${surface} shows a secret`).not.toContain(form);
      }
    }
  }
}

beforeEach(async () => {
  server = await startClientTestServer();
  scanner = new SecretScanner();
});
afterEach(async () => {
  await workflow?.dispose();
  await server.close();
});

describe('a hostile server cannot put a secret into what the library shows', () => {
  it('a 200 whose record uses the token as a key: the schema path says <key>', async () => {
    dsm(server, (_req, res) => json(res, 200, { ...user, groups: { [token]: 'not a list' } }));
    start();
    await workflow.unlock(password);
    const error = await observe(() => workflow.renameDevice('YubiKey 5', 'Key A'));
    expect(error).toMatchObject({ code: 'INVALID_RESPONSE' });
    expect((error as { issues: unknown[] }).issues).toContainEqual(
      expect.objectContaining({ path: ['groups', '<key>'] }),
    );
    expectNoSecret();
  });

  it.each([400, 403, 409, 500])(
    'a %i whose body echoes a secret, in every encoding seen',
    async (status) => {
      let body = '';
      dsm(server, (_req, res) => reply(res, status, body));
      start();
      await workflow.unlock(password);
      for (const secret of [password, token]) {
        for (const echo of echoes(secret)) {
          body = echo;
          if (workflow.state !== 'unlocked') await workflow.unlock(password);
          const error = await observe(() => workflow.generateRecoveryCodes());
          expect(error).toMatchObject({ status });
          // Still there for an app that asks for DSM's words, on purpose.
          expect((error as { untrustedServerText(): string }).untrustedServerText()).not.toBe('');
        }
      }
      expectNoSecret();
    },
  );

  it('any error body, as a property: the failure reads the same as for an empty body', async () => {
    let body = '';
    dsm(server, (_req, res) => reply(res, 400, body));
    start();
    await workflow.unlock(password);
    const baseline = (await observe(() => workflow.generateRecoveryCodes())) as Error;
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 300 }), async (text) => {
        body = text;
        const error = (await observe(() => workflow.generateRecoveryCodes())) as Error;
        expect(error.message).toBe(baseline.message);
        expect(JSON.stringify(error)).toBe(JSON.stringify(baseline));
        expect(JSON.stringify(workflow.actor.getSnapshot().context.lastError)).not.toContain(
          text.length > 8 ? text : '\u0000',
        );
      }),
      { numRuns: 30 },
    );
  });

  it('a success that echoes the password into a documented field reaches only the caller', async () => {
    dsm(server, (_req, res) => json(res, 200, { ...approvalRequest, description: password }));
    start();
    const result = await workflow.deny(requestId, 'no');
    // The caller asked for DSM's answer and gets it; nothing else carries it.
    expect(result).toMatchObject({ description: password });
    scanner.add('snapshot', JSON.stringify(workflow.actor.getSnapshot()));
    expectNoSecret();
  });
});

describe('a hostile server cannot put a secret into the sign-in', () => {
  const b64url = (text: string) => Buffer.from(text).toString('base64url');
  const authResponse = (extra: object) =>
    JSON.stringify({ token_type: 'Bearer', expires_in: 600, access_token: token, ...extra });

  it('an entity_id that is not DSM’s UUID is refused, and its text shown nowhere', async () => {
    server.handle((_req, res) =>
      reply(res, 200, authResponse({ entity_id: password }), {
        'content-type': 'application/json',
      }),
    );
    const inspectedSignIn: InspectionEvent[] = [];
    const signIn = createSignIn({
      baseUrl: server.url,
      clientOptions: { retry: false },
      inspect: (event) => inspectedSignIn.push(event),
    });
    const error = await signIn.signIn({ email: 'ada@example.com', password }).catch((e) => e);
    expect(error).toMatchObject({ code: 'INVALID_RESPONSE' });
    scanner.add('thrown value', error);
    scanner.add('sign-in snapshot', JSON.stringify(signIn.actor.getSnapshot()));
    scanner.add('persisted sign-in', signIn.persist());
    inspected = inspectedSignIn;
    await signIn.dispose();
    expectNoSecret();
  });

  it('DSM’s FIDO2 challenge stays with the controller: no snapshot, event or inspector has it', async () => {
    const options = {
      challenge: b64url(password),
      rpId: password,
      timeout: 60_000,
      allowCredentials: [{ type: 'public-key', id: b64url(token) }],
    };
    server.handle((_req, res) =>
      reply(res, 200, authResponse({ entity_id: userId, fido2_assertion_options: options }), {
        'content-type': 'application/json',
      }),
    );
    const inspectedSignIn: InspectionEvent[] = [];
    const signIn = createSignIn({
      baseUrl: server.url,
      clientOptions: { retry: false },
      inspect: (event) => inspectedSignIn.push(event),
    });
    const emitted: unknown[] = [];
    signIn.actor.on('*', (event) => emitted.push(event));
    const result = await signIn.signIn({ email: 'ada@example.com', password });
    expect(result.state).toBe('awaitingSecondFactor');
    // The app asked for the challenge, and has it.
    expect(signIn.secondFactor?.fido2Options).toMatchObject({ rpId: password });
    scanner.add('emitted events', emitted);
    scanner.add('sign-in snapshot', JSON.stringify(signIn.actor.getSnapshot()));
    scanner.add('persisted sign-in', signIn.persist());
    inspected = inspectedSignIn;
    signIn.actor.stop();
    expectNoSecret();
  });
});

describe('a client that throws errors of its own cannot put a secret anywhere either', () => {
  /** A client (the app may pass its own) whose every call throws text holding the secrets. */
  function throwingClient() {
    const client = createDsmClient({ baseUrl: server.url, token, retry: false });
    return new Proxy(client, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        if (typeof value !== 'function' || name === 'withToken') return value;
        return async () => {
          const error = new Error(`refused: ${password} ${token}`);
          throw Object.assign(error, { code: 'UNAUTHORIZED', detail: password });
        };
      },
    });
  }

  it('the workflow: the caller gets its error, the machine, events and inspector a stand-in', async () => {
    inspected = [];
    workflow = createTwoFactorConfig({
      client: throwingClient(),
      userId,
      browserLifecycle: false,
      inspect: (event) => inspected.push(event),
    });
    const emitted: unknown[] = [];
    workflow.actor.on('*', (event) => emitted.push(event));
    const failure = await workflow.unlock(password).catch((error: unknown) => error);
    // The 401 path asks Refresh, which throws the same foreign error: a stand-in goes on.
    expect(failure).toMatchObject({ code: expect.any(String) });
    scanner.add('emitted events', emitted);
    scanner.add('snapshot', JSON.stringify(workflow.actor.getSnapshot()));
    scanner.add('persisted snapshot', workflow.persist());
    expectNoSecret();
  });

  it('the sign-in: nothing of the foreign error reaches its events, snapshot or inspector', async () => {
    const inspectedSignIn: InspectionEvent[] = [];
    const signIn = createSignIn({
      client: throwingClient(),
      inspect: (event) => inspectedSignIn.push(event),
    });
    const emitted: unknown[] = [];
    signIn.actor.on('*', (event) => emitted.push(event));
    const failure = await signIn.signIn({ email: 'ada@example.com', password }).catch((e) => e);
    expect(failure).toMatchObject({ code: expect.any(String) });
    scanner.add('thrown value', failure);
    scanner.add('emitted events', emitted);
    scanner.add('sign-in snapshot', JSON.stringify(signIn.actor.getSnapshot()));
    scanner.add('persisted sign-in', signIn.persist());
    inspected = inspectedSignIn;
    await signIn.dispose();
    expectNoSecret();
  });
});
