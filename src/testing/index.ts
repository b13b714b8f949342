/**
 * `dsm-2fa-guard/testing`: model-based tests of your own integration (a settings page, a
 * back end) against the DSM emulator, and coverage of any XState machine.
 *
 * `@xstate/test` has no release for XState v5; its `createTestModel` ships in `xstate/graph`,
 * which this entry uses. It does not import a test runner: you pass your runner's fake timers.
 */
export {
  type ActionOutcome,
  checkNeverUnlockedAlone,
  checkNoSecret,
  ModelMismatchError,
} from './consistency.js';
export { expectationOf } from './expectation.js';
export {
  type CoverageCount,
  createMachineCoverage,
  type MachineCoverage,
  type MachineCoverageReport,
  transitionName,
} from './machineCoverage.js';
export {
  type MachinePath,
  type MachinePathOptions,
  machinePaths,
  sampleEventName,
} from './machinePaths.js';
export { ManualClock, type Settle } from './manualClock.js';
export { workflowModelEvents } from './modelEvents.js';
export { type ReplayTimers, replayMachinePath } from './replayMachinePath.js';
export type { SentRequest } from './requestLog.js';
export { createSecurityKeys } from './securityKeys.js';
export {
  nextSignInEvent,
  type SignInTestbed,
  type SignInTestbedOptions,
  startSignInTestbed,
} from './signIn.js';
export { startWorkflowTestbed } from './startWorkflowTestbed.js';
export {
  APPROVAL_OPERATION_IDS,
  CONFIG_OPERATION_IDS,
  type WorkflowOptions,
  WorkflowTestbed,
  type WorkflowTestbedOptions,
} from './testbed.js';
export {
  type UiAction,
  type WorkflowTestActions,
  workflowTestParams,
} from './testParams.js';
export {
  createWorkflowTestModel,
  eventKey,
  type WorkflowModelSnapshot,
  type WorkflowTestModel,
  type WorkflowTestModelOptions,
  type WorkflowTestPath,
  type WorkflowTestPathsOptions,
  workflowTestPaths,
} from './testPaths.js';
export { type FakeTimers, fakeTimersControl, type TimeControl } from './timeControl.js';
export {
  type ApprovalAnswer,
  type ConfigAnswer,
  type ExpectedResult,
  type LockAnswer,
  type ModelExpectation,
  type RefusedCode,
  type UnlockAnswer,
  type WorkflowModel,
  type WorkflowModelContext,
  type WorkflowModelEvent,
  type WorkflowModelEventType,
  workflowModel,
} from './workflowModel.js';
