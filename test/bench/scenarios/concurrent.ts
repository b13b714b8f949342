import { createDsmClient } from '../../../src/client/index.js';
import { DEMO_USER } from '../../../src/emulator/index.js';
import { createTwoFactorConfig } from '../../../src/workflow/index.js';
import { startEmulatorProcess } from '../support/emulatorClient.js';
import { createLimiter, timedFetch } from '../support/limiter.js';
import { formatMs, formatRate, type Scenario } from '../support/results.js';
import { type Session, toSession } from '../support/sessions.js';
import { nowMs, quantile } from '../support/stats.js';

/**
 * Cycles in flight at once. Unbounded, 10 000 concurrent requests open 10 000 sockets on each
 * side of loopback: 20 000 descriptors, the per-process limit here (`ulimit -n`); and requests
 * queued behind thousands of others spend the client's 30 s timeout waiting. One emulator
 * process is saturated well before 64 (256 measured the same throughput, 4× the latency).
 */
const IN_FLIGHT_LIMIT = 64;

/**
 * 10 000 live workflows, each with its own session, all started at once on full cycles against
 * one emulator (in a process of its own) over loopback, at most 64 cycles in flight (a pool, as
 * a back end would bound it). Sessions are opened beforehand, untimed. Reported:
 * throughput, each cycle's latency (from leaving the pool's queue to locked), each request's
 * time on the wire, errors, and the server's truth at the end (no session left unlocked).
 */
export const concurrent: Scenario = {
  title: '10 000 workflows doing full cycles concurrently against one emulator',
  async run(progress, { quick }) {
    const total = quick ? 1_000 : 10_000;
    const emulator = await startEmulatorProcess();
    try {
      const wireMs: number[] = [];
      const base = createDsmClient({
        baseUrl: emulator.url,
        fetch: timedFetch((ms) => wireMs.push(ms)),
      });
      const pool = createLimiter(IN_FLIGHT_LIMIT);
      const sessions: Session[] = [];
      while (sessions.length < total) {
        const opened = await emulator.openSessions(Math.min(1000, total - sessions.length));
        sessions.push(...opened.map((session) => toSession(base, session)));
        progress.count(sessions.length, total, 'sessions opened');
      }

      const workflows = sessions.map(({ client, userId }) =>
        createTwoFactorConfig({ client, userId, browserLifecycle: false }),
      );
      progress.note(`${workflows.length} workflows live`);
      const password = DEMO_USER.password;
      let done = 0;
      let errors = 0;
      const firstErrors: string[] = [];
      const cycleMs: number[] = [];
      const ticker = setInterval(() => progress.count(done, total, 'cycles done'), 2000);
      const started = nowMs();
      await Promise.all(
        workflows.map(async (workflow) => {
          try {
            cycleMs.push(
              await pool.run(async () => {
                const cycleStarted = nowMs();
                await workflow.unlock(password);
                const codes = await workflow.generateRecoveryCodes();
                await workflow.lock();
                if (codes.length === 0) throw new Error('No recovery codes came back.');
                return nowMs() - cycleStarted;
              }),
            );
          } catch (error) {
            errors++;
            const { code, message } = error as { code?: string; message?: string };
            if (firstErrors.length < 5) firstErrors.push(`${code ?? 'Error'}: ${message}`);
          } finally {
            done++;
          }
        }),
      );
      const wallMs = nowMs() - started;
      clearInterval(ticker);
      await Promise.all(workflows.map((workflow) => workflow.dispose()));
      progress.count(done, total, 'cycles done');
      for (const message of firstErrors) progress.note(message);
      const leftUnlocked = await emulator.unlockedCount();

      const cyclesPerSecond = (cycleMs.length * 1000) / wallMs;
      const p50 = quantile(cycleMs, 0.5);
      const p99 = quantile(cycleMs, 0.99);
      const wireP50 = quantile(wireMs, 0.5);
      const wireP99 = quantile(wireMs, 0.99);
      progress.end(
        `${formatRate(cyclesPerSecond)} cycles, p50 ${formatMs(p50)}, p99 ${formatMs(p99)}, ${errors} errors`,
      );
      return {
        rows: [
          {
            measure: `${total.toLocaleString('en')} live workflows started at once on full cycles against one emulator, ≤ ${IN_FLIGHT_LIMIT} cycles in flight (descriptors)`,
            library:
              `${formatRate(cyclesPerSecond)} cycles (${formatRate(cyclesPerSecond * 3)} requests), ` +
              `all done in ${formatMs(wallMs)}; a cycle p50 ${formatMs(p50)}, p99 ${formatMs(p99)}; ` +
              `a request on the wire p50 ${formatMs(wireP50)}, p99 ${formatMs(wireP99)}`,
            baseline: `${errors} errors; ${leftUnlocked} sessions left unlocked on the server`,
            ratio: '—',
            goal: '0 errors',
            met: errors === 0 && leftUnlocked === 0,
          },
        ],
        data: {
          concurrent: {
            total,
            inFlightLimit: IN_FLIGHT_LIMIT,
            wallMs,
            cyclesPerSecond,
            cycleP50Ms: p50,
            cycleP99Ms: p99,
            requestP50Ms: wireP50,
            requestP99Ms: wireP99,
            errors,
            firstErrors,
            leftUnlocked,
          },
        },
      };
    } finally {
      await emulator.close();
    }
  },
};
