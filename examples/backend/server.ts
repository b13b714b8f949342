/**
 * A stateless back end for a "Security settings" page: any number of these can run behind a
 * load balancer, sharing one snapshot store (Redis with REDIS_URL, else memory) and keeping no
 * timer between requests. It signs the demo user in against the embedded DSM emulator.
 *
 *   npx tsx examples/backend/server.ts            then, with the cookie the login sets:
 *   curl -c jar -X POST localhost:3000/login
 *   curl -b jar -X POST localhost:3000/2fa/unlock -d '{"password":"demo-password-not-secret"}'
 *   curl -b jar -X POST localhost:3000/2fa/recoveryCodes
 *   curl -b jar localhost:3000/2fa
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import { DEMO_USER, type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { createDsmClient, Secret } from '../../src/index.js';
import { createMemorySnapshotStore, type SnapshotStore } from '../../src/store/index.js';
import {
  type AppSession,
  handleTwoFactorRequest,
  type TwoFactorRequest,
} from './twoFactorHandler.js';

async function body(request: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of request) text += chunk;
  try {
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Serves the example on 127.0.0.1:`port` (0: any free port). */
export async function startBackendExample(options: {
  port: number;
  store: SnapshotStore;
  emulator: RunningEmulator;
  /** Who `POST /login` signs in (a real app has its own login). */
  account: { email: string; password: Secret<string> };
  log: (line: string) => void;
}): Promise<{ url: string; server: Server }> {
  const { store, emulator, log } = options;
  // The app's own sessions: the DSM token stays here, server-side, never in a snapshot.
  const sessions = new Map<string, AppSession>();
  const server = createServer((request, response) => {
    const send = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(value));
    };
    route(request, send).catch((error: unknown) => {
      // Typed errors carry a code and a message without secrets; nothing else is shown.
      const { code } = error as { code?: string };
      log(`failed: ${code ?? 'ERROR'}`);
      send(500, { error: code ?? 'ERROR' });
    });
  });
  const route = async (
    request: IncomingMessage,
    send: (status: number, value: unknown, headers?: Record<string, string>) => void,
  ) => {
    const sid = /(?:^|;\s*)sid=([\w-]+)/.exec(request.headers.cookie ?? '')?.[1];
    if (request.method === 'POST' && request.url === '/login') {
      const auth = await createDsmClient({ baseUrl: emulator.url }).authenticate(options.account);
      const session = {
        id: randomUUID(),
        dsmToken: auth.accessToken.reveal(),
        dsmUserId: auth.entityId,
      };
      sessions.set(session.id, session);
      log(`login: app session ${session.id.slice(0, 8)}…`);
      return send(
        200,
        { ok: true },
        { 'set-cookie': `sid=${session.id}; HttpOnly; SameSite=Strict` },
      );
    }
    const session = sid ? sessions.get(sid) : undefined;
    if (!session) return send(401, { error: 'log in first (POST /login)' });
    const action =
      request.method === 'GET' && request.url === '/2fa' ? 'status' : request.url?.slice(5);
    const input = await body(request);
    const twoFactorRequest = { ...input, action } as TwoFactorRequest;
    const result = await handleTwoFactorRequest(
      { store, dsmBaseUrl: emulator.url },
      session,
      twoFactorRequest,
    );
    log(`${action}: ${result.state}${result.error ? ` (${result.error.code})` : ''}`);
    return send(result.error ? 409 : 200, result);
  };
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, server };
}

async function main(): Promise<void> {
  let store: SnapshotStore = createMemorySnapshotStore();
  if (process.env.REDIS_URL) {
    // ioredis is a devDependency here; your app brings its own Redis client.
    const { Redis } = await import('ioredis');
    const { createRedisSnapshotStore } = await import('../../src/store/index.js');
    store = createRedisSnapshotStore(new Redis(process.env.REDIS_URL));
  }
  const emulator = await startEmulator();
  const account = { email: DEMO_USER.email, password: new Secret(DEMO_USER.password) };
  const { url } = await startBackendExample({
    port: 3000,
    store,
    emulator,
    account,
    log: console.log,
  });
  console.log(`Back end on ${url}, DSM emulator on ${emulator.url}. Ctrl-C to stop.`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    const { code, message } = error as { code?: string; message?: string };
    console.error(`backend example stopped: ${code ?? 'ERROR'}: ${message ?? String(error)}`);
    process.exit(1);
  });
}
