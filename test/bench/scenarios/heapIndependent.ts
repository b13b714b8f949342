/**
 * The independent heap method, run by `heap.ts` in a child process started with
 * `--expose-gc`: in this one process, the emulator listens and a real DSM client (ky, zod,
 * a session of the demo user) unlocks one workflow over loopback and persists it; then
 * `count` workflows are restored from that one persisted unlocked snapshot (each re-arms its
 * auto-lock, one timer pending), and, separately, `count` bare actors of the same four states
 * are started with one pending `after`. `global.gc()` twice before and after each batch; the
 * heap growth (`process.memoryUsage().heapUsed`) divided by `count` is each item's share.
 * One pass of each, workflows first, nothing warmed up beforehand but the one real cycle:
 * exactly what a user's process that restores workflows from storage sees.
 * Prints the figures as JSON on stdout; progress on stderr.
 */
import { createDsmClient } from '../../../src/client/index.js';
import { DEMO_USER, startEmulator } from '../../../src/emulator/index.js';
import {
  createTwoFactorConfig,
  restoreTwoFactorConfig,
  type TwoFactorConfig,
} from '../../../src/workflow/index.js';
import { startBareActor } from '../support/bareMachine.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('Run with node --expose-gc.');
const collect = gc;

const count = Number(process.argv[2] ?? 20_000);

function heapAfterGc(): number {
  collect();
  collect();
  return process.memoryUsage().heapUsed;
}

function pendingTimers(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
}

const emulator = await startEmulator({ rateLimit: false });
try {
  const signedIn = await createDsmClient({ baseUrl: emulator.url }).authenticate({
    email: DEMO_USER.email,
    password: DEMO_USER.password,
  });
  const client = createDsmClient({ baseUrl: emulator.url, token: signedIn.accessToken.reveal() });
  const userId = signedIn.entityId;

  // One real unlock against the emulator, persisted as a stateless back end would store it.
  const first = createTwoFactorConfig({ client, userId, browserLifecycle: false });
  await first.unlock(DEMO_USER.password);
  const persisted = first.persist();
  const { deadline } = persisted;
  if (persisted.state !== 'unlocked' || deadline === null) {
    throw new Error(`Persisted ${persisted.state}.`);
  }
  first.actor.stop(); // the session stays unlocked on the server: what the snapshot says

  const workflows: TwoFactorConfig[] = new Array(count).fill(null);
  let timersBefore = pendingTimers();
  let before = heapAfterGc();
  for (let i = 0; i < count; i++) {
    workflows[i] = restoreTwoFactorConfig({
      client,
      userId,
      snapshot: persisted,
      browserLifecycle: false,
    });
  }
  const workflowBytesEach = (heapAfterGc() - before) / count;
  const timersEach = (pendingTimers() - timersBefore) / count;
  if (workflows.some((workflow) => workflow.state !== 'unlocked')) {
    throw new Error('A restored workflow is not unlocked.');
  }
  process.stderr.write(`      independent: workflows ${workflowBytesEach.toFixed(0)} B each\n`);

  const bare: Array<ReturnType<typeof startBareActor>> = new Array(count).fill(null);
  timersBefore = pendingTimers();
  before = heapAfterGc();
  for (let i = 0; i < count; i++) bare[i] = startBareActor(deadline);
  const bareBytesEach = (heapAfterGc() - before) / count;
  const bareTimersEach = (pendingTimers() - timersBefore) / count;
  process.stderr.write(`      independent: bare actors ${bareBytesEach.toFixed(0)} B each\n`);

  for (const workflow of workflows) workflow.actor.stop();
  for (const actor of bare) actor.stop();
  workflows.fill(null as never);
  bare.fill(null as never);

  // Not part of the method: the same bare batch once more, alone in this heap (the
  // emulator still running), to show how much of the difference from the bench's method comes
  // from measuring the bare actors beside 20 000 live workflows.
  before = heapAfterGc();
  for (let i = 0; i < count; i++) bare[i] = startBareActor(deadline);
  const bareAloneBytesEach = (heapAfterGc() - before) / count;
  for (const actor of bare) actor.stop();

  await client.config2faTerminate({});
  process.stdout.write(
    `${JSON.stringify({ count, workflowBytesEach, bareBytesEach, bareAloneBytesEach, timersEach, bareTimersEach })}\n`,
  );
} finally {
  await emulator.close();
}
