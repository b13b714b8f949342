/**
 * `npm run emulator -- --port 8090`: serves the DSM emulator on 127.0.0.1 and prints its URL, the
 * control token and the demo credentials (test-only values, printed on purpose so a person can
 * sign in). Bad flags and a busy port end it with one line, not a stack.
 */
import { parseArgs } from 'node:util';
import { type AttestationFormat, DEMO_APP, DEMO_USER, EMULATOR_DEFAULTS } from './options.js';
import { startEmulator } from './startEmulator.js';

const usage = `Usage: npm run emulator -- [--port N] [--auto-lock-ms MS] [--attestation-formats fido-u2f,packed,none]
                            [--cors-origin ORIGIN[,ORIGIN…]] [--base64url-unpadded]

Serves a local Fortanix DSM emulator on 127.0.0.1. Default port 8090 (0 picks a free one).
No CORS unless --cors-origin names the origins; the control surface (/__emulator/) needs the
token printed at start in X-Emulator-Token.`;

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
  const emulator = await startEmulator({
    port: Number(values.port),
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
  console.log(`  control token:     ${emulator.controlToken}   (send as X-Emulator-Token)`);
  const cors = emulator.options.corsOrigin;
  console.log(`  CORS:              ${Array.isArray(cors) ? cors.join(', ') : 'off'}`);
  console.log('Press Ctrl+C to stop.');

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    await emulator.close();
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
