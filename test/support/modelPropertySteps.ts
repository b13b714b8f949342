/**
 * What a property run does, step by step, as plain data (so fast-check shrinks it and a
 * counterexample can be pasted into a regression test): user actions, time passing with and
 * without timers, and faults injected into the emulator.
 */
import fc from 'fast-check';
import {
  APPROVAL_OPERATIONS,
  type ApprovalOperationKind,
  CONFIG_OPERATIONS,
  type ConfigOperationKind,
} from '../../machines/twoFactorConfig.types.js';
import { APPROVAL_OPERATION_IDS, CONFIG_OPERATION_IDS } from '../../src/testing/index.js';

/** A moment relative to the current unlock window, for time steps that aim at the edges. */
export type Landmark = 'warning' | 'deadline' | 'serverLock';

export type FaultStep = {
  kind: 'fault';
  fault: 'latency' | 'status' | 'drop' | 'reset' | 'malformed' | 'hang';
  /** The DSM operation it hits; undefined: the next request, whatever it is. */
  operationId?: string;
  times: number;
  phase: 'before' | 'after';
  /** For `status`: 500, 503, 401, 429, or 403 with DSM's "locked" or "unlocked" text. */
  status?: 500 | 503 | 401 | 429 | '403 locked' | '403 unlocked';
  /**
   * For `latency`: below the client's 30 s timeout. A terminate held longer is retried by the
   * client, and the stale one can land after the next unlock and lock DSM while the workflow
   * says unlocked: a known limit no client can see (the next config operation gets 403, and
   * the workflow locks), so the property leaves it out.
   */
  ms?: number;
};

export type Step =
  | { kind: 'unlock'; password: 'right' | string }
  | { kind: 'lock' }
  | { kind: 'config'; op: ConfigOperationKind }
  | { kind: 'approval'; op: ApprovalOperationKind }
  | { kind: 'checkDeadline' }
  /** Timers run while the clock moves (`to`: up to a landmark, plus `ms`). */
  | { kind: 'advance'; ms: number; to?: Landmark }
  /** The clock jumps and no timer runs: a laptop asleep. */
  | { kind: 'sleep'; ms: number; to?: Landmark }
  /** The app signs in again and resumes (when the workflow says the session expired). */
  | { kind: 'renew' }
  /** The wall clock steps (NTP, a user), either way; timers and DSM's clock do not move. */
  | { kind: 'stepWall'; ms: number }
  /** The app signs out: DSM ends the session, and the app tells the workflow. */
  | { kind: 'signOut' }
  /** A new sign-in is handed to the workflow, whatever its state. */
  | { kind: 'newSession' }
  /** Between requests (when idle), a back end stores the workflow, drops it, restores it. */
  | { kind: 'restore' }
  | FaultStep;

export interface Scenario {
  /** `onPasswordRequired` answers with the password (config operations while locked unlock). */
  promptPassword: boolean;
  lockBeforeApproval: boolean;
  steps: Step[];
}

/** What a fault may hit: the workflow's own requests, from the client's operation table. */
const OPERATION_IDS = [
  'Config2faAuth',
  'Config2faTerminate',
  'Refresh',
  ...CONFIG_OPERATION_IDS,
  ...APPROVAL_OPERATION_IDS,
];

const landmark = fc.constantFrom<Landmark>('warning', 'deadline', 'serverLock');

const timeStep = (kind: 'advance' | 'sleep') =>
  fc.oneof(
    fc.record({ kind: fc.constant(kind), ms: fc.integer({ min: 0, max: 5_000 }) }),
    fc.record({ kind: fc.constant(kind), ms: fc.integer({ min: 0, max: 700_000 }) }),
    // Just before or just after an edge of the window.
    fc.record({
      kind: fc.constant(kind),
      ms: fc.integer({ min: -3_000, max: 3_000 }),
      to: landmark,
    }),
    ...(kind === 'sleep'
      ? [fc.record({ kind: fc.constant(kind), ms: fc.integer({ min: 0, max: 7_200_000 }) })]
      : []),
  ) as fc.Arbitrary<Step>;

const faultStep: fc.Arbitrary<FaultStep> = fc.record(
  {
    kind: fc.constant('fault' as const),
    fault: fc.constantFrom<FaultStep['fault']>(
      'latency',
      'status',
      'drop',
      'reset',
      'malformed',
      'hang',
    ),
    operationId: fc.option(fc.constantFrom(...OPERATION_IDS), { nil: undefined }),
    times: fc.integer({ min: 1, max: 3 }),
    phase: fc.constantFrom<FaultStep['phase']>('before', 'after'),
    status: fc.constantFrom<NonNullable<FaultStep['status']>>(
      500,
      503,
      401,
      429,
      '403 locked',
      '403 unlocked',
    ),
    ms: fc.integer({ min: 1, max: 25_000 }),
  },
  { requiredKeys: ['kind', 'fault', 'times', 'phase'] },
);

export const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'unlock', password: 'right' } as Step) },
  {
    weight: 1,
    arbitrary: fc
      .stringMatching(/^[a-z0-9]{10,14}$/)
      .map((text) => ({ kind: 'unlock', password: `wrong-${text}` }) as Step),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'lock' } as Step) },
  {
    weight: 4,
    arbitrary: fc.constantFrom(...CONFIG_OPERATIONS).map((op) => ({ kind: 'config', op }) as Step),
  },
  {
    weight: 3,
    arbitrary: fc
      .constantFrom(...APPROVAL_OPERATIONS)
      .map((op) => ({ kind: 'approval', op }) as Step),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'checkDeadline' } as Step) },
  { weight: 3, arbitrary: timeStep('advance') },
  { weight: 2, arbitrary: timeStep('sleep') },
  { weight: 1, arbitrary: fc.constant({ kind: 'renew' } as Step) },
  {
    weight: 2,
    arbitrary: fc
      .oneof(
        fc.integer({ min: -3_600_000, max: 3_600_000 }),
        fc.integer({ min: -700_000, max: 700_000 }),
      )
      .map((ms) => ({ kind: 'stepWall', ms }) as Step),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'signOut' } as Step) },
  { weight: 1, arbitrary: fc.constant({ kind: 'newSession' } as Step) },
  { weight: 1, arbitrary: fc.constant({ kind: 'restore' } as Step) },
  { weight: 3, arbitrary: faultStep },
);

export const scenarioArbitrary: fc.Arbitrary<Scenario> = fc.record({
  promptPassword: fc.boolean(),
  lockBeforeApproval: fc.boolean(),
  steps: fc.array(stepArbitrary, { minLength: 1, maxLength: 10 }),
});
