/**
 * The real controller against the real emulator over loopback HTTP, along every shortest and
 * every simple path of the abstract workflow model, with fake timers moving the controller's
 * and the emulator's clocks together. After every step the testbed checks the controller's
 * state, DSM's own lock state (never "unlocked" while DSM is locked), the action's outcome
 * (a refusal sends no request) and that no secret shows. The coverage of
 * twoFactorConfigMachine reached this way is printed at the end with COVERAGE_DETAIL=1.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, it, vi } from 'vitest';
import { twoFactorConfigMachine } from '../../machines/twoFactorConfig.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import {
  createMachineCoverage,
  eventKey,
  fakeTimersControl,
  startWorkflowTestbed,
  type WorkflowTestPath,
  workflowTestParams,
  workflowTestPaths,
} from '../../src/testing/index.js';
import { logCoverageDetail } from '../support/coverageLog.js';
import { useFakeClock } from '../support/fakeClock.js';

const time = fakeTimersControl(vi);
const coverage = createMachineCoverage(twoFactorConfigMachine);
const name = (path: WorkflowTestPath) =>
  path.steps
    .slice(1)
    .map((step) => eventKey(step.event))
    .join(' → ') || '(the initial state)';

// Registering the approval key costs a few requests; only paths with approvals need it.
const needsKey = (path: WorkflowTestPath) =>
  path.steps.some((step) => step.event.type === 'APPROVAL_OP');

// One emulator on 127.0.0.1 for the file; each path gets a user (and so a lock) of its own.
let server: RunningEmulator;

async function replay(path: WorkflowTestPath) {
  const testbed = await startWorkflowTestbed({
    time,
    on: server,
    securityKey: needsKey(path),
    workflow: { inspect: coverage.inspect },
  });
  try {
    await path.test(workflowTestParams(testbed));
  } finally {
    await testbed.close();
  }
}

describe('the controller against the emulator over HTTP follows the workflow model', () => {
  beforeAll(async () => {
    server = await startEmulator();
  });
  beforeEach(() => useFakeClock());
  afterEach(() => vi.useRealTimers());
  afterAll(async () => {
    await server.close();
    logCoverageDetail('Reached by the model paths over HTTP', coverage);
  });

  describe('along every shortest path', () => {
    for (const path of workflowTestPaths({ strategy: 'shortest' })) {
      it(name(path), () => replay(path));
    }
  });

  describe('along every simple path', () => {
    for (const path of workflowTestPaths({ strategy: 'simple' })) {
      it(name(path), () => replay(path));
    }
  });
});
