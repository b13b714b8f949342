/** What the two controllers share: input checks, their actor, the callers waiting on it. */
import {
  type AnyActorLogic,
  createActor,
  type InputFrom,
  type InspectionEvent,
  type Observer,
  type Subscribable,
  type Subscription,
} from 'xstate';
import { Secret } from '../client/secret.js';
import type { SnapshotKey } from '../persistence/signer.js';
import type { Outcome } from '../workflow/actors.js';
import { type Clock, longTimersOf, MAX_TIMER_MS, systemClock } from '../workflow/clock.js';
import { InvalidInputError } from '../workflow/errors.js';

export function invalid(message: string): never {
  throw new InvalidInputError(message);
}

export function checkClock(clock: Clock | undefined): Clock {
  const checked = clock ?? systemClock;
  if (typeof checked?.now !== 'function' || typeof checked.setTimeout !== 'function') {
    invalid('clock must be a Clock.');
  }
  return checked;
}

/** Duration options: left out, or ms from `least[name]` up to `max` (default: setTimeout's). */
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

/** A password or recovery code, as the controller's own copy (cleared once sent). */
export function checkSecret(value: unknown, what: string): Secret<string> {
  if (value instanceof Secret && value.cleared)
    invalid(`The ${what} was already used and cleared.`);
  const plain = value instanceof Secret ? value.reveal() : value;
  if (typeof plain !== 'string' || plain.trim().length === 0 || plain.length > 4096) {
    invalid(`The ${what} must be a non-empty string of at most 4096 characters.`);
  }
  return new Secret(plain);
}

/** The options both controllers take. */
export interface ControllerOptions {
  /**
   * From `createSnapshotKey(secret)`: signs `persist()`, refuses unsigned or forged restores.
   * Default: none, and a stored snapshot is trusted as far as its storage is (SECURITY.md).
   */
  snapshotKey?: SnapshotKey;
  /** An XState inspection observer (the Stately inspector's `inspect`). */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /** Default: the system clock. */
  clock?: Clock;
  /** How long `dispose()` waits for its terminate request. Default 10 000 ms. */
  disposeTimeoutMs?: number;
}

/** A controller's actor, not started, on a long-timer clock, with the app's inspector. */
export function createControllerActor<L extends AnyActorLogic>(
  logic: L,
  options: {
    input: InputFrom<L>;
    clock: Clock;
    inspect: ControllerOptions['inspect'];
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

/** Callers waiting for their outcome, by request id, each settled once from the chart's events. */
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

  rejectAll(error: () => unknown): void {
    // A Map's iteration skips the entries deleted on the way, and visits every other.
    for (const id of this.keys()) this.settle(id, error());
  }
}

/** The name of the top-level state of a snapshot value (`'unlocked'` for `{ unlocked: … }`). */
export function topStateName<T extends string>(value: string | object): T {
  return (typeof value === 'string' ? value : Object.keys(value)[0]) as T;
}

/**
 * Resolves when a snapshot matches `predicate` (at once if the current one does). Rejects with
 * `stopped()` when the actor stops first, and with `timedOut()` after `timeoutMs` on the
 * controller's clock. Shared by the workflow and sign-in controllers.
 */
export function waitForSnapshot<S>(
  actor: Subscribable<S> & { getSnapshot(): S },
  predicate: (snapshot: S) => boolean,
  options: { clock: Clock; timeoutMs?: number; stopped: () => Error; timedOut: () => Error },
): Promise<void> {
  const current = actor.getSnapshot();
  if (predicate(current)) return Promise.resolve();
  // A stopped, done or failed actor calls no observer later (a finished one calls it during
  // `subscribe`, a stopped one never): it would never settle.
  if ((current as { status?: string }).status !== 'active')
    return Promise.reject(options.stopped());
  return new Promise<void>((resolve, reject) => {
    let timer: unknown;
    // One named function per wait, the rest passed as arguments: cheaper to make.
    function settle(failed?: boolean, error?: unknown) {
      subscription.unsubscribe();
      if (timer !== undefined) options.clock.clearTimeout(timer);
      if (failed) reject(error);
      else resolve();
    }
    const subscription = actor.subscribe(
      (snapshot) => predicate(snapshot) && settle(),
      (error) => settle(true, error),
      () => settle(true, options.stopped()),
    );
    if (options.timeoutMs !== undefined) {
      timer = options.clock.setTimeout(() => settle(true, options.timedOut()), options.timeoutMs);
    }
  });
}

/**
 * Calls `listener` with `read()` now and after every snapshot whose view changed (by `keyOf`):
 * the `subscribe` of both controllers.
 */
export function subscribeToView<V>(
  actor: { subscribe(observer: Observer<unknown>): Subscription },
  read: () => V,
  keyOf: (view: V) => string,
  listener: (view: V) => void,
): () => void {
  let last: string | undefined;
  const notify = () => {
    const view = read();
    const key = keyOf(view);
    if (key === last) return;
    last = key;
    listener(view);
  };
  notify();
  const subscription = actor.subscribe({ next: notify, error: () => {} });
  return () => subscription.unsubscribe();
}
