import { type Clock, monotonicOf } from './clock.js';

/**
 * One provided machine per clock, shared by every controller on it: a live controller costs
 * an actor, not a machine definition. `build` receives the clock's wall and monotonic readings.
 */
export function machinesPerClock<M>(
  build: (now: () => number, monotonic: () => number) => M,
): (clock: Clock) => M {
  const machines = new WeakMap<Clock, M>();
  return (clock) => {
    let machine = machines.get(clock);
    if (!machine) {
      machine = build(() => clock.now(), monotonicOf(clock));
      machines.set(clock, machine);
    }
    return machine;
  };
}
