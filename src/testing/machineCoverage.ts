/**
 * State and transition coverage of any XState v5 machine, measured from what live actors do:
 * pass `coverage.inspect` as an actor's `inspect` option (or to `createTwoFactorConfig`), run
 * your tests, then read `report()`. A transition counts when an actor took it (the inspector's
 * microsteps say which); a state counts when an actor was in it.
 */
import type {
  AnyStateMachine,
  AnyStateNode,
  AnyTransitionDefinition,
  InspectionEvent,
  StateValue,
} from 'xstate';

export interface CoverageCount {
  covered: number;
  total: number;
  /** What was never reached, by name. */
  missing: string[];
}

export interface MachineCoverageReport {
  machine: string;
  states: CoverageCount;
  transitions: CoverageCount;
}

export interface MachineCoverage {
  /** An inspection observer: `createActor(machine, { inspect: coverage.inspect })`. */
  readonly inspect: (event: InspectionEvent) => void;
  /** Every transition, by name: `source --event[candidate]--> targets`. */
  readonly transitionNames: readonly string[];
  report(): MachineCoverageReport;
  /** One line: states and transitions covered, out of the total. */
  summary(): string;
  /** The summary, then one line for each transition never taken and state never reached. */
  format(): string;
}

function stateNodes(node: AnyStateNode): AnyStateNode[] {
  return Object.values(node.states).flatMap((child) => [child, ...stateNodes(child)]);
}

/**
 * A stable name for a transition: its source, its event and its place among the candidates
 * for that event (guarded alternatives are separate transitions). The same in every copy of
 * the machine (`.provide()` makes new state nodes).
 */
export function transitionName(transition: AnyTransitionDefinition): string {
  const { source, eventType } = transition;
  const candidates = eventType === '' ? source.always : source.transitions.get(eventType);
  const index = candidates?.indexOf(transition) ?? -1;
  const targets = transition.target?.map((target) => target.id).join(', ') || '(no target)';
  return `${source.id} --${eventType || 'always'}[${index}]--> ${targets}`;
}

function allTransitions(root: AnyStateNode): string[] {
  return [root, ...stateNodes(root)].flatMap((node) => [
    ...[...node.transitions.values()].flat().map(transitionName),
    ...(node.always ?? []).map(transitionName),
  ]);
}

/** Ids of the state nodes a state value is in, ancestors included. */
function activeIds(node: AnyStateNode, value: StateValue): string[] {
  if (typeof value === 'string') {
    const child = node.states[value];
    return child ? [child.id] : [];
  }
  return Object.entries(value).flatMap(([key, inner]) => {
    const child = node.states[key];
    return child ? [child.id, ...(inner ? activeIds(child, inner) : [])] : [];
  });
}

export function createMachineCoverage(machine: AnyStateMachine): MachineCoverage {
  const root = machine.root;
  const stateIds = stateNodes(root).map((node) => node.id);
  const transitionNames = allTransitions(root);
  const reached = new Set<string>();
  const taken = new Set<string>();
  const ours = (logic: unknown) =>
    typeof logic === 'object' && logic !== null && (logic as { id?: unknown }).id === machine.id;

  const inspect = (event: InspectionEvent) => {
    if (!ours((event.actorRef as { logic?: unknown }).logic)) return;
    if (event.type === '@xstate.microstep') {
      for (const transition of event._transitions) {
        taken.add(transitionName(transition));
        // A transient state (only `always` transitions) shows in no snapshot: leaving it
        // proves it was entered.
        const source = (transition as { source?: { id?: unknown } }).source?.id;
        if (typeof source === 'string') reached.add(source);
      }
    }
    if (event.type === '@xstate.snapshot' || event.type === '@xstate.microstep') {
      const value = (event.snapshot as { value?: StateValue }).value;
      if (value !== undefined) for (const id of activeIds(root, value)) reached.add(id);
    }
  };

  const count = (all: readonly string[], seen: Set<string>): CoverageCount => ({
    covered: all.filter((name) => seen.has(name)).length,
    total: all.length,
    missing: all.filter((name) => !seen.has(name)),
  });
  const report = (): MachineCoverageReport => ({
    machine: machine.id,
    states: count(stateIds, reached),
    transitions: count(transitionNames, taken),
  });
  const percent = ({ covered, total }: CoverageCount) =>
    `${covered}/${total} (${total === 0 ? 100 : Math.floor((covered / total) * 100)}%)`;

  const summary = () => {
    const { states, transitions } = report();
    return `${machine.id} coverage: states ${percent(states)}, transitions ${percent(transitions)}`;
  };

  return {
    inspect,
    transitionNames,
    report,
    summary,
    format() {
      const { states, transitions } = report();
      return [
        summary(),
        ...transitions.missing.map((name) => `  never taken: ${name}`),
        ...states.missing.map((name) => `  never reached: ${name}`),
      ].join('\n');
    },
  };
}
