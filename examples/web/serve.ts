/**
 * `npm run example:web`: the DSM emulator and the security-settings page (Vite dev server,
 * proxying DSM's API to the emulator, so the emulator keeps its default of no CORS), both on
 * 127.0.0.1. Open the printed localhost URL: WebAuthn's relying party is `localhost`, so
 * security keys work there and not on 127.0.0.1.
 */
import { parseArgs } from 'node:util';
import { createServer } from 'vite';
import { DEMO_USER, startEmulator } from '../../src/emulator/index.js';
import { dsmProxy, webRoot } from './vite.config.js';

const usage = `Usage: npm run example:web -- [--port N] [--emulator-port N]

Serves the example page (default port 5173) and the DSM emulator (default 8090) on 127.0.0.1.
Port 0 picks a free one. Add ?inspect to the page URL to attach the Stately inspector.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '5173' },
      'emulator-port': { type: 'string', default: '8090' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  // The control surface's token is never printed: choose it with DSM_EMULATOR_CONTROL_TOKEN.
  const controlToken = process.env.DSM_EMULATOR_CONTROL_TOKEN;
  const emulator = await startEmulator({
    port: Number(values['emulator-port']),
    ...(controlToken && { controlToken }),
  });
  const sigtermBefore = new Set(process.listeners('SIGTERM'));
  const vite = await createServer({
    configFile: `${webRoot}vite.config.ts`,
    server: {
      host: '127.0.0.1',
      port: Number(values.port),
      proxy: dsmProxy(emulator.url),
    },
  });
  // Vite's dev server exits the process on SIGTERM by itself (code 143, before the emulator
  // is closed); this script stops both servers in order instead.
  for (const listener of process.listeners('SIGTERM')) {
    if (!sigtermBefore.has(listener)) process.off('SIGTERM', listener);
  }
  await vite.listen();
  const address = vite.httpServer?.address();
  const port = typeof address === 'object' && address ? address.port : Number(values.port);

  console.log(`Security settings page:  http://localhost:${port}/`);
  console.log(`  with the inspector:    http://localhost:${port}/?inspect`);
  console.log(`DSM emulator:            ${emulator.url}`);
  console.log(
    `  control surface:       ${emulator.url}/__emulator/   (token: DSM_EMULATOR_CONTROL_TOKEN, if set)`,
  );
  console.log(`  demo user:             ${DEMO_USER.email}`);
  console.log(`  demo password:         ${DEMO_USER.password}   (test-only)`);
  console.log('Press Ctrl+C to stop.');

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    await vite.close();
    await emulator.close();
    console.log(`Stopped (${signal}).`);
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
