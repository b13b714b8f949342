import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BundledScript, bundleScript } from '../support/nodeScript.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const CONTROL_TOKEN = 'a-control-token-for-the-example-page-test';

describe('npm run example:web (examples/web/serve.ts)', () => {
  let serve: BundledScript;
  beforeAll(async () => {
    serve = await bundleScript('examples/web/serve.ts');
  });
  afterAll(() => serve?.remove());

  it('serves the page and the emulator, proxies DSM to it, prints both URLs and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [...serve.argv, '--port', '0', '--emulator-port', '0'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DSM_EMULATOR_CONTROL_TOKEN: CONTROL_TOKEN },
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
      const page = output.match(/page:\s+http:\/\/localhost:(\d+)\//)?.[1];
      const emulator = output.match(/emulator:\s+(http:\/\/127\.0\.0\.1:\d+)/)?.[1];
      expect(page).toBeDefined();
      expect(emulator).toBeDefined();
      expect(output).toContain('?inspect');
      // The control token works and is never printed.
      expect(output + errors).not.toContain(CONTROL_TOKEN);
      const clock = await fetch(`${emulator}/__emulator/clock`, {
        headers: { 'x-emulator-token': CONTROL_TOKEN },
      });
      expect(clock.status).toBe(200);

      const html = await fetch(`http://127.0.0.1:${page}/`).then((r) => r.text());
      expect(html).toContain('<div id="root">');
      // DSM's API on the page's own origin reaches the emulator.
      const viaPage = await fetch(`http://127.0.0.1:${page}/sys/v1/session/auth`, {
        method: 'POST',
      });
      expect(viaPage.status).toBe(401);
      expect(await viaPage.text()).toMatch(/credentials|password/i);
    } finally {
      child.kill('SIGTERM');
      const [code] = await exited;
      expect(code).toBe(0);
      expect(output).toContain('Stopped (SIGTERM)');
    }
  });
});
