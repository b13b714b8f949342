/**
 * Turns a testbed into the `{ events, states }` a model path's `test()` takes: every event is
 * carried out (DSM's answer arranged first, then your UI's action or the controller's), and
 * every state is checked against the model before your own checks run.
 */
import type { SnapshotFrom } from 'xstate';
import type { TestParam } from 'xstate/graph';
import {
  type ActionOutcome,
  checkAgainstModel,
  checkNoSecret,
  checkOutcome,
  outcomeOf,
} from './consistency.js';
import { KeyNames, runOnController } from './controllerActions.js';
import { expectationOf } from './expectation.js';
import type { WorkflowTestbed } from './testbed.js';
import type { WorkflowModelEvent, WorkflowModelEventType, workflowModel } from './workflowModel.js';

type ModelSnapshot = SnapshotFrom<typeof workflowModel>;
type EventOf<T extends WorkflowModelEventType> = Extract<WorkflowModelEvent, { type: T }>;

/**
 * Your UI's version of a user action. Resolve when the UI has finished with it; throw only
 * when the UI itself failed (a refusal the UI shows is not a failure).
 */
export type UiAction<T extends WorkflowModelEventType> = (
  event: EventOf<T>,
  testbed: WorkflowTestbed,
) => unknown;

export interface WorkflowTestActions {
  /** Your UI's actions, by model event type. The others run on the controller directly. */
  events?: { [T in WorkflowModelEventType]?: UiAction<T> };
  /**
   * Your UI's checks, by model state (`'locked'`, `'unlocked.expiring'`, `'#workflowModel.overdue'`,
   * `'*'` for every state), run after the testbed's own checks.
   */
  states?: Record<string, (snapshot: ModelSnapshot, testbed: WorkflowTestbed) => unknown>;
  /** Extra values that must not contain a secret (say, your UI's rendered text). */
  observe?: (testbed: WorkflowTestbed) => Record<string, unknown>;
}

interface StepRecord {
  outcome: ActionOutcome | undefined;
  /** The DSM operations the workflow sent during the step. */
  requests: readonly string[];
}

const USER_ACTIONS: ReadonlySet<string> = new Set(['UNLOCK', 'LOCK', 'CONFIG_OP', 'APPROVAL_OP']);

/** The `{ events, states }` for `path.test()`, bound to this testbed. */
export function workflowTestParams(
  testbed: WorkflowTestbed,
  actions: WorkflowTestActions = {},
): TestParam<ModelSnapshot, WorkflowModelEvent> {
  const keys = new KeyNames();
  let last: StepRecord = { outcome: undefined, requests: [] };

  const execute = async (event: WorkflowModelEvent) => {
    await testbed.arrange(event);
    const before = testbed.requestsSent.length;
    const ui = actions.events?.[event.type] as UiAction<typeof event.type> | undefined;
    let outcome: ActionOutcome | undefined;
    // Started, not awaited: some actions finish only once the testbed runs a timer (a retry).
    const action = ui
      ? Promise.resolve(ui(event as never, testbed))
      : runOnController(event, testbed, keys).then(
          () => {
            if (USER_ACTIONS.has(event.type)) outcome = { kind: 'resolved' };
          },
          (error: unknown) => {
            outcome = outcomeOf(error);
          },
        );
    await testbed.settle(action);
    await action;
    last = { outcome, requests: testbed.requestsSent.slice(before) };
  };

  const check = async (snapshot: ModelSnapshot) => {
    checkAgainstModel(expectationOf(snapshot), {
      workflow: testbed.workflow,
      serverUnlocked: testbed.serverUnlocked(),
      warned: testbed.warned,
    });
    checkOutcome(snapshot.context.expected, last.outcome, last.requests);
    checkNoSecret(
      {
        // Not the live snapshot object: `inspect` would walk the whole machine definition.
        snapshot: testbed.workflow.actor.getSnapshot().toJSON(),
        'persisted snapshot': testbed.workflow.actor.getPersistedSnapshot(),
        'persist()': testbed.workflow.persist(),
        'emitted events': testbed.emitted,
        ...actions.observe?.(testbed),
      },
      testbed.secrets,
    );
  };

  const events: NonNullable<TestParam<ModelSnapshot, WorkflowModelEvent>['events']> = {};
  for (const type of [
    'UNLOCK',
    'LOCK',
    'CONFIG_OP',
    'APPROVAL_OP',
    'WAIT_FOR_WARNING',
    'WAIT_FOR_AUTO_LOCK',
    'NAP',
    'SLEEP',
    'WAKE',
    'RENEW_SESSION',
  ] as const satisfies readonly WorkflowModelEventType[]) {
    // xstate/graph types the step's event by its type only; it is the full sample event.
    events[type] = (step) => execute(step.event as WorkflowModelEvent);
  }

  const states: NonNullable<TestParam<ModelSnapshot, WorkflowModelEvent>['states']> = {
    '*': async (snapshot) => {
      await check(snapshot);
      await actions.states?.['*']?.(snapshot, testbed);
    },
  };
  for (const [key, own] of Object.entries(actions.states ?? {})) {
    if (key === '*') continue;
    // A matching key replaces the fallback '*', so each one runs the testbed's checks too.
    states[key] = async (snapshot) => {
      await check(snapshot);
      await actions.states?.['*']?.(snapshot, testbed);
      await own(snapshot, testbed);
    };
  }
  return { events, states };
}
