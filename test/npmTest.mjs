/**
 * `npm test`: the type check, the lint and vitest, side by side. vitest spends its first
 * seconds starting up on one core; the type check and the lint use the other one meanwhile,
 * instead of running before it. Their output is held and shown on stderr after vitest's (stdout
 * stays vitest's own, for `--reporter=json`), in full when one fails. Arguments go to vitest
 * (`npm test -- test/client`); the type check and the lint always cover the whole project. The
 * exit code is non-zero when any of the three fails; Ctrl+C or a SIGTERM stops all three.
 */
import { spawn } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const { scripts } = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
const children = [];
let interrupted;

/**
 * Runs a package's command (`node_modules/.bin`, a node script) as an npm script would, without
 * npm's own start-up; resolves with its exit code (or signal) and, when held, its output.
 */
function run(name, commandLine, extraArgs, { hold }) {
  const [command, ...args] = [...commandLine.trim().split(/\s+/), ...extraArgs];
  const script = realpathSync(`${root}node_modules/.bin/${command}`);
  const child = spawn(process.execPath, [script, ...args], {
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

// The commands of `npm run typecheck` and `npm run lint`, from package.json: written once.
const checks = [
  run('typecheck', scripts.typecheck, [], { hold: true }),
  run('lint', scripts.lint, ['--colors=off'], { hold: true }),
];
// Arguments go to vitest as they are (`npm test -- -t 'a test name'`).
const vitest = await run('vitest', 'vitest run', process.argv.slice(2), { hold: false });

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
