import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BARS, goalOf } from '../support/goals.js';
import { formatRatio, type Scenario } from '../support/results.js';
import { mean } from '../support/stats.js';

const benchChild = fileURLToPath(new URL('./heapChild.ts', import.meta.url));
const independentChild = fileURLToPath(new URL('./heapIndependent.ts', import.meta.url));

interface BenchHeap {
  count: number;
  rounds: number;
  results: Record<string, Array<{ bytesEach: number; timersEach: number }>>;
}

interface IndependentHeap {
  count: number;
  workflowBytesEach: number;
  bareBytesEach: number;
  bareAloneBytesEach: number;
  timersEach: number;
  bareTimersEach: number;
}

/** Runs a child script under `node --expose-gc`, passing its progress through; its JSON out. */
function runChild<T>(script: string, args: number[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      ['--expose-gc', '--max-old-space-size=4096', '--import', 'tsx', script, ...args.map(String)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let stdout = '';
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => {
      stdout += chunk;
    });
    proc.on('error', reject);
    proc.on('close', (code) => {
      if (code !== 0) reject(new Error(`The heap child ${script} exited with ${code}.`));
      else resolve(JSON.parse(stdout) as T);
    });
  });
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`;

/**
 * Heap per live unlocked workflow against a bare XState actor of the same four states with the
 * same pending `after`, measured two ways, each in a process of its own under `--expose-gc` and
 * read the way the process itself sees its heap (`process.memoryUsage().heapUsed` after two
 * `gc()`s, before and after each batch):
 * - the bench's method (`heapChild.ts`): 100 000 of each, each batch alone in the heap,
 *   alternating order over two rounds, mean; plus the statechart's actor alone;
 * - the independent method (`heapIndependent.ts`): the emulator and a real client in
 *   the same process, 20 000 workflows restored from one persisted unlocked snapshot, then
 *   20 000 bare actors beside them, one pass each.
 */
export const heap: Scenario = {
  title: 'heap per live unlocked workflow (timer pending): controller vs bare actor, two methods',
  async run(progress, { quick }) {
    const count = quick ? 20_000 : 100_000;
    const rounds = 2;
    const independentCount = 20_000;
    const { results } = await runChild<BenchHeap>(benchChild, [count, rounds]);
    const independent = await runChild<IndependentHeap>(independentChild, [independentCount]);
    const bytes = (kind: string) => mean(results[kind]!.map((result) => result.bytesEach));
    const timers = (kind: string) => mean(results[kind]!.map((result) => result.timersEach));
    const controller = bytes('controller');
    const bare = bytes('bare');
    const machineAlone = bytes('machineAlone');
    const ratio = controller / bare;
    const independentRatio = independent.workflowBytesEach / independent.bareBytesEach;
    progress.end(
      `${kb(controller)} vs ${kb(bare)}: ${formatRatio(ratio)}; ` +
        `independently ${kb(independent.workflowBytesEach)} vs ${kb(independent.bareBytesEach)}: ${formatRatio(independentRatio)}`,
    );
    return {
      rows: [
        {
          measure: `Heap per live unlocked workflow, auto-lock timer pending: the bench’s method (child process, \`heapUsed\` after 2 × \`gc()\`; ${count.toLocaleString('en')} restored from one persisted snapshot, a real client shared, each batch alone in the heap, mean of ${rounds} alternating rounds; ${timers('controller')} timer each)`,
          library: kb(controller),
          baseline: `bare XState actor, same four states, same pending after: ${kb(bare)}`,
          ratio: formatRatio(ratio),
          ...goalOf(BARS.heap, ratio),
        },
        {
          measure: `… measured independently (one process with the emulator and a real client in it: ${independentCount.toLocaleString('en')} workflows restored from one persisted unlocked snapshot, then ${independentCount.toLocaleString('en')} bare actors beside them; \`heapUsed\` after 2 × \`gc()\` before and after each batch; ${independent.timersEach} timer each)`,
          library: kb(independent.workflowBytesEach),
          baseline: `bare: ${kb(independent.bareBytesEach)} (the same bare batch alone in that heap: ${kb(independent.bareAloneBytesEach)})`,
          ratio: formatRatio(independentRatio),
          ...goalOf(BARS.heap, independentRatio),
        },
        {
          measure:
            '… of which the statechart’s own actor (no controller around it; bench’s method)',
          library: kb(machineAlone),
          baseline: `bare: ${kb(bare)}`,
          ratio: formatRatio(machineAlone / bare),
          goal: '—',
          met: null,
        },
      ],
      data: { heap: { count, rounds, results }, heapIndependent: independent },
    };
  },
};
