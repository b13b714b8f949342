/**
 * `npm start`: the whole 2FA journey against the embedded DSM emulator: sign in (the sign-in
 * controller), the 2FA-configuration workflow, then sign-in again with the key just registered
 * and with a recovery code.
 *
 *   npm start                                   embedded emulator, 6 s auto-lock window
 *   npm start -- --auto-lock-ms 600000          the real ten minutes
 *   DSM_EMAIL=… DSM_PASSWORD=… npm start -- --base-url https://your-dsm.example
 *
 * Against a real DSM the steps that need the emulator (seeded approval requests, an expired
 * session, recovery-code sign-in, the rate limit) are skipped, and the security key is a
 * software one, so registering it changes the real account: use a test account.
 */
import { parseArgs } from 'node:util';
import { createSoftAuthenticator, DEMO_USER, startEmulator } from '../src/emulator/index.js';
import { Secret } from '../src/index.js';
import { runWalkthrough } from './walkthrough/runWalkthrough.js';

const { values } = parseArgs({
  options: {
    'base-url': { type: 'string' },
    'auto-lock-ms': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  console.log(
    'Usage: npm start [-- --auto-lock-ms MS] [-- --base-url URL (with DSM_EMAIL, DSM_PASSWORD)]',
  );
  process.exit(0);
}

const realDsm = values['base-url'];
const autoLockMs = Number(values['auto-lock-ms'] ?? (realDsm ? 600_000 : 6_000));
if (!Number.isFinite(autoLockMs) || autoLockMs < 2_000) {
  console.error('--auto-lock-ms must be a number of milliseconds, at least 2000.');
  process.exit(2);
}

const emulator = realDsm ? undefined : await startEmulator({ autoLockMs });
const baseUrl = realDsm ?? emulator!.url;
const email = realDsm ? process.env.DSM_EMAIL : DEMO_USER.email;
const plainPassword = realDsm ? process.env.DSM_PASSWORD : DEMO_USER.password;
if (!email || !plainPassword) {
  console.error('Set DSM_EMAIL and DSM_PASSWORD in the environment to run against a real DSM.');
  process.exit(2);
}

console.log(
  realDsm
    ? `Running against ${baseUrl} as ${email} (the password is read from DSM_PASSWORD and never printed).`
    : `Running against the embedded DSM emulator at ${baseUrl} (auto-lock window ${autoLockMs} ms).`,
);

const origin = new URL(baseUrl).origin;
let exitCode = 0;
try {
  await runWalkthrough({
    baseUrl,
    email,
    password: new Secret(plainPassword),
    autoLockMs,
    safetyMarginMs: Math.min(5_000, Math.floor(autoLockMs / 10)),
    ...(emulator && { emulator }),
    authenticator: createSoftAuthenticator(realDsm ? { origin } : {}),
    log: (line) => console.log(line),
    wait: async (ms) => {
      // Show the countdown while the auto-lock window runs out.
      const end = Date.now() + ms;
      while (Date.now() < end) {
        const left = Math.max(0, end - Date.now());
        console.log(`    … ${Math.ceil(left / 1000)} s until the auto-lock`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, left + 1)));
      }
    },
  });
} catch (error) {
  const { code, message } = error as { code?: string; message?: string };
  console.error(`The walkthrough stopped: ${code ?? 'ERROR'}: ${message ?? String(error)}`);
  exitCode = 1;
} finally {
  await emulator?.close();
}
process.exit(exitCode);
