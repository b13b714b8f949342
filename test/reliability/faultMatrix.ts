/**
 * Runs the fault matrix for some rows (split over files so that vitest's two workers share
 * it). Each cell proves the typed error the caller gets, the state the workflow ends in, what
 * DSM itself believes, invariants 1 and 2 of product.md over every request, and that
 * `dispose()` leaves nothing behind: no timer of ours, no request in flight, no unsettled
 * promise of the workflow, and no socket, server or real timer once the emulator is closed.
 */
import { describe, expect, it, vi } from 'vitest';
import { activeResources, leakedResources, watchTimers } from '../support/leaks.js';
import { useFakeClock } from '../support/workflowHarness.js';
import {
  expectedOutcome,
  FAULTS,
  type FaultColumn,
  OPERATIONS,
  type OperationRow,
} from './faultMatrix.cases.js';
import { startRig } from './rig.js';

function title(row: OperationRow, fault: FaultColumn): string {
  const { code, state } = expectedOutcome(row, fault);
  return `${fault.name}: ${code === null ? 'resolves' : `rejects ${code}`}, ends ${state}`;
}

async function runCell(row: OperationRow, fault: FaultColumn): Promise<void> {
  const before = activeResources();
  // biome-ignore lint/correctness/useHookAtTopLevel: vitest's fake timers, not a React hook.
  useFakeClock();
  const timers = watchTimers();
  const rig = await startRig();
  try {
    const run = await row.prepare(rig);
    fault.arm(rig, row.operationId);
    const expected = expectedOutcome(row, fault);

    const outcome = await rig.drive(run());
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
    expect(rig.workflow.state).toBe(expected.state);
    if (expected.serverUnlocked !== 'any') {
      expect(rig.emulator.lockState(rig.token).unlocked).toBe(expected.serverUnlocked);
    }
    expect(rig.observed.sent.some((r) => r.operationId === row.operationId)).toBe(true);

    await rig.drive(rig.workflow.dispose());
    rig.checkInvariants();
    expect(rig.violations).toEqual([]);
    expect(rig.workflow.actor.getSnapshot().status).toBe('stopped');
    // vi.getTimerCount() also counts undici's keep-alive timers: only ours must be gone.
    expect(timers.pending()).toEqual([]);
    expect(rig.observed.inFlight()).toEqual([]);
    expect(await rig.promises.unsettled()).toBe(0);
    // Disposing locks DSM, unless the session is gone or a proxy's 2xx was believed.
    if (rig.workflow.state !== 'sessionExpired' && expected.serverUnlocked !== 'any') {
      expect(rig.emulator.lockState(rig.token).unlocked).toBe(false);
    }
  } finally {
    await rig.close();
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
