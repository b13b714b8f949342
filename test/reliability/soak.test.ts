/**
 * Load and soak: 200 workflows on ONE DSM user, a session each (200 testbeds on one in-process
 * emulator, all signed in as the same user: they contend for its devices, recovery codes and
 * approvals), through a simulated hour of random operations (one `ManualClock` for the
 * workflows and the emulator), with stateless restores from persisted snapshots mixed in.
 * Invariants 1 and 2 are checked at every state change and over every request; the heap is
 * measured after a forced GC at the start and at the end of the hour; after disposal no timer
 * of ours, socket or server is left.
 */
import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect, it } from 'vitest';
import { createEmulatorApp } from '../../src/emulator/index.js';
import {
  CONFIG_OPERATION_IDS,
  ManualClock,
  startWorkflowTestbed,
  type WorkflowTestbed,
} from '../../src/testing/index.js';
import { logDetail } from '../support/detail.js';
import { activeResources, leakedResources, watchTimers } from '../support/leaks.js';
import { seededRandom } from './seededRandom.js';

const CONTROLLERS = 200;
const HOUR_MS = 3_600_000;
const TICK_MS = 60_000;
const WARM_UP_MS = 5 * 60_000;
/** Workflows that act in one tick (the others only let time pass). */
const ACTING_PER_TICK = 5;
/** Heap growth allowed over the hour, with a forced GC before each measurement. */
const HEAP_GROWTH_BOUND_BYTES = 4 * 1024 * 1024;
const EXPECTED_CODES = new Set([
  'WRONG_PASSWORD',
  'CONFIG_LOCKED',
  'CONFIG_UNLOCKED',
  'INTERRUPTED',
]);

/** `global.gc` without `--expose-gc` on the command line (vitest's worker has none). */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

interface Seat {
  testbed: WorkflowTestbed;
  pending: Promise<unknown> | null;
}

