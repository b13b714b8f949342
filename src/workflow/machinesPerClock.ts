import type { Clock } from './clock.js';

/**
 * One provided machine per clock, shared by every controller on it: a live controller costs
 * an actor, not a machine definition. `build` receives the clock's `now`.
 */
export function machinesPerClock<M>(build: (now: () => number) => M): (clock: Clock) => M {
  const machines = new WeakMap<Clock, M>();
  return (clock) => {
    let machine = machines.get(clock);
    if (!machine) {
      machine = build(() => clock.now());
      machines.set(clock, machine);
    }
    return machine;
  };
}
