import { waitFor } from 'xstate';
import { createTwoFactorConfig } from '../../../src/workflow/index.js';
import { startBareActor } from '../support/bareMachine.js';
import { BARS, goalOf } from '../support/goals.js';
import { noopClient } from '../support/noopClient.js';
import { formatRate, formatRatio, type Scenario } from '../support/results.js';
import { median, nowMs } from '../support/stats.js';

/** unlock, its actor's done event, lock, its actor's done event. */
const EVENTS_PER_CYCLE = 4;

/**
 * Unlock/lock cycles with no I/O (a no-op DSM client), counted in machine events per second:
 * through the controller's promise API, against a bare XState actor of the same four states
 * driven with `send` and `waitFor`. Batches alternate.
 */
export const eventRate: Scenario = {
  title: 'events per second (unlock/lock cycles, no I/O): controller vs bare actor',
  async run(progress, { quick }) {
    const rounds = quick ? 6 : 30;
    const batch = quick ? 200 : 1_000;
    const workflow = createTwoFactorConfig({
      client: noopClient,
      userId: 'bench-user',
      browserLifecycle: false,
    });
    const bare = startBareActor();

    const controllerBatch = async () => {
      const started = nowMs();
      for (let i = 0; i < batch; i++) {
        await workflow.unlock('bench-password');
        await workflow.lock();
      }
      return (batch * EVENTS_PER_CYCLE * 1000) / (nowMs() - started);
    };
    const bareBatch = async () => {
      const started = nowMs();
      for (let i = 0; i < batch; i++) {
        bare.send({ type: 'unlock' });
        await waitFor(bare, (snapshot) => snapshot.matches('unlocked'));
        bare.send({ type: 'lock' });
        await waitFor(bare, (snapshot) => snapshot.matches('locked'));
      }
      return (batch * EVENTS_PER_CYCLE * 1000) / (nowMs() - started);
    };

    await controllerBatch(); // warm-up
    await bareBatch();
    const controllerRates: number[] = [];
    const bareRates: number[] = [];
    for (let round = 0; round < rounds; round++) {
      if (round % 2 === 0) {
        controllerRates.push(await controllerBatch());
        bareRates.push(await bareBatch());
      } else {
        bareRates.push(await bareBatch());
        controllerRates.push(await controllerBatch());
      }
      progress.count(round + 1, rounds, 'rounds');
    }
    await workflow.dispose();
    bare.stop();

    const controller = median(controllerRates);
    const baseline = median(bareRates);
    progress.end(`${formatRate(controller)} vs ${formatRate(baseline)}`);
    return {
      rows: [
        {
          measure: `Events per second (unlock → locked cycles, ${EVENTS_PER_CYCLE} events each, no I/O), median of ${rounds} × ${batch} cycles`,
          library: formatRate(controller),
          baseline: `bare XState actor, same four states: ${formatRate(baseline)}`,
          // Issue 12 states this one as throughput: the controller's rate ÷ the bare actor's,
          // so 1× is as fast and higher is better (unlike the cost ratios of the other rows).
          ratio: `${formatRatio(controller / baseline)} of the bare rate`,
          ...goalOf(BARS.eventRate, controller / baseline),
        },
      ],
      data: {
        eventRate: { rounds, batch, eventsPerCycle: EVENTS_PER_CYCLE, controllerRates, bareRates },
      },
    };
  },
};
