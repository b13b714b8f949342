import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USER } from '../../src/emulator/index.js';
import { type BundledScript, bundleScript } from '../support/nodeScript.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('npm run emulator (src/emulator/cli.ts)', () => {
  let cli: BundledScript;
  beforeAll(async () => {
    cli = await bundleScript('src/emulator/cli.ts');
  });
  afterAll(() => cli?.remove());

  /** Starts the CLI on a free port, with `env` added; resolves once it says it is ready. */
  async function startCli(env: Record<string, string> = {}) {
    const child = spawn(process.execPath, [...cli.argv, '--port', '0'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    const run = { child, output: '', errors: '', exited: once(child, 'exit') };
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      run.errors += chunk;
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        run.output += chunk;
        if (run.output.includes('Press Ctrl+C')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`exited early (${code}): ${run.errors}`)));
    });
    return run;
  }

  const clockStatus = async (url: string, token?: string) =>
    (
      await fetch(
        `${url}/__emulator/clock`,
        token ? { headers: { 'x-emulator-token': token } } : {},
      )
    ).status;

  it('prints its URL and the demo credentials, serves DSM, and stops on SIGTERM; the control token goes to a file of its own, never to the output', async () => {
    const run = await startCli();
    try {
      const url = run.output.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)?.[1] ?? '';
      expect(url).not.toBe('');
      expect(run.output).toContain(DEMO_USER.email);
      expect(run.output).toContain(DEMO_USER.password);
      expect(run.output).toMatch(/CORS: +off/);
      const tokenFile = run.output.match(/control token: +in (\S+)/)?.[1] ?? '';
      const token = await readFile(tokenFile, 'utf8');
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      // Readable and writable by this user only.
      expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);
      expect(run.output + run.errors).not.toContain(token);
      expect(await clockStatus(url)).toBe(401);
      expect(await clockStatus(url, token)).toBe(200);
      const res = await fetch(`${url}/sys/v1/session/auth`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${DEMO_USER.email}:${DEMO_USER.password}`).toString('base64')}`,
        },
      });
      expect(res.status).toBe(200);
      run.child.kill('SIGTERM');
      const [code] = await run.exited;
      expect(code).toBe(0);
      expect(run.output).toContain('Stopped (SIGTERM).');
      // Gone with the emulator.
      await expect(stat(tokenFile)).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      if (run.child.exitCode === null) run.child.kill('SIGKILL');
    }
  });

  it('takes the control token from DSM_EMULATOR_CONTROL_TOKEN, writes no file and never prints it', async () => {
    const token = 'a-token-chosen-by-the-ci-job-0123456789';
    const run = await startCli({ DSM_EMULATOR_CONTROL_TOKEN: token });
    try {
      const url = run.output.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)?.[1] ?? '';
      expect(run.output).toMatch(/control token: +from DSM_EMULATOR_CONTROL_TOKEN/);
      expect(run.output + run.errors).not.toContain(token);
      expect(await clockStatus(url, token)).toBe(200);
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
    }
  });

  it('says in one line that the port is taken, naming it and --port 0', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const child = spawn(process.execPath, [...cli.argv, '--port', String(port)], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let errors = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        errors += chunk;
      });
      const [code] = await once(child, 'exit');
      expect(code).toBe(1);
      const lines = errors.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`Port ${port}`);
      expect(lines[0]).toContain('--port 0');
      expect(errors).not.toContain('EADDRINUSE');
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});
