/**
 * `npm test`: the type check, the lint and vitest, side by side. vitest spends its first
 * seconds starting up on one core; the type check and the lint use the other one meanwhile,
 * instead of running before it. Their output is held and shown after vitest's, in full when
 * one fails. Arguments go to vitest (`npm test -- test/client`). The exit code is non-zero
 * when any of the three fails.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const bin = (path) => fileURLToPath(new URL(`../node_modules/${path}`, import.meta.url));

/** Runs a node script with its output held; resolves with its exit code and output. */
function held(name, script, args) {
  const child = spawn(process.execPath, [bin(script), ...args], { cwd: root });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk) => {
    output += chunk;
  });
  return new Promise((resolve) => {
    child.once('error', (error) => resolve({ name, code: 1, output: String(error) }));
    child.once('close', (code, signal) => resolve({ name, code: code ?? signal, output }));
  });
}

const checks = [
  held('typecheck', 'typescript/bin/tsc', [
    '--noEmit',
    '--incremental',
    '--tsBuildInfoFile',
    'node_modules/.cache/dsm-2fa-guard/typecheck.tsbuildinfo',
  ]),
  held('lint', '@biomejs/biome/bin/biome', ['check', '.', '--colors=off']),
];

const vitest = spawn(
  process.execPath,
  [bin('vitest/vitest.mjs'), 'run', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
const stop = (signal) => vitest.kill(signal);
process.once('SIGINT', stop).once('SIGTERM', stop);
const vitestCode = await new Promise((resolve) => {
  vitest.once('error', () => resolve(1));
  vitest.once('close', (code, signal) => resolve(code ?? signal));
});

let failed = vitestCode !== 0;
const summary = [];
for (const { name, code, output } of await Promise.all(checks)) {
  if (code === 0) {
    summary.push(`${name}: passed`);
    // Warnings do not fail the run, but are shown.
    if (/Found \d+ warning/.test(output)) process.stdout.write(`\n${output}\n`);
    continue;
  }
  failed = true;
  summary.push(`${name}: FAILED`);
  process.stdout.write(`\n${name} failed:\n${output}\n`);
}
console.log(summary.join(', '));
process.exitCode = failed ? 1 : 0;