it('keeps 200 workflows right through a simulated hour, without growing or leaking', async () => {
  const seed = Number(process.env.SOAK_SEED ?? Date.now() % 100_000);
  const next = seededRandom(seed);
  const gc = exposeGc();
  const resourcesBefore = activeResources();
  const turn = () => new Promise((resolve) => setImmediate(resolve));
  /** Real I/O runs until no request of any workflow is in flight. */
  const quiet = async () => {
    const giveUpAt = performance.now() + 10_000;
    for (let calm = 0; calm < 3 && performance.now() < giveUpAt; ) {
      await turn();
      const inFlight = seats.some(({ testbed }) => testbed.requests.some((r) => r.inFlight));
      calm = inFlight ? 0 : calm + 1;
    }
  };
  const clock = new ManualClock(undefined, quiet);
  const timers = watchTimers();
  // In process (the emulator's own fetch): the wire is the fault matrix's subject, not this.
  const emulator = createEmulatorApp({ rateLimit: false, clock: clock.now });
  const violations: string[] = [];
  const unexpected: string[] = [];
  const seats: Seat[] = [];
  // One user for all: the contention on its devices, codes and approvals is what is soaked.
  const user = { email: 'soak@example.com', password: `soak password ${randomUUID()}` };
  emulator.addUser(user);
  for (let i = 0; i < CONTROLLERS; i++) {
    // Every testbed on that user, a session each straight from the emulator's state: 200
    // sign-ins would only test sign-in. The testbeds check invariants 1 and 2 as they happen.
    const testbed = await startWorkflowTestbed({
      time: clock,
      on: emulator,
      user,
      session: 'direct',
      securityKey: false,
      client: { retry: {} },
      workflow: { clock },
    });
    seats.push({ testbed, pending: null });
  }

  const act = ({ testbed }: Seat): Promise<unknown> => {
    const roll = next();
    const { workflow } = testbed;
    if (roll < 0.08 && !workflow.view.busy) {
      // A stateless request: persist, stop without terminating, restore from the snapshot.
      testbed.restart();
      return Promise.resolve();
    }
    if (workflow.state === 'unlocked') {
      if (roll < 0.5) return workflow.generateRecoveryCodes();
      if (roll < 0.65) return workflow.newDeviceChallenge();
      if (roll < 0.75) return workflow.approvalChallenge('3f6c0d52-8b1e-4a7d-9c2f-6e5b4a3d2c1b');
      if (roll < 0.85) return Promise.resolve(workflow.checkDeadline());
      return workflow.lock();
    }
    if (roll < 0.55) return workflow.unlock(testbed.password);
    if (roll < 0.65) return workflow.unlock('wrong password');
    if (roll < 0.85) {
      const requestId = emulator.createApprovalRequest({ reviewerEmail: testbed.email });
      return workflow.deny(requestId, 'soak');
    }
    return workflow.generateRecoveryCodes();
  };

  const checkRequests = () => {
    for (const { testbed } of seats) {
      violations.push(...testbed.violations.splice(0));
      // Invariant 1, time left or not: no clock jumps here, so the deadline's timer locks it.
      if (testbed.workflow.state === 'unlocked' && !testbed.workflow.view.busy) {
        if (!testbed.serverUnlocked()) violations.push(`unlocked vs DSM locked at ${clock.now()}`);
      }
      // Checked: forget them, so that bookkeeping does not count as the library's heap.
      testbed.forgetRequests();
      testbed.emitted.length = 0;
    }
    // The emulator's own records are test bookkeeping too: keep only pending approvals.
    for (const [id, approval] of emulator.state.approvals) {
      if (approval.status !== 'PENDING') emulator.state.approvals.delete(id);
    }
    for (const record of emulator.requests) {
      const config = CONFIG_OPERATION_IDS.has(record.operationId ?? '');
      if (config && record.configUnlocked === false)
        violations.push(`${record.operationId} reached DSM locked`);
    }
    emulator.clearRequests();
  };
  const tick = async () => {
    for (let i = 0; i < ACTING_PER_TICK; i++) {
      const seat = seats[Math.floor(next() * seats.length)]!;
      if (seat.pending) continue;
      seat.pending = act(seat)
        .catch((error: { code?: string }) => {
          if (!EXPECTED_CODES.has(String(error?.code)))
            unexpected.push(String(error?.code ?? error));
        })
        .finally(() => {
          seat.pending = null;
        });
    }
    await clock.advanceTo(clock.now() + TICK_MS, quiet);
    checkRequests();
  };

  const start = clock.now();
  const measureHeap = async () => {
    // Several passes with turns between: sockets and weak maps let go only once the loop runs.
    for (let i = 0; i < 4; i++) {
      gc();
      await turn();
    }
    return process.memoryUsage().heapUsed;
  };
  // Warm-up: five simulated minutes, so every code path, pool and cache exists before measuring.
  while (clock.now() < start + WARM_UP_MS) await tick();
  const heapStart = await measureHeap();
  while (clock.now() < start + HOUR_MS) await tick();
  // Fifteen quiet minutes: every window closes on its own.
  await clock.advanceTo(clock.now() + 15 * 60_000, quiet);
  await Promise.all(seats.map((seat) => seat.pending));
  checkRequests();
  const heapEnd = await measureHeap();

  // All of them on the one user (a user each would not contend), a session each.
  expect(new Set(seats.map(({ testbed }) => testbed.userId)).size).toBe(1);
  expect(new Set(seats.map(({ testbed }) => testbed.token.reveal())).size).toBe(CONTROLLERS);
  const states = seats.map(({ testbed }) => testbed.workflow.state);
  expect(new Set(states)).toEqual(new Set(['locked']));
  expect(seats.filter(({ testbed }) => testbed.serverUnlocked())).toEqual([]);
  expect(violations, `seed ${seed}`).toEqual([]);
  expect(unexpected, `seed ${seed}`).toEqual([]);
  const heap = `soak (seed ${seed}): heap ${(heapStart / 2 ** 20).toFixed(1)} → ${(heapEnd / 2 ** 20).toFixed(1)} MiB after GC`;
  logDetail(heap);
  expect(heapEnd - heapStart, heap).toBeLessThan(HEAP_GROWTH_BOUND_BYTES);

  await Promise.all(seats.map(({ testbed }) => testbed.workflow.dispose()));
  expect(clock.pending).toBe(0);
  expect(timers.pending()).toEqual([]);
  await Promise.all(seats.map(({ testbed }) => testbed.close()));
  timers.stop();
  expect(await leakedResources(resourcesBefore)).toEqual({});
});
