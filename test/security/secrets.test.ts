/**
 * Secret hygiene, every surface in one suite (invariant 3 of product.md). A run uses a real
 * password and real session tokens, then every place they could leak to is scanned for them in
 * every form (raw, JSON-escaped, URL-encoded, base64, and the Basic `email:password` header):
 * snapshots, persisted JSON, emitted events, the inspector's traffic over a real WebSocket,
 * errors with their `toJSON`, `util.inspect` and stack, console output, and what the examples
 * print. Zero occurrences.
 */
import { randomUUID } from 'node:crypto';
import { createWebSocketInspector } from '@statelyai/inspect';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startBackendExample } from '../../examples/backend/server.js';
import { runInspectNode } from '../../examples/inspect-node.js';
import { runWalkthrough } from '../../examples/walkthrough/runWalkthrough.js';
import { createDsmClient, type DsmClient, Secret } from '../../src/client/index.js';
import {
  createSoftAuthenticator,
  type RunningEmulator,
  startEmulator,
} from '../../src/emulator/index.js';
import { createMemorySnapshotStore } from '../../src/store/index.js';
import { createTwoFactorConfig, type TwoFactorConfig } from '../../src/workflow/index.js';
import { useFakeClock } from '../support/fakeClock.js';
import { type InspectorSink, startInspectorSink } from './inspectorSink.js';
import { SecretScanner } from './secretScanner.js';

const EMAIL = 'ada@example.com';
/** Distinctive, and with characters that JSON, URLs and base64 each write differently. */
const PASSWORD = `Tr0ub4dor&3 "é" ${randomUUID()}`;

/** Starts an emulator whose user has PASSWORD, and records every session token it issues. */
async function emulatorRecordingTokens(scanner: SecretScanner): Promise<RunningEmulator> {
  const emulator = await startEmulator({ users: [{ email: EMAIL, password: PASSWORD }] });
  const { sessions } = emulator.state;
  const set = sessions.set.bind(sessions);
  sessions.set = (token, session) => {
    scanner.secret(`session token ${sessions.size + 1}`, token);
    return set(token, session);
  };
  return emulator;
}

function knownSecrets(scanner: SecretScanner): void {
  scanner.secret('password', PASSWORD);
  scanner.secret('basic credentials', Buffer.from(`${EMAIL}:${PASSWORD}`).toString('base64'));
}

