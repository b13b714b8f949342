/**
 * What the controllers (the sign-in, the 2FA-configuration workflow) share: the checks of their
 * inputs, the actor they start, and the callers waiting for the outcomes the chart emits.
 */
import {
  type AnyActorLogic,
  createActor,
  type InputFrom,
  type InspectionEvent,
  type Observer,
} from 'xstate';
import { Secret } from '../client/secret.js';
import type { Outcome } from '../workflow/actors.js';
import { type Clock, longTimersOf, MAX_TIMER_MS, systemClock } from '../workflow/clock.js';
import { InvalidInputError } from '../workflow/errors.js';

export function invalid(message: string): never {
  throw new InvalidInputError(message);
}

/** The `clock` option: the system clock by default. */
export function checkClock(clock: Clock | undefined): Clock {
  const checked = clock ?? systemClock;
  if (typeof checked?.now !== 'function' || typeof checked.setTimeout !== 'function') {
    invalid('clock must be a Clock.');
  }
  return checked;
}

/**
 * Duration options: each left out, or a number of ms from its least value in `least` up to
 * `max`: setTimeout's ceiling by default (the workflow's timers); the sign-in, which re-arms its
 * long timers, passes Date's range.
 */
export function checkDurations<O extends object>(
  options: O,
  least: { [K in keyof O]?: number },
  max = MAX_TIMER_MS,
): void {
  for (const [name, min] of Object.entries(least) as Array<[keyof O & string, number]>) {
    const value = options[name];
    // NaN fails both comparisons.
    if (value !== undefined && !(typeof value === 'number' && value >= min && value <= max)) {
      invalid(`${name} must be ${min} to ${max} ms.`);
    }
  }
}

/** One line of text, not blank, at most `max` characters: DSM's rule for names, ids, emails. */
export function checkText(value: unknown, what: string, max = 4096): string {
  if (typeof value !== 'string' || !/^[^\n]*\S[^\n]*$/.test(value) || value.length > max) {
    invalid(`${what} must be one non-blank line of ≤ ${max} characters.`);
  }
  return value;
}

/**
 * A password or recovery code, checked; returns the controller's own copy, which the actor
 * clears once the request is sent, whatever the caller does with theirs.
 */
export function checkSecret(value: unknown, what: string): Secret<string> {
  if (value instanceof Secret && value.cleared)
    invalid(`The ${what} was already used and cleared.`);
  const plain = value instanceof Secret ? value.reveal() : value;
  if (typeof plain !== 'string' || plain.trim().length === 0 || plain.length > 4096) {
    invalid(`The ${what} must be a non-empty string of at most 4096 characters.`);
  }
  return new Secret(plain);
}

/**
 * A controller's actor, not started: its delays clamped to setTimeout's ceiling and re-armed
 * (never fired early), and the app's inspector attached.
 */
export function createControllerActor<L extends AnyActorLogic>(
  logic: L,
  options: {
    input: InputFrom<L>;
    clock: Clock;
    inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  },
) {
  return createActor(logic, {
    input: options.input,
    clock: longTimersOf(options.clock),
    ...(options.inspect && { inspect: options.inspect }),
  } as never);
}

/** A caller waiting for an outcome; `outcome` is what an actor handed over for it, if any. */
export interface Waiter {
  kind: string;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  outcome?: Outcome;
}

/**
 * Callers waiting for their outcome, by request id: each settled once, from the chart's
 * emitted events (which request, which outcome), never from snapshot diffs. The Map itself:
 * one object fewer per controller.
 */
export class Waiters extends Map<string | null, Waiter> {
  /** Registers a waiter for `id`, then `send`s: an answer emitted while sending settles it. */
  wait<T>(id: string, kind: string, send: () => void): Promise<T> {
    return new Promise((resolve, reject) => {
      this.set(id, { kind, resolve: resolve as (value: unknown) => void, reject });
      try {
        send();
      } catch (error) {
        this.settle(id, error);
      }
    });
  }

  /** Rejects with `error` when it is defined, otherwise resolves with `value`. */
  settle(id: string | null, error: unknown, value?: unknown): void {
    const waiter = this.get(id);
    if (!waiter) return;
    this.delete(id);
    if (error === undefined) waiter.resolve(value);
    else waiter.reject(error);
  }

  /** Rejects every waiter (`dispose()`). */
  rejectAll(error: () => unknown): void {
    // A Map's iteration skips the entries deleted on the way, and visits every other.
    for (const id of this.keys()) this.settle(id, error());
  }
}
