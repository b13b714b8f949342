/**
 * The 2FA workflow in the Stately inspector, from Node: a WebSocket inspector attached to a
 * workflow against the embedded DSM emulator.
 *
 *   npx tsx examples/inspect-node.ts                 starts @statelyai/inspect's bridge on :8080
 *                                                    and opens it in your browser
 *   npx tsx examples/inspect-node.ts --no-open       the same, without opening a browser
 *   npx tsx examples/inspect-node.ts --inspector ws://127.0.0.1:9000
 *                                                    sends to an inspector server you run
 *
 * What the inspector shows carries no secret: the password travels in a `Secret` (shown as
 * `[redacted]`), the token never enters the machine, and recovery codes come back wrapped.
 * Still, keep inspectors out of production: the bridge from `@statelyai/inspect/server` listens
 * on every network interface, and it replays what it saw to whoever connects (SECURITY.md).
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createWebSocketInspector } from '@statelyai/inspect';
import { DEMO_USER, type RunningEmulator, startEmulator } from '../src/emulator/index.js';
import { createDsmClient, createTwoFactorConfig, isDsmError, Secret } from '../src/index.js';

export interface InspectNodeOptions {
  /** The inspector's WebSocket URL (`ws://localhost:8080` for `createInspectorServer`). */
  inspectorUrl: string;
  emulator: RunningEmulator;
  email: string;
  password: Secret<string>;
  log: (line: string) => void;
}

/**
 * Signs in, unlocks, regenerates recovery codes, tries a wrong password and locks, with every
 * step visible in the inspector. Returns the inspector so the caller decides when to stop it.
 */
export async function runInspectNode(options: InspectNodeOptions) {
  const { log } = options;
  const inspector = createWebSocketInspector({ url: options.inspectorUrl });
  const anonymous = createDsmClient({ baseUrl: options.emulator.url });
  const auth = await anonymous.authenticate({ email: options.email, password: options.password });
  const workflow = createTwoFactorConfig({
    client: anonymous.withToken(auth.accessToken),
    userId: auth.entityId,
    inspect: inspector.inspect,
    browserLifecycle: false,
  });
  workflow.subscribe((view) =>
    log(`state: ${view.state}${view.busy ? ' (request in flight)' : ''}`),
  );
  workflow.on('locked', ({ reason }) => log(`event locked: reason ${reason}`));

  await workflow.unlock(options.password);
  const codes = await workflow.generateRecoveryCodes();
  log(`${codes.length} recovery codes received (not printed; the inspector shows [redacted])`);
  await workflow.lock();
  try {
    await workflow.unlock('not-the-password');
  } catch (error) {
    log(
      `wrong password refused: ${isDsmError(error) ? error.code : (error as { code?: string }).code}`,
    );
  }
  await workflow.dispose();
  await anonymous.withToken(auth.accessToken).terminate(); // sign out
  return inspector;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { inspector: { type: 'string' }, 'no-open': { type: 'boolean' } },
  });
  let stopServer = () => {};
  let inspectorUrl = values.inspector;
  if (!inspectorUrl) {
    // Loaded only here: a bridge server that also serves the inspector page on :8080.
    const { createInspectorServer } = await import('@statelyai/inspect/server');
    stopServer = createInspectorServer({ port: 8080, autoOpen: !values['no-open'] }).stop;
    inspectorUrl = 'ws://localhost:8080';
    console.log('Inspector: http://localhost:8080 (the Stately inspector, fed over a WebSocket)');
  }
  const emulator = await startEmulator();
  const inspector = await runInspectNode({
    inspectorUrl,
    emulator,
    email: DEMO_USER.email,
    password: new Secret(DEMO_USER.password),
    log: (line) => console.log(line),
  });
  console.log('Done. Press Ctrl-C to stop the inspector and the emulator.');
  process.once('SIGINT', () => {
    inspector.stop();
    stopServer();
    void emulator.close().then(() => process.exit(0));
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    const { code, message } = error as { code?: string; message?: string };
    console.error(`inspect-node stopped: ${code ?? 'ERROR'}: ${message ?? String(error)}`);
    process.exit(1);
  });
}
