/**
 * Run by `heap.ts` in a child process started with `--expose-gc`: creates `count` live unlocked
 * workflows (their auto-lock timer pending) and as many bare actors, in alternating rounds, and
 * prints the heap each one holds as JSON on stdout. Progress goes to stderr.
 */
import { createActor } from 'xstate';
import { createTwoFactorConfigMachine } from '../../../machines/twoFactorConfig.js';
import {
  type PersistedTwoFactorConfig,
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
const now = Date.now();
const deadline = now + 595_000;
// What a stateless back end stored after the unlock: restoring re-arms the auto-lock.
const persisted: PersistedTwoFactorConfig = {
  format: 'dsm-2fa-guard/two-factor-config',
  version: 1,
  userId,
  state: 'unlocked',
  deadline,
  serverLockBy: now + 600_000,
  lockReason: null,
  savedAt: now,
};
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
        client: noopClient,
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
          restore: { state: 'unlocked', deadline, serverLockBy: now + 600_000, lockReason: null },
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
