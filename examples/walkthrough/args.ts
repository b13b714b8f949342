/**
 * `npm start`'s command line: the usage it prints, and what it makes of its arguments. A
 * mistake is one line for the person who typed it, never a stack trace.
 */
import { parseArgs } from 'node:util';

export const USAGE = `Usage: npm start [-- [--auto-lock-ms MS] [--base-url URL]]

Runs the whole 2FA workflow against the embedded DSM emulator (a 6 s auto-lock window by
default; --auto-lock-ms 600000 for DSM's ten minutes).

  --auto-lock-ms MS   the auto-lock window in milliseconds, at least 2000
  --base-url URL      run against a real DSM instead, signed in as DSM_EMAIL with
                      DSM_PASSWORD (both from the environment; the password is never printed)
  -h, --help          print this help`;

export type WalkthroughArgs =
  | { kind: 'help' }
  | { kind: 'error'; message: string }
  | { kind: 'run'; baseUrl: string | undefined; autoLockMs: number };

/** Parses `process.argv.slice(2)`; never throws. */
export function parseWalkthroughArgs(args: readonly string[]): WalkthroughArgs {
  let values: { 'base-url'?: string; 'auto-lock-ms'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        'base-url': { type: 'string' },
        'auto-lock-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    // Node's own text names the argument ("Unknown option '--port'"); its first sentence is enough.
    const text = error instanceof Error ? error.message : String(error);
    return { kind: 'error', message: text.split('. ')[0] ?? text };
  }
  if (values.help) return { kind: 'help' };
  const baseUrl = values['base-url'];
  if (baseUrl !== undefined && !URL.canParse(baseUrl)) {
    return { kind: 'error', message: `--base-url must be a URL, such as https://amer.smartkey.io` };
  }
  const autoLockMs = Number(values['auto-lock-ms'] ?? (baseUrl ? 600_000 : 6_000));
  if (!Number.isFinite(autoLockMs) || autoLockMs < 2_000) {
    return {
      kind: 'error',
      message: '--auto-lock-ms must be a number of milliseconds, at least 2000',
    };
  }
  return { kind: 'run', baseUrl, autoLockMs };
}
