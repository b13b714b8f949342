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
import { parseWalkthroughArgs, USAGE } from './walkthrough/args.js';

const args = parseWalkthroughArgs(process.argv.slice(2));
if (args.kind === 'help') {
  console.log(USAGE);
  process.exit(0);
}
if (args.kind === 'error') {
  console.error(`npm start: ${args.message}. See npm start -- --help.`);
  process.exit(2);
}

// Loaded once the arguments are known good: usage and mistakes are answered at once.
const [{ createSoftAuthenticator, DEMO_USER, startEmulator }, { Secret }, { runWalkthrough }] =
  await Promise.all([
    import('../src/emulator/index.js'),
    import('../src/index.js'),
    import('./walkthrough/runWalkthrough.js'),
  ]);
const { baseUrl: realDsm, autoLockMs } = args;
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
