import { spawn } from 'node:child_process';
import { once } from 'node:events';
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

  it('prints its URL and the demo credentials, serves DSM, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [...cli.argv, '--port', '0'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let errors = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      errors += chunk;
    });
    const exited = once(child, 'exit');
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk;
        if (output.includes('Press Ctrl+C')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`exited early (${code}): ${errors}`)));
    });
    try {
      await ready;
      const url = output.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)?.[1];
      expect(url).toBeDefined();
      expect(output).toContain(DEMO_USER.email);
      expect(output).toContain(DEMO_USER.password);
      const token = output.match(/control token: +(\S+)/)?.[1];
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(output).toMatch(/CORS: +off/);
      expect((await fetch(`${url}/__emulator/clock`)).status).toBe(401);
      const clock = await fetch(`${url}/__emulator/clock`, {
        headers: { 'x-emulator-token': String(token) },
      });
      expect(clock.status).toBe(200);
      const res = await fetch(`${url}/sys/v1/session/auth`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${DEMO_USER.email}:${DEMO_USER.password}`).toString('base64')}`,
        },
      });
      expect(res.status).toBe(200);
      child.kill('SIGTERM');
      const [code] = await exited;
      expect(code).toBe(0);
      expect(output).toContain('Stopped (SIGTERM).');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
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
