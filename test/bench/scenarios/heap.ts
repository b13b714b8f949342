import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { formatRatio, type Scenario } from '../support/results.js';
import { mean } from '../support/stats.js';

const GOAL = 1.25;
const child = fileURLToPath(new URL('./heapChild.ts', import.meta.url));

interface HeapResults {
  count: number;
  rounds: number;
  results: Record<string, Array<{ bytesEach: number; timersEach: number }>>;
}

/** Runs `heapChild.ts` under `node --expose-gc`, passing its progress through. */
function runChild(count: number, rounds: number): Promise<HeapResults> {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      [
        '--expose-gc',
        '--max-old-space-size=4096',
        '--import',
        'tsx',
        child,
        `${count}`,
        `${rounds}`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let stdout = '';
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => {
      stdout += chunk;
    });
    proc.on('error', reject);
    proc.on('close', (code) => {
      if (code !== 0) reject(new Error(`The heap child exited with ${code}.`));
      else resolve(JSON.parse(stdout) as HeapResults);
    });
  });
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`;

/**
 * Heap per live unlocked workflow (restored from a persisted unlocked snapshot, so its timer is
 * pending, with a shared no-op DSM client) against a bare XState actor of the same four states
 * with the same pending `after`; and, to show where the bytes go, the statechart's actor alone.
 */
export const heap: Scenario = {
  title: 'heap per live unlocked workflow (timer pending): controller vs bare actor',
  async run(progress, { quick }) {
    const count = quick ? 20_000 : 100_000;
    const rounds = 2;
    const { results } = await runChild(count, rounds);
    const bytes = (kind: string) => mean(results[kind]!.map((result) => result.bytesEach));
    const timers = (kind: string) => mean(results[kind]!.map((result) => result.timersEach));
    const controller = bytes('controller');
    const bare = bytes('bare');
    const machineAlone = bytes('machineAlone');
    const ratio = controller / bare;
    progress.end(`${kb(controller)} vs ${kb(bare)}: ${formatRatio(ratio)}`);
    return {
      rows: [
        {
          measure: `Heap per live unlocked workflow, auto-lock timer pending (${count.toLocaleString('en')} live, mean of ${rounds} rounds; ${timers('controller')} timer each)`,
          library: kb(controller),
          baseline: `bare XState actor, same four states, same pending after: ${kb(bare)}`,
          ratio: formatRatio(ratio),
          goal: `≤ ${formatRatio(GOAL)}`,
          met: ratio <= GOAL,
        },
        {
          measure: '… of which the statechart’s own actor (no controller around it)',
          library: kb(machineAlone),
          baseline: `bare: ${kb(bare)}`,
          ratio: formatRatio(machineAlone / bare),
          goal: '—',
          met: null,
        },
      ],
      data: { heap: { count, rounds, results } },
    };
  },
};
