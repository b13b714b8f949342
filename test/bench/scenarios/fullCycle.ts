import { createDsmClient } from '../../../src/client/index.js';
import { DEMO_USER } from '../../../src/emulator/index.js';
import { controllerFullCycle } from '../support/controllerCycle.js';
import { startEmulatorProcess } from '../support/emulatorClient.js';
import { BARS, goalOf } from '../support/goals.js';
import { rawFullCycle } from '../support/rawCycle.js';
import { formatMs, formatRatio, type Scenario } from '../support/results.js';
import { toSession } from '../support/sessions.js';
import { median, nowMs, quantile } from '../support/stats.js';

/**
 * Unlock → generate recovery codes → lock, through the controller (created and disposed per
 * cycle, as a stateless back end would) and as the same three requests with raw `fetch`,
 * against one emulator (in a process of its own) on loopback. Pairs run back to back in
 * alternating order; each side has its own session of the demo user.
 * `latencyMs` adds that much to every request on the emulator's side: a DSM across a network.
 */
export function fullCycleScenario(latencyMs: number): Scenario {
  if (latencyMs !== 0 && latencyMs !== 5) throw new Error('Issue 12 sets bars for 0 and 5 ms.');
  const bar = latencyMs === 0 ? BARS.fullCycleLoopback : BARS.fullCycleLatency5ms;
  const where = latencyMs === 0 ? 'on loopback' : `with ${latencyMs} ms of DSM latency per request`;
  return {
    title: `full cycle ${where} (unlock → recovery codes → lock): controller vs raw fetch`,
    async run(progress, { quick }) {
      const warmup = quick ? 20 : latencyMs === 0 ? 200 : 20;
      const pairs = quick ? 100 : latencyMs === 0 ? 2_000 : 300;
      const emulator = await startEmulatorProcess();
      try {
        const base = createDsmClient({ baseUrl: emulator.url });
        const [forLibrary, forRaw] = await emulator.openSessions(2);
        const library = toSession(base, forLibrary!);
        const raw = toSession(base, forRaw!);
        await emulator.setLatency(latencyMs);
        const password = DEMO_USER.password;
        const timed = async (cycle: () => Promise<readonly string[]>) => {
          const started = nowMs();
          const codes = await cycle();
          const ms = nowMs() - started;
          if (codes.length === 0) throw new Error('No recovery codes came back.');
          return ms;
        };
        const controllerCycle = () =>
          timed(() => controllerFullCycle(library.client, library.userId, password));
        const rawCycle = () => timed(() => rawFullCycle(emulator.url, raw.token, password));

        const controllerMs: number[] = [];
        const rawMs: number[] = [];
        for (let i = 0; i < warmup + pairs; i++) {
          const controllerFirst = i % 2 === 0;
          const first = await (controllerFirst ? controllerCycle() : rawCycle());
          const second = await (controllerFirst ? rawCycle() : controllerCycle());
          if (i < warmup) continue;
          controllerMs.push(controllerFirst ? first : second);
          rawMs.push(controllerFirst ? second : first);
          progress.count(i + 1 - warmup, pairs, 'pairs');
        }
        const leftUnlocked = await emulator.unlockedCount();
        if (leftUnlocked > 0) throw new Error(`${leftUnlocked} sessions left unlocked.`);

        const ratio = median(controllerMs) / median(rawMs);
        // The fastest tenth of each: the closest to a quiet machine.
        const quietRatio = quantile(controllerMs, 0.1) / quantile(rawMs, 0.1);
        progress.end(`${formatRatio(ratio)} (p10 ${formatRatio(quietRatio)})`);
        return {
          rows: [
            {
              measure: `Full cycle ${where} (unlock → recovery codes → lock: 3 requests), median of ${pairs} interleaved pairs; workflow created and disposed in each cycle`,
              library: formatMs(median(controllerMs)),
              baseline: `the same 3 requests with raw fetch: ${formatMs(median(rawMs))}`,
              ratio: `${formatRatio(ratio)} (fastest tenth: ${formatRatio(quietRatio)})`,
              ...goalOf(bar, ratio),
            },
          ],
          data: {
            [latencyMs === 0 ? 'fullCycle' : `fullCycleLatency${latencyMs}ms`]: {
              latencyMs,
              warmup,
              pairs,
              ratio,
              quietRatio,
              controllerMs,
              rawMs,
            },
          },
        };
      } finally {
        await emulator.close();
      }
    },
  };
}
