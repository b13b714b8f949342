import { createTwoFactorConfig } from '../../../src/workflow/index.js';
import { startBareActor } from '../support/bareMachine.js';
import { BARS, goalOf } from '../support/goals.js';
import { noopClient } from '../support/noopClient.js';
import { formatRatio, formatUs, type Scenario } from '../support/results.js';
import { median, nowMs } from '../support/stats.js';

/**
 * A config operation while locked, refused locally with a typed error and no I/O, through the
 * controller's promise API; against the floor: a bare actor's `send` that a guard turns down.
 * Batches of each alternate, so a noisy neighbour slows both.
 */
export const refusedOperation: Scenario = {
  title: 'refused operation (wrong state, no I/O): controller vs bare send + guard',
  async run(progress, { quick }) {
    const rounds = quick ? 6 : 40;
    const batch = quick ? 500 : 2_000;
    const workflow = createTwoFactorConfig({
      client: noopClient,
      userId: 'bench-user',
      browserLifecycle: false,
    });
    const bare = startBareActor();

    const controllerBatch = async () => {
      const started = nowMs();
      for (let i = 0; i < batch; i++) {
        const code = await workflow.generateRecoveryCodes().then(
          () => 'resolved',
          (error: { code?: string }) => error.code,
        );
        if (code !== 'CONFIG_LOCKED') throw new Error(`Expected CONFIG_LOCKED, got ${code}.`);
      }
      return ((nowMs() - started) * 1000) / batch;
    };
    const bareBatch = () => {
      const started = nowMs();
      for (let i = 0; i < batch; i++) bare.send({ type: 'operation' });
      const us = ((nowMs() - started) * 1000) / batch;
      if (!bare.getSnapshot().matches('locked')) throw new Error('The bare actor left locked.');
      return us;
    };

    await controllerBatch(); // warm-up: let the JIT see both paths first
    bareBatch();
    const controllerUs: number[] = [];
    const bareUs: number[] = [];
    for (let round = 0; round < rounds; round++) {
      if (round % 2 === 0) {
        controllerUs.push(await controllerBatch());
        bareUs.push(bareBatch());
      } else {
        bareUs.push(bareBatch());
        controllerUs.push(await controllerBatch());
      }
      progress.count(round + 1, rounds, 'rounds');
    }
    await workflow.dispose();
    bare.stop();

    const controller = median(controllerUs);
    const baseline = median(bareUs);
    progress.end(`${formatUs(controller)} vs ${formatUs(baseline)}`);
    return {
      rows: [
        {
          measure: `Refused operation (config operation while locked, typed error, no I/O), median of ${rounds} × ${batch}`,
          library: formatUs(controller),
          baseline: `bare XState send + guard: ${formatUs(baseline)}`,
          ratio: formatRatio(controller / baseline),
          ...goalOf(BARS.refusedOperation, controller / baseline),
        },
      ],
      data: { refusedOperation: { rounds, batch, controllerUs, bareUs } },
    };
  },
};
