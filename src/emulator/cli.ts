/**
 * `npm run emulator -- --port 8090`: serves the DSM emulator on 127.0.0.1 and prints its URL and
 * the demo credentials (test-only values, printed on purpose so a person can sign in).
 */
import { parseArgs } from 'node:util';
import { type AttestationFormat, DEMO_APP, DEMO_USER, EMULATOR_DEFAULTS } from './options.js';
import { startEmulator } from './startEmulator.js';

const usage = `Usage: npm run emulator -- [--port N] [--auto-lock-ms MS] [--attestation-formats fido-u2f,packed,none]

Serves a local Fortanix DSM emulator on 127.0.0.1. Default port 8090 (0 picks a free one).`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', short: 'p', default: '8090' },
      'auto-lock-ms': { type: 'string' },
      'attestation-formats': { type: 'string' },
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
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
