/**
 * Replays a path from `machinePaths` on a live actor: its invoked actors are scripted (the
 * path's `xstate.done.actor.*` and `xstate.error.actor.*` events answer them), its timers run
 * on fake time (`xstate.after.*` runs the next one), every other event is sent. Throws, naming
 * the step, when the actor's state differs from the path's.
 */
import {
  type AnyEventObject,
  type AnyStateMachine,
  createActor,
  fromPromise,
  type SnapshotFrom,
} from 'xstate';
import type { MachineCoverage } from './machineCoverage.js';
import {
  type MachinePath,
  type MachinePathOptions,
  sampleEventName,
  valueKey,
} from './machinePaths.js';

/** The fake-timer functions the replay needs (vitest's `vi` has them). */
export interface ReplayTimers {
  setSystemTime(now: number): unknown;
  advanceTimersToNextTimerAsync(): unknown;
}

/** Invoked actors of one replay: each waits for the path to answer it. */
class ScriptedActors {
  #pending = new Map<string, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();

  start(id: string, signal: AbortSignal): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      signal.addEventListener('abort', () => this.#pending.delete(id));
    });
  }

  answer(id: string, settle: 'resolve' | 'reject', value: unknown): void {
    const pending = this.#pending.get(id);
    if (!pending) throw new Error(`No "${id}" actor is waiting for an answer.`);
    this.#pending.delete(id);
    pending[settle](value);
  }
}

// `.provide()` builds a new machine (a few ms): once per machine, each replay finding its own
// scripted actors through its actor system.
const scriptsBySystem = new WeakMap<object, ScriptedActors>();
const scriptedMachines = new WeakMap<AnyStateMachine, AnyStateMachine>();

function scriptedMachine<TMachine extends AnyStateMachine>(machine: TMachine): TMachine {
  let scripted = scriptedMachines.get(machine);
  if (!scripted) {
    const actors = Object.fromEntries(
      Object.keys(machine.implementations.actors).map((src) => [
        src,
        fromPromise(({ self, system, signal }) => {
          const script = scriptsBySystem.get(system);
          if (!script) throw new Error('This actor system is not a replay.');
          return script.start(self.id, signal);
        }),
      ]),
    );
    scripted = machine.provide({ actors } as never);
    scriptedMachines.set(machine, scripted);
  }
  return scripted as TMachine;
}

const flushMicrotasks = async () => {
  for (let i = 0; i < 20; i += 1) await Promise.resolve();
};

/** Replays `path` on a live actor of `machine`; see the top of this file. */
export async function replayMachinePath<TMachine extends AnyStateMachine>(
  machine: TMachine,
  path: MachinePath<TMachine>,
  options: MachinePathOptions<TMachine> & {
    timers: ReplayTimers;
    coverage?: MachineCoverage;
  },
): Promise<void> {
  const scripted = new ScriptedActors();
  const resolve = options.resolveEvent ?? ((event: AnyEventObject) => event);
  options.timers.setSystemTime(options.startAt);
  const actor = createActor(scriptedMachine(machine), {
    input: options.input as never,
    ...(options.coverage && { inspect: options.coverage.inspect }),
  });
  scriptsBySystem.set(actor.system, scripted);
  actor.start();
  try {
    for (const [index, step] of path.steps.entries()) {
      if (index > 0) {
        const event = step.event;
        const at = options.timeOf?.(actor.getSnapshot() as SnapshotFrom<TMachine>, event);
        if (at !== undefined && at > Date.now()) options.timers.setSystemTime(at);
        await dispatch(actor, scripted, resolve(event), options.timers);
      }
      const actual = valueKey(actor.getSnapshot());
      if (actual !== valueKey(step.state)) {
        throw new Error(
          `Step ${index} (${sampleEventName(step.event)}): the actor is in ${actual}, the path expects ${valueKey(step.state)}.`,
        );
      }
    }
  } finally {
    actor.stop();
  }
}

async function dispatch(
  actor: { send(event: AnyEventObject): void },
  scripted: ScriptedActors,
  event: AnyEventObject,
  timers: ReplayTimers,
): Promise<void> {
  const done = /^xstate\.done\.actor\.(.+)$/.exec(event.type);
  const error = /^xstate\.error\.actor\.(.+)$/.exec(event.type);
  if (done) scripted.answer(done[1]!, 'resolve', event.output);
  else if (error) scripted.answer(error[1]!, 'reject', event.error);
  // The replay's only timers are the machine's delays: the next one is this one.
  else if (event.type.startsWith('xstate.after.')) await timers.advanceTimersToNextTimerAsync();
  else actor.send(event);
  await flushMicrotasks();
}
