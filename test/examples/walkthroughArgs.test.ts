import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWalkthroughArgs, USAGE } from '../../examples/walkthrough/args.js';
import { type BundledScript, bundleScript } from '../support/nodeScript.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

let walkthrough: BundledScript;
beforeAll(async () => {
  walkthrough = await bundleScript('examples/walkthrough.ts');
});
afterAll(() => walkthrough?.remove());

/** `npm start -- …args`: the script (bundled as tsx would compile it), from the repository. */
async function npmStart(...args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [...walkthrough.argv, ...args],
      { cwd: root, timeout: 15_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm start: its command line', () => {
  it('prints usage that can be followed as printed', () => {
    expect(parseWalkthroughArgs(['--help'])).toEqual({ kind: 'help' });
    expect(USAGE).toMatch(/^Usage: npm start \[-- \[--auto-lock-ms MS\] \[--base-url URL\]\]/);
    // The options after one `--`, as the usage shows them.
    expect(parseWalkthroughArgs(['--auto-lock-ms', '600000'])).toEqual({
      kind: 'run',
      baseUrl: undefined,
      autoLockMs: 600_000,
    });
    expect(
      parseWalkthroughArgs(['--auto-lock-ms', '600000', '--base-url', 'https://dsm.example']),
    ).toEqual({ kind: 'run', baseUrl: 'https://dsm.example', autoLockMs: 600_000 });
  });

  it('uses a 6 s window on the emulator and DSM ten minutes on a real DSM', () => {
    expect(parseWalkthroughArgs([])).toEqual({
      kind: 'run',
      baseUrl: undefined,
      autoLockMs: 6_000,
    });
    expect(parseWalkthroughArgs(['--base-url', 'https://dsm.example'])).toMatchObject({
      autoLockMs: 600_000,
    });
  });

  it.each([
    [['--port', '8090'], "Unknown option '--port'"],
    [['extra'], "Unexpected argument 'extra'"],
    [['--', '--auto-lock-ms', '600000'], "Unexpected argument '--auto-lock-ms'"],
    [['--base-url'], "Option '--base-url <value>' argument missing"],
    [['--base-url', 'not a url'], '--base-url must be a URL'],
    [['--auto-lock-ms', '10'], '--auto-lock-ms must be a number of milliseconds, at least 2000'],
  ])('answers %j with one line: %s', (args, message) => {
    const parsed = parseWalkthroughArgs(args);
    expect(parsed).toMatchObject({ kind: 'error' });
    const text = (parsed as { message: string }).message;
    expect(text).toContain(message);
    expect(text).not.toContain('\n');
  });

  it('refuses an unknown option with one line on stderr and exit code 2, no stack', async () => {
    const run = await npmStart('--port', '8090');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim()).toBe("npm start: Unknown option '--port'. See npm start -- --help.");
  });
});
