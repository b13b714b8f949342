/**
 * Runs the fault matrix for some rows (split over files so that vitest's two workers share
 * it). Each cell proves the typed error the caller gets, the state the workflow ends in, what
 * DSM itself believes, invariants 1 and 2 of product.md over every request (the testbed checks
 * them as they happen), and that `dispose()` leaves nothing behind: no timer of ours, no request
 * in flight, no unsettled promise of the workflow, and no socket, server or real timer once the
 * emulator is closed.
 */
import { describe, expect, it, vi } from 'vitest';
import { DEMO_USER } from '../../src/emulator/index.js';
import { fakeTimersControl, startWorkflowTestbed } from '../../src/testing/index.js';
import { useFakeClock } from '../support/fakeClock.js';
import { activeResources, leakedResources, PromiseTracker, watchTimers } from '../support/leaks.js';
import {
  expectedOutcome,
  FAULTS,
  type FaultColumn,
  OPERATIONS,
  type OperationRow,
} from './faultMatrix.cases.js';

/** Short, so that "hang past the timeout" costs one fake second. */
const CLIENT_TIMEOUT_MS = 1_000;
/** A 30 s window: what ten minutes prove, with a fraction of the terminate retries to run. */
const AUTO_LOCK_MS = 30_000;

function title(row: OperationRow, fault: FaultColumn): string {
  const { code, state } = expectedOutcome(row, fault);
  return `${fault.name}: ${code === null ? 'resolves' : `rejects ${code}`}, ends ${state}`;
}

async function runCell(row: OperationRow, fault: FaultColumn): Promise<void> {
  const before = activeResources();
  // biome-ignore lint/correctness/useHookAtTopLevel: vitest's fake timers, not a React hook.
  useFakeClock();
  const timers = watchTimers();
  const testbed = await startWorkflowTestbed({
    time: fakeTimersControl(vi),
    emulator: { rateLimit: false, autoLockMs: AUTO_LOCK_MS, users: [DEMO_USER] },
    // Sign-in is not what the matrix is about; approvals need the user's security key.
    session: 'direct',
    securityKey: row.role === 'approval',
    // One retry: enough to exercise the client's retry of idempotent operations.
    client: { timeoutMs: CLIENT_TIMEOUT_MS, retry: { limit: 1, backoffMs: 10, maxBackoffMs: 50 } },
    workflow: { autoLockMs: AUTO_LOCK_MS, expiringWarningMs: 5_000 },
  });
  const promises = new PromiseTracker();
  try {
    const run = await row.prepare(testbed);
    await fault.arm(testbed, row.operationId);
    const expected = expectedOutcome(row, fault);

    const action = promises.track(run());
    await testbed.settle(action);
    const [outcome] = await Promise.allSettled([action]);
    if (expected.code === null) {
      expect(outcome).toMatchObject({ status: 'fulfilled' });
    } else {
      expect(outcome).toMatchObject({ status: 'rejected', reason: { code: expected.code } });
      const { reason } = outcome as { reason: unknown };
      expect(reason).toBeInstanceOf(Error);
      const dsmAnswered = !['SESSION_EXPIRED', 'WRONG_PASSWORD'].includes(expected.code);
      if (fault.status !== undefined && dsmAnswered) {
        expect(reason).toMatchObject({ status: fault.status });
      }
      if (expected.code === 'RATE_LIMITED') expect(reason).toMatchObject({ retryAfterMs: 1_000 });
    }
    expect(testbed.workflow.state).toBe(expected.state);
    if (expected.serverUnlocked !== 'any') {
      expect(testbed.serverUnlocked()).toBe(expected.serverUnlocked);
    }
    expect(testbed.requestsSent).toContain(row.operationId);
    // Invariant 1 once more as the cell settled (the testbed also checks it as things happen).
    expect(testbed.checkInvariants()).toEqual([]);

    await promises.track(testbed.dispose());
    expect(testbed.violations).toEqual([]);
    expect(testbed.workflow.actor.getSnapshot().status).toBe('stopped');
    // vi.getTimerCount() also counts undici's keep-alive timers: only ours must be gone.
    expect(timers.pending()).toEqual([]);
    expect(testbed.requests.filter((request) => request.inFlight)).toEqual([]);
    expect(await promises.unsettled()).toBe(0);
    // Disposing locks DSM, unless the session is gone or a proxy's 2xx was believed.
    if (testbed.workflow.state !== 'sessionExpired' && expected.serverUnlocked !== 'any') {
      expect(testbed.serverUnlocked()).toBe(false);
    }
  } finally {
    await testbed.close();
    timers.stop();
    vi.useRealTimers();
  }
  expect(await leakedResources(before)).toEqual({});
}

/** One `describe` per operation, one test per fault. */
export function defineFaultMatrix(operationIds: readonly string[]): void {
  for (const row of OPERATIONS.filter((op) => operationIds.includes(op.operationId))) {
    describe(`${row.operationId} under every fault`, () => {
      for (const fault of FAULTS) it(title(row, fault), () => runCell(row, fault));
    });
  }
}
