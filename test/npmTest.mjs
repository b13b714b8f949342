/**
 * `npm test`: the type check, the lint and vitest, side by side. vitest spends its first
 * seconds starting up on one core; the type check and the lint use the other one meanwhile,
 * instead of running before it. Their output is held and shown on stderr after vitest's (stdout
 * stays vitest's own, for `--reporter=json`), in full when one fails. Arguments go to vitest
 * (`npm test -- test/client`); the type check and the lint always cover the whole project. The
 * exit code is non-zero when any of the three fails; Ctrl+C or a SIGTERM stops all three.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const bin = (path) => fileURLToPath(new URL(`../node_modules/${path}`, import.meta.url));
const children = [];
let interrupted;

/** Runs a node script; resolves with its exit code (or signal) and, when held, its output. */
function run(name, script, args, { hold }) {
  const child = spawn(process.execPath, [bin(script), ...args], {
    cwd: root,
    stdio: hold ? ['ignore', 'pipe', 'pipe'] : 'inherit',
  });
  children.push(child);
  let output = '';
  if (hold) {
    for (const stream of [child.stdout, child.stderr]) {
      stream.setEncoding('utf8').on('data', (chunk) => {
        output += chunk;
      });
    }
  }
  return new Promise((resolve) => {
    child.once('error', (error) => resolve({ name, code: 1, output: String(error) }));
    child.once('close', (code, signal) => resolve({ name, code: code ?? signal, output }));
  });
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    interrupted = signal;
    for (const child of children) child.kill(signal);
  });
}

const checks = [
  run(
    'typecheck',
    'typescript/bin/tsc',
    [
      '--noEmit',
      '--incremental',
      '--tsBuildInfoFile',
      'node_modules/.cache/dsm-2fa-guard/typecheck.tsbuildinfo',
    ],
    { hold: true },
  ),
  run('lint', '@biomejs/biome/bin/biome', ['check', '.', '--colors=off'], { hold: true }),
];
const vitest = await run('vitest', 'vitest/vitest.mjs', ['run', ...process.argv.slice(2)], {
  hold: false,
});

let failed = vitest.code !== 0;
const summary = [];
for (const { name, code, output } of await Promise.all(checks)) {
  if (interrupted) {
    summary.push(`${name}: stopped`);
    continue;
  }
  if (code === 0) {
    summary.push(`${name}: passed`);
    // Warnings do not fail the run, but are shown.
    if (/Found \d+ warning/.test(output)) process.stderr.write(`\n${output}\n`);
    continue;
  }
  failed = true;
  summary.push(`${name}: FAILED`);
  process.stderr.write(`\n${name} failed:\n${output}\n`);
}
process.stderr.write(`${summary.join(', ')}\n`);
process.exitCode = interrupted ? 128 + (interrupted === 'SIGINT' ? 2 : 15) : failed ? 1 : 0;
