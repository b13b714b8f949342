/**
 * Test paths through the abstract workflow model, from `xstate/graph` (where `@xstate/test`'s
 * `createTestModel` lives since XState v5).
 */
import { getNextSnapshot, initialTransition, type SnapshotFrom } from 'xstate';
import { createTestModel, type TestModel, type TestPath } from 'xstate/graph';
import { workflowModelEvents } from './modelEvents.js';
import {
  type WorkflowModelEvent,
  type WorkflowModelEventType,
  workflowModel,
} from './workflowModel.js';

export type WorkflowModelSnapshot = SnapshotFrom<typeof workflowModel>;
export type WorkflowTestPath = TestPath<WorkflowModelSnapshot, WorkflowModelEvent>;
export type WorkflowTestModel = TestModel<WorkflowModelSnapshot, WorkflowModelEvent, unknown>;

export interface WorkflowTestModelOptions {
  /**
   * Which sample events to try: leave out what your UI cannot do (say, `APPROVAL_OP` on a page
   * without approvals). Default: all of them.
   */
  events?: (event: WorkflowModelEvent) => boolean;
}

/** `createTestModel(workflowModel)` with its sample events. */
export function createWorkflowTestModel(options: WorkflowTestModelOptions = {}): WorkflowTestModel {
  const keep = options.events ?? (() => true);
  const samples = workflowModelEvents.filter(keep);
  return createTestModel(workflowModel, {
    events: samples,
    // Only the samples (createTestModel adds a bare `{ type }` for an event type without one),
    // and only where the state reacts: an ignored event would make a step that tests nothing.
    filterEvents: (snapshot, event) => samples.includes(event) && snapshot.can(event),
  }) as WorkflowTestModel;
}

export interface WorkflowTestPathsOptions extends WorkflowTestModelOptions {
  /**
   * `shortest`: one shortest path to every state reached by every transition (each transition
   * of the model is taken at least once). `simple`: every path that visits each model state at
   * most once (every route through the states). Default `shortest`.
   */
  strategy?: 'shortest' | 'simple';
  /** Drops paths longer than this many steps (the initial state not counted). */
  maxSteps?: number;
}

const stateKey = (snapshot: WorkflowModelSnapshot) => JSON.stringify(snapshot.value);
const transitionKey = (
  snapshot: WorkflowModelSnapshot,
  event: WorkflowModelEvent | undefined,
  previous: WorkflowModelSnapshot | undefined,
) =>
  event && previous
    ? `${JSON.stringify(snapshot.value)} ${JSON.stringify(snapshot.context)} via ${eventKey(event)} from ${stateKey(previous)}`
    : stateKey(snapshot);

/** The test paths of the workflow model, shortest or simple; each has `description` and `test`. */
export function workflowTestPaths(options: WorkflowTestPathsOptions = {}): WorkflowTestPath[] {
  const model = createWorkflowTestModel(options);
  const paths =
    options.strategy === 'simple'
      ? // One vertex per state value, or the simple paths explode; such a vertex keeps the
        // context of whichever route found it first, so each path's states are recomputed.
        model.getSimplePaths({ serializeState: stateKey }).map((path) => replay(model, path))
      : // One vertex per (state, event, previous state): every transition, self-loops included,
        // gets a path of its own (the default key drops self-loops, such as an operation that
        // succeeds and stays unlocked).
        model.getShortestPaths({ serializeState: transitionKey });
  const maxSteps = options.maxSteps ?? Number.POSITIVE_INFINITY;
  // `steps` starts with the initial state (`xstate.init`).
  return paths.filter((path) => path.steps.length - 1 <= maxSteps);
}

/** The same events from the initial state, with the states the model really passes through. */
function replay(model: WorkflowTestModel, path: WorkflowTestPath): WorkflowTestPath {
  let [state] = initialTransition(workflowModel);
  const steps: WorkflowTestPath['steps'] = [{ state, event: path.steps[0]!.event }];
  for (const { event } of path.steps.slice(1)) {
    state = getNextSnapshot(workflowModel, state, event);
    steps.push({ state, event });
  }
  const replayed = { state, steps, weight: path.weight };
  return {
    ...replayed,
    description: path.description,
    test: (params) => model.testPath(replayed, params),
  };
}

/** A short, stable name for a model event: `CONFIG_OP generateRecoveryCodes (serverError)`. */
export function eventKey(event: WorkflowModelEvent | { type: string }): string {
  const parts: string[] = [event.type];
  if ('kind' in event && typeof event.kind === 'string') parts.push(event.kind);
  if ('answer' in event && typeof event.answer === 'string' && event.answer !== 'ok') {
    parts.push(`(${event.answer})`);
  }
  return parts.join(' ');
}

export type { WorkflowModelEventType };