describe('no secret on any surface', () => {
  const scanner = new SecretScanner();
  let emulator: RunningEmulator;
  let sink: InspectorSink;
  let restoreConsole: () => void;

  beforeAll(async () => {
    knownSecrets(scanner);
    restoreConsole = scanner.captureConsole();
    emulator = await emulatorRecordingTokens(scanner);
    sink = await startInspectorSink();
  });
  afterAll(async () => {
    restoreConsole();
    await sink.close();
    await emulator.close();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('would find a planted secret in each of its forms (the scan is not vacuous)', () => {
    const probe = new SecretScanner();
    probe.secret('password', PASSWORD);
    probe.add('raw', `x${PASSWORD}x`);
    probe.add('json', { nested: [PASSWORD] });
    probe.add('url', `?p=${encodeURIComponent(PASSWORD)}`);
    probe.add('basic', `Basic ${Buffer.from(PASSWORD).toString('base64')}`);
    probe.add('error', new Error(`failed for ${PASSWORD}`));
    probe.add('clean', new Secret(PASSWORD));
    const surfaces = new Set(probe.findings().map((finding) => finding.split(':')[0]));
    expect([...surfaces].sort()).toEqual(['basic', 'error', 'json', 'raw', 'url']);
  });

  it('a workflow run: snapshots, persisted JSON, events, errors and inspector traffic', async () => {
    const anonymous = createDsmClient({ baseUrl: emulator.url, timeoutMs: 2_000, retry: false });
    const attempt = async (what: string, run: () => Promise<unknown>) => {
      try {
        await run();
      } catch (error) {
        scanner.add(`error: ${what}`, error);
      }
    };
    // DSM may echo what a request carried; the client must redact it (a fault's body).
    const echo = (operationId: string, carried: string[], status = 500) =>
      emulator.injectFault({
        kind: 'status',
        status,
        body: `echo: ${carried.join(' / ')} / ${carried.map(encodeURIComponent).join(' / ')}`,
        match: { operationId },
      });

    const inspector = createWebSocketInspector({ url: sink.url });
    await attempt('authenticate, wrong password', () =>
      anonymous.authenticate({ email: EMAIL, password: `${PASSWORD}x` }),
    );
    const auth = await anonymous.authenticate({ email: EMAIL, password: new Secret(PASSWORD) });
    const token = auth.accessToken.reveal();
    scanner.add('authenticate result', auth);
    const client: DsmClient = anonymous.withToken(auth.accessToken);
    scanner.add('client', client);
    const workflow: TwoFactorConfig = createTwoFactorConfig({
      client,
      userId: auth.entityId,
      browserLifecycle: false,
      inspect: inspector.inspect,
    });
    scanner.add('workflow', workflow);
    workflow.actor.on('*', (event) => scanner.add('emitted events', event));
    workflow.subscribe((view) => scanner.add('views', view));
    const record = () => {
      scanner.add('snapshots', workflow.actor.getSnapshot());
      scanner.add('persisted snapshots', workflow.actor.getPersistedSnapshot());
      scanner.add('persist()', JSON.stringify(workflow.persist()));
    };

    await attempt('unlock, wrong password', () => workflow.unlock('not the password'));
    echo('Config2faAuth', [PASSWORD, token], 400);
    await attempt('unlock, DSM echoes the password', () => workflow.unlock(PASSWORD));
    record();
    await workflow.unlock(new Secret(PASSWORD));
    record();
    echo('GenerateRecoveryCodes', [token]);
    await attempt('recovery codes, DSM echoes the token', () => workflow.generateRecoveryCodes());
    const codes = await workflow.generateRecoveryCodes();
    for (const [i, code] of codes.entries()) scanner.secret(`recovery code ${i}`, code);
    const authenticator = createSoftAuthenticator();
    await workflow.addDevice(
      'Desk key',
      await authenticator.createCredential(await workflow.newDeviceChallenge()),
    );
    record();
    await workflow.lock();
    const requestId = emulator.createApprovalRequest({
      reviewerEmail: EMAIL,
      requires2fa: false,
      requiresPassword: true,
    });
    echo('ApproveRequest', [PASSWORD, token], 400);
    await attempt('approve, DSM echoes the password', () =>
      workflow.approve(requestId, { password: PASSWORD }),
    );
    await attempt('approve, wrong password', () =>
      workflow.approve(requestId, { password: 'not it' }),
    );
    await workflow.approve(requestId, { password: new Secret(PASSWORD) });
    emulator.injectFault({ kind: 'refused', match: { operationId: 'Config2faAuth' } });
    await attempt('unlock, connection refused', () => workflow.unlock(PASSWORD));
    emulator.injectFault({ kind: 'malformed', match: { operationId: 'Config2faAuth' } });
    await attempt('unlock, malformed answer', () => workflow.unlock(PASSWORD));
    for (let i = 0; i < 6; i++)
      await attempt('unlock, rate limited', () => workflow.unlock(`w${i}`));
    record();
    emulator.expireSession(token);
    await attempt('unlock, session expired', () => workflow.unlock(PASSWORD));
    await attempt('operation, session expired', () => workflow.generateRecoveryCodes());
    record();
    await workflow.dispose();
    await attempt('after dispose', () => workflow.unlock(PASSWORD));
    // XState warns about events sent to a stopped actor, and prints the event.
    workflow.actor.send({ type: 'unlock', password: new Secret(PASSWORD) });

    await sink.until((message) => message.includes('"status":"stopped"'));
    inspector.stop();
    scanner.add('inspector traffic (WebSocket)', sink.messages.join('\n'));
    expect(sink.messages.length).toBeGreaterThan(100);
    expect(sink.messages.join('\n')).toContain('[redacted]');
  });

  it('the inspect-node example: its output and its inspector traffic', async () => {
    const lines: string[] = [];
    const before = sink.messages.length;
    // Its own emulator: the run above registered a key, so sign-in would ask for it.
    const own = await emulatorRecordingTokens(scanner);
    try {
      const inspector = await runInspectNode({
        inspectorUrl: sink.url,
        emulator: own,
        email: EMAIL,
        password: new Secret(PASSWORD),
        log: (line) => lines.push(line),
      });
      const stopped = (message: string) => message.includes('"status":"stopped"');
      await sink.until((message) => sink.messages.indexOf(message) >= before && stopped(message));
      inspector.stop();
    } finally {
      await own.close();
    }
    scanner.add('inspect-node output', lines.join('\n'));
    scanner.add('inspect-node inspector traffic', sink.messages.slice(before).join('\n'));
    expect(lines).toContain('wrong password refused: WRONG_PASSWORD');
  });

  it('the stateless back-end example: what it logs and what it answers', async () => {
    const own = await emulatorRecordingTokens(scanner);
    const lines: string[] = [];
    const { url, server } = await startBackendExample({
      port: 0,
      store: createMemorySnapshotStore(),
      emulator: own,
      account: { email: EMAIL, password: new Secret(PASSWORD) },
      log: (line) => lines.push(line),
    });
    try {
      const login = await fetch(`${url}/login`, { method: 'POST' });
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      const call = async (path: string, body?: unknown) => {
        const response = await fetch(`${url}${path}`, {
          method: body === undefined && path === '/2fa' ? 'GET' : 'POST',
          headers: { cookie },
          ...(body !== undefined && { body: JSON.stringify(body) }),
        });
        scanner.add('backend example answers', await response.text());
      };
      await call('/2fa/unlock', { password: 'wrong' });
      await call('/2fa/unlock', { password: PASSWORD });
      await call('/2fa/recoveryCodes', {});
      await call('/2fa');
      await call('/2fa/lock', {});
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await own.close();
    }
    scanner.add('backend example output', lines.join('\n'));
    expect(lines).toContain('recoveryCodes: unlocked');
  });

  it('the npm start walkthrough, on fake time: everything it prints', async () => {
    useFakeClock();
    // Its own emulator: the walkthrough adds a key and ends on the rate limit.
    const own = await emulatorRecordingTokens(scanner);
    const lines: string[] = [];
    try {
      const ok = await runWalkthrough({
        baseUrl: own.url,
        email: EMAIL,
        password: new Secret(PASSWORD),
        autoLockMs: 600_000,
        safetyMarginMs: 5_000,
        emulator: own,
        authenticator: createSoftAuthenticator(),
        log: (line) => lines.push(line),
        wait: async (ms) => {
          await vi.advanceTimersByTimeAsync(ms);
        },
      });
      expect(ok).toBeGreaterThanOrEqual(10);
      for (const { code } of own.user(EMAIL)?.recoveryCodes ?? []) {
        scanner.secret(`walkthrough recovery code ${code.slice(0, 2)}`, code);
      }
    } finally {
      await own.close();
    }
    scanner.add('walkthrough output', lines.join('\n'));
  });

  it('finds none of them anywhere', () => {
    const sizes = scanner.sizes();
    for (const surface of [
      'snapshots',
      'persist()',
      'emitted events',
      'inspector traffic (WebSocket)',
      'error: unlock, DSM echoes the password',
      'inspect-node output',
      'backend example output',
      'backend example answers',
      'walkthrough output',
      'console',
    ]) {
      expect(sizes[surface], surface).toBeGreaterThan(0);
    }
    expect(scanner.findings()).toEqual([]);
  });
});
