/**
 * The bench's heap method, run by `heap.ts` in a child process started with `--expose-gc`:
 * restores `count` live unlocked workflows from one persisted snapshot (their auto-lock timer
 * pending; one real DSM client shared by all, as a back end holds it), then, once they are
 * stopped and collected, starts as many bare actors; alternating the order in each round. Each
 * batch is alone in the heap when it is measured, as the workflows are in a user's process.
 * Heap as the process itself counts it: `process.memoryUsage().heapUsed` after `gc()` twice,
 * before and after the batch, divided by `count`. Prints JSON on stdout; progress on stderr.
 */
import { createActor } from 'xstate';
import { createTwoFactorConfigMachine } from '../../../machines/twoFactorConfig.js';
import { createDsmClient } from '../../../src/client/index.js';
import {
  createTwoFactorConfig,
  restoreTwoFactorConfig,
  type TwoFactorConfig,
} from '../../../src/workflow/index.js';
import { startBareActor } from '../support/bareMachine.js';
import { noopClient } from '../support/noopClient.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('Run with node --expose-gc.');
const collect = gc;

const count = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 2);
const userId = 'bench-user';
// What a stateless back end stored after an unlock: the library's own persist(), after an
// unlock through a client that does no I/O. Restoring re-arms the auto-lock.
const unlocked = createTwoFactorConfig({ client: noopClient, userId, browserLifecycle: false });
await unlocked.unlock('bench-password');
const persisted = unlocked.persist();
unlocked.actor.stop();
if (persisted.state !== 'unlocked' || persisted.deadline === null) {
  throw new Error(`Persisted ${persisted.state}.`);
}
const { deadline, serverLockBy } = persisted;
// A real client carrying a session (a token never sent: restoring makes no request).
const client = createDsmClient({ baseUrl: 'https://dsm.invalid', token: 'bench-token-not-secret' });
const machineAlone = createTwoFactorConfigMachine();

interface Kind {
  /** One live instance, exactly what an app would hold on to. */
  make(): unknown;
  stop(instance: unknown): void;
}
const stopActor = (actor: unknown) => (actor as { stop(): void }).stop();
const kinds: Record<string, Kind> = {
  bare: { make: () => startBareActor(deadline), stop: stopActor },
  controller: {
    make: () => {
      const workflow = restoreTwoFactorConfig({
        client,
        userId,
        snapshot: persisted,
        browserLifecycle: false,
      });
      if (workflow.state !== 'unlocked') throw new Error(`Restored to ${workflow.state}.`);
      return workflow;
    },
    stop: (workflow) => (workflow as TwoFactorConfig).actor.stop(),
  },
  // The part: the statechart's own actor, without the controller around it.
  machineAlone: {
    make: () =>
      createActor(machineAlone, {
        input: {
          restore: { state: 'unlocked', deadline, serverLockBy, lockReason: null },
        },
      }).start(),
    stop: stopActor,
  },
};

function pendingTimers(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
}

function heapAfterGc(): number {
  collect();
  collect();
  return process.memoryUsage().heapUsed;
}

/** Bytes of heap each live instance holds, and how many timers each keeps pending. */
function measure(kind: string): { bytesEach: number; timersEach: number } {
  const { make, stop } = kinds[kind]!;
  const live: unknown[] = new Array(count).fill(null);
  const timersBefore = pendingTimers();
  const before = heapAfterGc();
  for (let i = 0; i < count; i++) {
    live[i] = make();
    if ((i + 1) % (count / 4) === 0) process.stderr.write(`      ${kind}: ${i + 1}/${count}\n`);
  }
  const after = heapAfterGc();
  const timersEach = (pendingTimers() - timersBefore) / count;
  for (const instance of live) stop(instance);
  return { bytesEach: (after - before) / count, timersEach };
}

const order = Object.keys(kinds);
const results: Record<
  string,
  Array<{ bytesEach: number; timersEach: number }>
> = Object.fromEntries(order.map((kind) => [kind, []]));
for (let round = 0; round < rounds; round++) {
  for (const kind of round % 2 === 0 ? order : [...order].reverse()) {
    const result = measure(kind);
    results[kind]!.push(result);
    process.stderr.write(
      `      round ${round + 1}/${rounds} ${kind}: ${result.bytesEach.toFixed(0)} B each\n`,
    );
  }
}
process.stdout.write(`${JSON.stringify({ count, rounds, results })}\n`);
