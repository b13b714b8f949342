/**
 * Sample events for paths straight from `twoFactorConfigMachine`: every event it accepts,
 * every answer of its four actors (success and each kind of failure it tells apart), every
 * timer, and the inputs that restore it. `at` names the moment a clock-reading guard sees.
 */
import type { AnyEventObject } from 'xstate';
import type { TwoFactorConfigMachine } from '../../machines/twoFactorConfig.js';
import type { TwoFactorConfigInput } from '../../machines/twoFactorConfig.types.js';
import type { MachinePathOptions } from '../../src/testing/machinePaths.js';

export const T0 = Date.UTC(2030, 0, 1, 9, 0, 0);

const redacted = { toJSON: () => '[redacted]' };
const failure = (code: string, extra: object = {}) => ({ code, message: code, ...extra });
const done = (id: string, output?: unknown) => ({
  type: `xstate.done.actor.${id}`,
  ...(output !== undefined && { output }),
});
const error = (id: string, err: unknown, at?: 'serverLockBy') => ({
  type: `xstate.error.actor.${id}`,
  error: err,
  ...(at && { at }),
});
const operation = (kind: string, at?: 'deadline') => ({
  type: 'operation',
  opId: `op-${kind}`,
  operation: { kind },
  ...(at && { at }),
});

export const machineSampleEvents: readonly AnyEventObject[] = [
  { type: 'unlock', password: redacted },
  { type: 'lock' },
  { type: 'dispose' },
  { type: 'checkDeadline' },
  { type: 'checkDeadline', at: 'deadline' },
  { type: 'sessionRenewed' },
  { type: 'sessionEnded' },
  operation('generateRecoveryCodes'),
  operation('generateRecoveryCodes', 'deadline'),
  operation('approve'),
  operation('notAnOperation'),
  done('config2faAuth', { sentAt: T0, answeredAt: T0, sentAtMono: T0, answeredAtMono: T0 }),
  error('config2faAuth', failure('SESSION_EXPIRED')),
  error('config2faAuth', failure('WRONG_PASSWORD')),
  error('config2faAuth', failure('NETWORK')),
  done('configOperation', {}),
  done('configOperation', { audit: { type: 'deviceAdded', name: 'key', at: T0 } }),
  error('configOperation', failure('FORBIDDEN', { reason: 'configLocked' })),
  error('configOperation', failure('UNAUTHORIZED')),
  error('configOperation', failure('HTTP_ERROR')),
  done('approvalOperation', {}),
  error('approvalOperation', failure('FORBIDDEN', { reason: 'configUnlocked' })),
  error('approvalOperation', failure('SESSION_EXPIRED')),
  error('approvalOperation', failure('NETWORK')),
  done('config2faTerminate'),
  error('config2faTerminate', failure('SESSION_EXPIRED')),
  error('config2faTerminate', failure('NETWORK')),
  error('config2faTerminate', failure('NETWORK'), 'serverLockBy'),
  { type: 'xstate.after.expiringWarning.twoFactorConfig.unlocked.timer.running' },
  { type: 'xstate.after.autoLock.twoFactorConfig.unlocked.timer.expiring' },
  { type: 'xstate.after.terminateRetry.twoFactorConfig.locking.retrying' },
  { type: 'xstate.after.terminateRetry.twoFactorConfig.locking.retrying', at: 'serverLockBy' },
];

/**
 * After a restore only what the restore must get right is explored (re-armed timers, the
 * terminate, refusals): the rest of the chart is the fresh start's, and exploring it again
 * would only cost time.
 */
const afterRestore = machineSampleEvents.filter(
  (event) =>
    event.type !== 'unlock' && !/config2faAuth|configOperation|approvalOperation/.test(event.type),
);

/** The restores a workflow can start from, and the plain start. */
export const machineInputs: ReadonlyArray<{
  name: string;
  input: TwoFactorConfigInput;
  events: readonly AnyEventObject[];
}> = [
  { name: 'a fresh start', input: {}, events: machineSampleEvents },
  {
    name: 'a restore inside the window',
    input: {
      restore: {
        state: 'unlocked',
        deadline: T0 + 120_000,
        serverLockBy: T0 + 125_000,
        lockReason: null,
      },
    },
    events: afterRestore,
  },
  {
    name: 'a restore past the deadline, DSM maybe unlocked',
    input: {
      restore: {
        state: 'unlocked',
        deadline: T0 - 1_000,
        serverLockBy: T0 + 4_000,
        lockReason: null,
      },
    },
    events: afterRestore,
  },
  {
    name: 'a restore past both deadlines',
    input: {
      restore: {
        state: 'unlocked',
        deadline: T0 - 9_000,
        serverLockBy: T0 - 4_000,
        lockReason: null,
      },
    },
    events: afterRestore,
  },
  {
    name: 'a restore while locking, with no known server deadline',
    input: {
      restore: { state: 'locking', deadline: null, serverLockBy: null, lockReason: 'user' },
    },
    events: afterRestore,
  },
  {
    name: 'a restore of an expired session',
    input: {
      restore: { state: 'sessionExpired', deadline: null, serverLockBy: null, lockReason: null },
    },
    events: afterRestore,
  },
];

type Options = Pick<
  MachinePathOptions<TwoFactorConfigMachine>,
  'timeOf' | 'resolveEvent' | 'events' | 'startAt'
>;

export const machineSampleOptions: Options = {
  events: machineSampleEvents,
  startAt: T0,
  timeOf: (snapshot, event) => {
    if (event.at === 'deadline') return snapshot.context.deadline ?? undefined;
    if (event.at === 'serverLockBy') return snapshot.context.serverLockBy ?? undefined;
    return undefined;
  },
  // The unlock's send and answer times are now, wherever the path has taken the clock.
  resolveEvent: (event) =>
    event.type === 'xstate.done.actor.config2faAuth'
      ? {
          ...event,
          output: {
            sentAt: Date.now(),
            answeredAt: Date.now(),
            sentAtMono: Date.now(),
            answeredAtMono: Date.now(),
          },
        }
      : event,
};
