/**
 * The independent heap method, run by `heap.ts` in a child process started with
 * `--expose-gc`: in this one process, the emulator listens and a real DSM client (ky, zod,
 * a session of the demo user) unlocks one workflow over loopback and persists it; then
 * `count` workflows are restored from that one persisted unlocked snapshot (each re-arms its
 * auto-lock, one timer pending), and, separately, `count` bare actors of the same four states
 * are started with one pending `after`. `global.gc()` twice before and after each batch; the
 * heap growth (`process.memoryUsage().heapUsed`) divided by `count` is each item's share.
 * One pass of each, nothing warmed up beforehand but the one real unlock; `workflows-first`
 * (the default) or `bare-first` as the second argument: the issue leaves the order open, and
 * the batch measured second is measured beside the first, still live.
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

type Kind = 'workflows' | 'bare';
const count = Number(process.argv[2] ?? 20_000);
// The issue does not say which batch comes first, and it matters (docs/performance.md).
const order: [Kind, Kind] =
  process.argv[3] === 'bare-first' ? ['bare', 'workflows'] : ['workflows', 'bare'];

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

  type Live = { actor: { stop(): void } };
  const make: Record<Kind, () => Live> = {
    workflows: () =>
      restoreTwoFactorConfig({ client, userId, snapshot: persisted, browserLifecycle: false }),
    bare: () => ({ actor: startBareActor(deadline) }),
  };
  /** One batch of `count`, kept live; its heap growth and timers per item. */
  const batch = (kind: Kind) => {
    const live: Live[] = new Array(count).fill(null);
    const timersBefore = pendingTimers();
    const before = heapAfterGc();
    for (let i = 0; i < count; i++) live[i] = make[kind]();
    const bytesEach = (heapAfterGc() - before) / count;
    const timersEach = (pendingTimers() - timersBefore) / count;
    process.stderr.write(
      `      independent, ${order[0]} first: ${kind} ${bytesEach.toFixed(0)} B each\n`,
    );
    return { live, bytesEach, timersEach };
  };

  const [firstKind, secondKind] = order;
  const firstBatch = batch(firstKind);
  const secondBatch = batch(secondKind);
  const byKind = { [firstKind]: firstBatch, [secondKind]: secondBatch } as Record<
    Kind,
    ReturnType<typeof batch>
  >;
  if (byKind.workflows.live.some((live) => (live as TwoFactorConfig).state !== 'unlocked')) {
    throw new Error('A restored workflow is not unlocked.');
  }
  for (const live of [...firstBatch.live, ...secondBatch.live]) live.actor.stop();
  firstBatch.live.length = 0;
  secondBatch.live.length = 0;

  // Not part of the method: the second kind once more, alone in this heap (the emulator
  // still running), to show what measuring it beside the first batch added or took away.
  const secondAlone = batch(secondKind);
  for (const live of secondAlone.live) live.actor.stop();

  await client.config2faTerminate({});
  process.stdout.write(
    `${JSON.stringify({
      count,
      order,
      workflowBytesEach: byKind.workflows.bytesEach,
      bareBytesEach: byKind.bare.bytesEach,
      secondAloneBytesEach: secondAlone.bytesEach,
      workflowTimersEach: byKind.workflows.timersEach,
      bareTimersEach: byKind.bare.timersEach,
    })}\n`,
  );
} finally {
  await emulator.close();
}
