/**
 * The bench's heap method, run by `heap.ts` in a fresh child process (`--expose-gc`) for each
 * batch: `count` live instances of one kind, and nothing else of XState or of the library in
 * the process, as in a user's process that holds workflows:
 * - `controller`: workflows restored from one persisted unlocked snapshot (the library's own
 *   `persist()` after an unlock), their auto-lock timer pending, one real DSM client shared;
 * - `bare`: bare XState actors of the same four states with one pending `after`;
 * - `machineAlone`: the statechart's own actor, restored unlocked, without the controller.
 * Heap as the process itself counts it: `process.memoryUsage().heapUsed` after `gc()` twice,
 * before and after the batch, divided by `count`. Prints JSON on stdout; progress on stderr.
 */
import { createActor } from 'xstate';
import { createTwoFactorConfigMachine } from '../../../machines/twoFactorConfig.js';
import { createDsmClient } from '../../../src/client/index.js';
import { createTwoFactorConfig, restoreTwoFactorConfig } from '../../../src/workflow/index.js';
import { startBareActor } from '../support/bareMachine.js';
import { noopClient } from '../support/noopClient.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('Run with node --expose-gc.');
const collect = gc;

const count = Number(process.argv[2] ?? 100_000);
const kind = process.argv[3] ?? 'controller';
const userId = 'bench-user';

/** One live instance of `kind`, exactly what an app would hold on to. */
async function maker(): Promise<() => { stop(): void }> {
  const now = Date.now();
  const deadline = now + 595_000;
  switch (kind) {
    case 'bare':
      return () => startBareActor(deadline);
    case 'machineAlone': {
      const machine = createTwoFactorConfigMachine();
      const restore = {
        state: 'unlocked',
        deadline,
        serverLockBy: now + 600_000,
        lockReason: null,
      };
      return () => createActor(machine, { input: { restore } as never }).start();
    }
    case 'controller': {
      // What a stateless back end stored after an unlock: the library's own persist(), after
      // an unlock through a client that does no I/O. Restoring re-arms the auto-lock.
      const unlocked = createTwoFactorConfig({
        client: noopClient,
        userId,
        browserLifecycle: false,
      });
      await unlocked.unlock('bench-password');
      const snapshot = unlocked.persist();
      unlocked.actor.stop();
      if (snapshot.state !== 'unlocked') throw new Error(`Persisted ${snapshot.state}.`);
      // A real client carrying a session (its token never sent: restoring makes no request).
      const client = createDsmClient({
        baseUrl: 'https://dsm.invalid',
        token: 'bench-token-not-secret',
      });
      return () => {
        const workflow = restoreTwoFactorConfig({
          client,
          userId,
          snapshot,
          browserLifecycle: false,
        });
        if (workflow.state !== 'unlocked') throw new Error(`Restored to ${workflow.state}.`);
        return workflow.actor;
      };
    }
    default:
      throw new Error(`Unknown kind ${kind}.`);
  }
}

function pendingTimers(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
}

function heapAfterGc(): number {
  collect();
  collect();
  return process.memoryUsage().heapUsed;
}

const make = await maker();
const live: Array<{ stop(): void }> = new Array(count).fill(null);
const timersBefore = pendingTimers();
const before = heapAfterGc();
for (let i = 0; i < count; i++) {
  live[i] = make();
  if ((i + 1) % (count / 4) === 0) process.stderr.write(`      ${kind}: ${i + 1}/${count}\n`);
}
const bytesEach = (heapAfterGc() - before) / count;
const timersEach = (pendingTimers() - timersBefore) / count;
for (const instance of live) instance.stop();
process.stdout.write(`${JSON.stringify({ kind, count, bytesEach, timersEach })}\n`);
