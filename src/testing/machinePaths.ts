/**
 * Paths generated straight from any XState v5 machine, actors and delays included (which
 * `createTestModel` refuses; `getShortestPaths` and `getSimplePaths` take them).
 * `replayMachinePath` plays them on a live actor.
 *
 * Sample events name what can happen in a state: an event the machine accepts, an actor's
 * answer (`xstate.done.actor.<id>` with `output`, `xstate.error.actor.<id>` with `error`), or a
 * timer (`xstate.after.<delay>.<state id>`). Guards that read the clock get the time a step
 * says (`timeOf`), both while the paths are generated and while they are replayed, so the
 * machine must read `Date.now()` (under fake timers).
 */
import type { AnyEventObject, AnyMachineSnapshot, AnyStateMachine, SnapshotFrom } from 'xstate';
import { getShortestPaths, getSimplePaths, type StatePath } from 'xstate/graph';

export interface MachinePathOptions<TMachine extends AnyStateMachine> {
  /** The sample events tried in every state. */
  events: readonly AnyEventObject[];
  /** The machine's input (a restore, say). */
  input?: unknown;
  /** The wall-clock time at the start of every path. */
  startAt: number;
  /**
   * The wall-clock time `event` happens at in `snapshot`, for guards that read the clock
   * (undefined: no particular time). The replay never moves the clock backwards.
   */
  timeOf?: (snapshot: SnapshotFrom<TMachine>, event: AnyEventObject) => number | undefined;
  /**
   * The event as sent at the current time: fills in what depends on when it happens (an
   * actor's output that carries a timestamp). Paths keep the sample event.
   */
  resolveEvent?: (event: AnyEventObject) => AnyEventObject;
  /** `shortest` (default): a path to every (state, event, next state). `simple`: see below. */
  strategy?: 'shortest' | 'simple';
}

export type MachinePath<TMachine extends AnyStateMachine> = StatePath<
  SnapshotFrom<TMachine>,
  AnyEventObject
>;

/** A step's event as a short name, for vertex keys and test names. */
export function sampleEventName(event: AnyEventObject): string {
  const { type, ...rest } = event;
  const fields = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
  return `${type}${fields}`;
}

export const valueKey = (snapshot: { value: unknown }) => JSON.stringify(snapshot.value);

/** The machine, but every step first sets the clock its guards will read. */
function onPathClock<TMachine extends AnyStateMachine>(
  machine: TMachine,
  options: MachinePathOptions<TMachine>,
  setClock: (now: number) => void,
): TMachine {
  const resolve = options.resolveEvent ?? ((event: AnyEventObject) => event);
  const timed = Object.create(machine) as TMachine;
  const at = (snapshot: SnapshotFrom<TMachine>, event: AnyEventObject) =>
    options.timeOf?.(snapshot, event) ?? options.startAt;
  timed.transition = ((snapshot: SnapshotFrom<TMachine>, event: AnyEventObject, scope: never) => {
    setClock(at(snapshot, event));
    return machine.transition(snapshot, resolve(event), scope);
  }) as TMachine['transition'];
  timed.getInitialSnapshot = ((scope: never, input: never) => {
    setClock(options.startAt);
    return machine.getInitialSnapshot(scope, input);
  }) as TMachine['getInitialSnapshot'];
  return timed;
}

/**
 * Paths through `machine`. `shortest`: the vertices are (state, event, previous state), so
 * there is one shortest path to every transition the sample events can take. `simple`: the
 * vertices are states and the edges one per event type, every path that visits each state at
 * most once (bounded by `maxSteps`).
 */
export function machinePaths<TMachine extends AnyStateMachine>(
  machine: TMachine,
  options: MachinePathOptions<TMachine> & { setClock: (now: number) => void; maxSteps?: number },
): Array<MachinePath<TMachine>> {
  const timed = onPathClock(machine, options, options.setClock);
  const resolve = options.resolveEvent ?? ((event: AnyEventObject) => event);
  const at = (snapshot: SnapshotFrom<TMachine>, event: AnyEventObject) =>
    options.timeOf?.(snapshot, event) ?? options.startAt;
  const canTake = (snapshot: AnyMachineSnapshot, event: AnyEventObject) => {
    options.setClock(at(snapshot as SnapshotFrom<TMachine>, event));
    return snapshot.can(resolve(event));
  };
  const common = {
    input: options.input,
    events: options.events,
    // Only events with a transition enabled: an ignored event makes a step that tests nothing.
    filterEvents: canTake,
  } as const;
  const paths =
    options.strategy === 'simple'
      ? getSimplePaths(timed, {
          ...common,
          serializeState: valueKey,
          serializeEvent: (event: AnyEventObject) => event.type,
        } as never)
      : getShortestPaths(timed, {
          ...common,
          serializeState: (
            snapshot: AnyMachineSnapshot,
            event: AnyEventObject | undefined,
            previous: AnyMachineSnapshot | undefined,
          ) =>
            event && previous
              ? `${valueKey(snapshot)} via ${sampleEventName(event)} from ${valueKey(previous)}`
              : valueKey(snapshot),
          serializeEvent: sampleEventName,
        } as never);
  const maxSteps = options.maxSteps ?? Number.POSITIVE_INFINITY;
  return (paths as Array<MachinePath<TMachine>>).filter(
    (path) => path.steps.length - 1 <= maxSteps,
  );
}
