/**
 * The emulator's server stack is an optional peer of dsm-2fa-guard: apps that only use `.` do
 * not install it, and importing `./emulator` without it says what to install.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  EMULATOR_PEER_DEPENDENCIES,
  EmulatorDependencyError,
  loadEmulatorRuntime,
} from '../../src/emulator/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Runs an ES module snippet in Node with the emulator's peers hidden; returns its stdout. */
function withoutPeers(source: string): { stdout: string; stderr: string; status: number | null } {
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      './test/emulator/support/withoutEmulatorPeers.mjs',
      '--input-type=module',
      '--eval',
      source,
    ],
    { cwd: root, encoding: 'utf8', timeout: 60_000 },
  );
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

function notFound(name: string): Error {
  return Object.assign(new Error(`Cannot find package '${name}' imported from /app/x.js`), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
}

describe('without the emulator packages installed', () => {
  it('importing ./testing (which starts the emulator) throws the same typed error', () => {
    const { stdout, stderr, status } = withoutPeers(`
      try {
        await import('./src/testing/index.ts');
        console.log(JSON.stringify({ testing: 'loaded' }));
      } catch (error) {
        console.log(JSON.stringify({ testing: { name: error.name, code: error.code } }));
      }
    `);
    expect(status, stderr).toBe(0);
    expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}')).toEqual({
      testing: { name: 'EmulatorDependencyError', code: 'EMULATOR_DEPENDENCY_MISSING' },
    });
  });

  it('importing ./emulator throws EmulatorDependencyError naming what to install, and . still loads', () => {
    const { stdout, stderr, status } = withoutPeers(`
      const report = {};
      try {
        await import('./src/emulator/index.ts');
        report.emulator = 'loaded';
      } catch (error) {
        report.emulator = { name: error.name, code: error.code, message: error.message };
      }
      const main = await import('./src/index.ts');
      report.main = typeof main.createDsmClient;
      console.log(JSON.stringify(report));
    `);
    expect(status, stderr).toBe(0);
    const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
    expect(report.emulator).toMatchObject({
      name: 'EmulatorDependencyError',
      code: 'EMULATOR_DEPENDENCY_MISSING',
    });
    for (const peer of EMULATOR_PEER_DEPENDENCIES) expect(report.emulator.message).toContain(peer);
    expect(report.emulator.message).toContain('npm install --save-dev');
    expect(report.main).toBe('function');
  });

  it('loadEmulatorRuntime turns a missing peer into EmulatorDependencyError and passes anything else on', async () => {
    const missing = loadEmulatorRuntime(() => Promise.reject(notFound('@simplewebauthn/server')));
    await expect(missing).rejects.toBeInstanceOf(EmulatorDependencyError);
    await expect(missing).rejects.toMatchObject({ missing: '@simplewebauthn/server' });
    const subpath = loadEmulatorRuntime(() => Promise.reject(notFound('hono/cors')));
    await expect(subpath).rejects.toMatchObject({ missing: 'hono' });
    const other = notFound('left-pad');
    await expect(loadEmulatorRuntime(() => Promise.reject(other))).rejects.toBe(other);
    const broken = new SyntaxError('Unexpected token');
    await expect(loadEmulatorRuntime(() => Promise.reject(broken))).rejects.toBe(broken);
  });
});
