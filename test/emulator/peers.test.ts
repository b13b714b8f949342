/**
 * The emulator's server stack is an optional peer of dsm-2fa-guard: apps that only use `.` do
 * not install it, and importing `./emulator` without it says what to install.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  EMULATOR_PEER_DEPENDENCIES,
  EmulatorDependencyError,
  loadEmulatorRuntime,
} from '../../src/emulator/index.js';
import { bundleScript } from '../support/nodeScript.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Runs a script (bundled for node) with the emulator's peers hidden; returns its output. */
async function withoutPeers(entry: string) {
  const script = await bundleScript(entry);
  try {
    const result = spawnSync(
      process.execPath,
      ['--import', './test/emulator/support/withoutEmulatorPeers.mjs', ...script.argv],
      { cwd: root, encoding: 'utf8', timeout: 60_000 },
    );
    return { stdout: result.stdout, stderr: result.stderr, status: result.status };
  } finally {
    await script.remove();
  }
}

function notFound(name: string): Error {
  return Object.assign(new Error(`Cannot find package '${name}' imported from /app/x.js`), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
}

describe('without the emulator packages installed', () => {
  // One process imports ./testing, then ./emulator, then `.` (a node process costs a second).
  let report: Record<string, { name: string; code: string; message: string } | string>;
  beforeAll(async () => {
    const { stdout, stderr, status } = await withoutPeers(
      'test/emulator/support/importEmulatorEntry.ts',
    );
    expect(status, stderr).toBe(0);
    report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
  }, 60_000);

  it('importing ./testing (which starts the emulator) throws the same typed error', () => {
    expect(report.testing).toMatchObject({
      name: 'EmulatorDependencyError',
      code: 'EMULATOR_DEPENDENCY_MISSING',
    });
  });

  it('importing ./emulator throws EmulatorDependencyError naming what to install, and . still loads', () => {
    expect(report.emulator).toMatchObject({
      name: 'EmulatorDependencyError',
      code: 'EMULATOR_DEPENDENCY_MISSING',
    });
    const { message } = report.emulator as { message: string };
    for (const peer of EMULATOR_PEER_DEPENDENCIES) expect(message).toContain(peer);
    expect(message).toContain('npm install --save-dev');
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
