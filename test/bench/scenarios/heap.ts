import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BARS, goalOf } from '../support/goals.js';
import { formatRatio, type Scenario } from '../support/results.js';
import { mean } from '../support/stats.js';

const benchChild = fileURLToPath(new URL('./heapChild.ts', import.meta.url));
const independentChild = fileURLToPath(new URL('./heapIndependent.ts', import.meta.url));

interface BenchHeap {
  kind: string;
  count: number;
  bytesEach: number;
  timersEach: number;
}

/** The bench's method: each kind's batch in a fresh process, alternating order by round. */
async function benchMethod(count: number, rounds: number) {
  const kinds = ['controller', 'bare', 'machineAlone'];
  const results: Record<string, BenchHeap[]> = Object.fromEntries(kinds.map((k) => [k, []]));
  for (let round = 0; round < rounds; round++) {
    for (const kind of round % 2 === 0 ? kinds : [...kinds].reverse()) {
      results[kind]!.push(await runChild<BenchHeap>(benchChild, [count, kind]));
    }
  }
  return results;
}

interface IndependentHeap {
  count: number;
  order: [string, string];
  workflowBytesEach: number;
  bareBytesEach: number;
  /** The kind measured second, measured again alone once both batches are gone. */
  secondAloneBytesEach: number;
  workflowTimersEach: number;
  bareTimersEach: number;
}

/** Runs a child script under `node --expose-gc`, passing its progress through; its JSON out. */
function runChild<T>(script: string, args: Array<number | string>): Promise<T> {
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
 * - the bench's method (`heapChild.ts`): 100 000 of each, each batch in a fresh process with
 *   nothing else of XState in it (as a user's process holds only its workflows), two rounds,
 *   mean; plus the statechart's actor alone;
 * - the independent method (`heapIndependent.ts`): the emulator and a real client in
 *   the same process, 20 000 workflows restored from one persisted unlocked snapshot and
 *   20 000 bare actors, one pass each, the second batch beside the first; run twice, in a fresh
 *   process each, workflows first and bare actors first (the order changes the figure).
 */
export const heap: Scenario = {
  title: 'heap per live unlocked workflow (timer pending): controller vs bare actor, two methods',
  async run(progress, { quick }) {
    const count = quick ? 20_000 : 100_000;
    const rounds = 2;
    const independentCount = 20_000;
    const results = await benchMethod(count, rounds);
    // The method leaves the order of its two batches open; it matters, so both.
    const independent = await runChild<IndependentHeap>(independentChild, [
      independentCount,
      'workflows-first',
    ]);
    const bareFirst = await runChild<IndependentHeap>(independentChild, [
      independentCount,
      'bare-first',
    ]);
    const bytes = (kind: string) => mean(results[kind]!.map((result) => result.bytesEach));
    const timers = (kind: string) => mean(results[kind]!.map((result) => result.timersEach));
    const controller = bytes('controller');
    const bare = bytes('bare');
    const machineAlone = bytes('machineAlone');
    const ratio = controller / bare;
    const independentRatio = independent.workflowBytesEach / independent.bareBytesEach;
    const bareFirstRatio = bareFirst.workflowBytesEach / bareFirst.bareBytesEach;
    progress.end(
      `${kb(controller)} vs ${kb(bare)}: ${formatRatio(ratio)}; independently ` +
        `${formatRatio(independentRatio)} (workflows first), ${formatRatio(bareFirstRatio)} (bare first)`,
    );
    const n = independentCount.toLocaleString('en');
    return {
      rows: [
        {
          measure: `Heap per live unlocked workflow, auto-lock timer pending: the bench’s method (\`heapUsed\` after 2 × \`gc()\`; ${count.toLocaleString('en')} restored from one persisted snapshot, a real client shared; each batch in a fresh process, nothing else in it; mean of ${rounds} rounds; ${timers('controller')} timer each)`,
          library: kb(controller),
          baseline: `bare XState actor, same four states, same pending after: ${kb(bare)}`,
          ratio: formatRatio(ratio),
          ...goalOf(BARS.heap, ratio),
        },
        {
          measure: `… measured independently as issue 12 states it: one process with the emulator and a real client in it, ${n} workflows restored from one persisted unlocked snapshot (${independent.workflowTimersEach} timer each), then ${n} bare actors beside them; \`heapUsed\` after 2 × \`gc()\` before and after each batch`,
          library: kb(independent.workflowBytesEach),
          baseline: `bare: ${kb(independent.bareBytesEach)} (the same bare batch alone in that heap afterwards: ${kb(independent.secondAloneBytesEach)})`,
          ratio: formatRatio(independentRatio),
          ...goalOf(BARS.heap, independentRatio),
        },
        {
          measure: `… the same, bare actors first (a fresh process; the ${n} workflows restored beside them)`,
          library: `${kb(bareFirst.workflowBytesEach)} (alone in that heap afterwards: ${kb(bareFirst.secondAloneBytesEach)})`,
          baseline: `bare: ${kb(bareFirst.bareBytesEach)}`,
          ratio: formatRatio(bareFirstRatio),
          ...goalOf(BARS.heap, bareFirstRatio),
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
      data: {
        heap: { count, rounds, results },
        heapIndependent: { workflowsFirst: independent, bareFirst },
      },
    };
  },
};
