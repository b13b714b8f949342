/**
 * `npm run emulator -- --port 8090`: serves the DSM emulator on 127.0.0.1 and prints its URL and
 * the demo credentials (fixed test-only values, printed on purpose so a person can sign in).
 * The control token is per emulator and is never printed: it is taken from
 * DSM_EMULATOR_CONTROL_TOKEN, or made and written to a file only this user can read, whose path
 * is printed. Bad flags and a busy port end it with one line, not a stack.
 */
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type AttestationFormat, DEMO_APP, DEMO_USER, EMULATOR_DEFAULTS } from './options.js';
import { startEmulator } from './startEmulator.js';

const usage = `Usage: npm run emulator -- [--port N] [--auto-lock-ms MS] [--attestation-formats fido-u2f,packed,none]
                            [--cors-origin ORIGIN[,ORIGIN…]] [--base64url-unpadded]

Serves a local Fortanix DSM emulator on 127.0.0.1. Default port 8090 (0 picks a free one).
No CORS unless --cors-origin names the origins. The control surface (/__emulator/) needs its
token in X-Emulator-Token: set DSM_EMULATOR_CONTROL_TOKEN to choose it, or read it from the file
whose path is printed at start (readable by you only, removed at stop).`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', short: 'p', default: '8090' },
      'auto-lock-ms': { type: 'string' },
      'attestation-formats': { type: 'string' },
      'cors-origin': { type: 'string' },
      'base64url-unpadded': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const chosenToken = process.env.DSM_EMULATOR_CONTROL_TOKEN;
  const emulator = await startEmulator({
    port: Number(values.port),
    ...(chosenToken && { controlToken: chosenToken }),
    ...(values['auto-lock-ms'] !== undefined && { autoLockMs: Number(values['auto-lock-ms']) }),
    ...(values['attestation-formats'] !== undefined && {
      attestationFormats: values['attestation-formats'].split(',') as AttestationFormat[],
    }),
    ...(values['cors-origin'] !== undefined && {
      corsOrigin: values['cors-origin'].split(',').map((origin) => origin.trim()),
    }),
    ...(values['base64url-unpadded'] && { base64UrlPadding: false }),
  });
  const autoLockMs = emulator.options.autoLockMs;
  console.log(`DSM emulator listening on ${emulator.url}`);
  console.log(`  demo user:         ${DEMO_USER.email}`);
  console.log(`  demo password:     ${DEMO_USER.password}   (test-only)`);
  console.log(`  demo app API key:  ${DEMO_APP.apiKey}   (test-only)`);
  console.log(
    `  2FA auto-lock:     ${autoLockMs / 1000} s${autoLockMs === EMULATOR_DEFAULTS.autoLockMs ? ' (DSM: ten minutes)' : ''}`,
  );
  console.log(`  control surface:   ${emulator.url}/__emulator/`);
  // A secret is not printed: the token goes to a file readable by this user only.
  const tokenFile = chosenToken
    ? undefined
    : join(tmpdir(), `dsm-emulator-${new URL(emulator.url).port}.token`);
  if (tokenFile) await writeFile(tokenFile, emulator.controlToken, { mode: 0o600 });
  console.log(
    `  control token:     ${tokenFile ? `in ${tokenFile}` : 'from DSM_EMULATOR_CONTROL_TOKEN'}   (send as X-Emulator-Token)`,
  );
  const cors = emulator.options.corsOrigin;
  console.log(`  CORS:              ${Array.isArray(cors) ? cors.join(', ') : 'off'}`);
  console.log('Press Ctrl+C to stop.');

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    await emulator.close();
    if (tokenFile) await rm(tokenFile, { force: true });
    console.log(`Stopped (${signal}).`);
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  // One line a person can act on; the stack helps nobody here.
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
