import type { Observer, Subscription } from 'xstate';
import type { Clock } from '../workflow/clock.js';

/** What `waitForSnapshot` needs of an actor. */
export interface SnapshotSource<S> {
  getSnapshot(): S;
  subscribe(
    next: (snapshot: S) => void,
    error: (error: unknown) => void,
    complete: () => void,
  ): Subscription;
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
  actor: SnapshotSource<S>,
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
