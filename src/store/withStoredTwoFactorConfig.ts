import type { TwoFactorConfigStateName } from '../../machines/twoFactorConfig.types.js';
import { waitForSnapshot } from '../controller/snapshots.js';
import { systemClock } from '../workflow/clock.js';
import {
  createTwoFactorConfig,
  type TwoFactorConfig,
  type TwoFactorConfigOptions,
} from '../workflow/createTwoFactorConfig.js';
import { restoreTwoFactorConfig } from '../workflow/restoreTwoFactorConfig.js';
import { checkKey } from './checkStoreArguments.js';
import type { SnapshotStore } from './SnapshotStore.js';

/** `createTwoFactorConfig`'s options, without the ones this helper owns. */
export type StoredTwoFactorConfigOptions = Omit<
  TwoFactorConfigOptions,
  'snapshot' | 'browserLifecycle'
>;

/** States worth keeping: DSM may still be unlocked until the stored `serverLockBy`. */
const KEPT: ReadonlySet<TwoFactorConfigStateName> = new Set(['unlocked', 'locking']);

/**
 * Runs one request of a stateless back end: restores the workflow stored under `key` (none:
 * locked), runs `fn` on it, waits for its requests in flight, stores it again, and stops it
 * without terminating, so no timer outlives the request. DSM's own deadline keeps running, and
 * the next request, on any instance, restores from the stored wall-clock deadline: past it,
 * the workflow locks (terminating first while DSM may still be unlocked), never "unlocked".
 *
 * Requests for one key must not overlap (route a user's requests one at a time): the last
 * store wins. Throws `InvalidSnapshotError` for a stored value it cannot trust (then delete it).
 *
 * Pass `snapshotKey` in `options` to sign what is stored and refuse, on the next request, a
 * value that was altered, forged or left unsigned in the store (`reason` `forged` or
 * `unsigned`). Every instance of the back end needs the same key (or key list).
 */
export async function withStoredTwoFactorConfig<T>(
  store: SnapshotStore,
  key: string,
  options: StoredTwoFactorConfigOptions,
  fn: (workflow: TwoFactorConfig) => T | Promise<T>,
): Promise<T> {
  checkKey(key);
  const stored = await store.get(key);
  const own = { ...options, browserLifecycle: false };
  const workflow =
    stored === undefined
      ? createTwoFactorConfig(own)
      : restoreTwoFactorConfig({ ...own, snapshot: stored });
  try {
    return await fn(workflow);
  } finally {
    await requestsSettled(workflow);
    const snapshot = workflow.persist();
    const now = (options.clock ?? systemClock).now();
    // Stopping the actor clears its timers; unlike dispose(), it sends no terminate.
    workflow.actor.stop();
    const keepFor = (snapshot.serverLockBy ?? now) - now;
    if (KEPT.has(snapshot.state) && keepFor > 0) {
      await store.set(key, snapshot, { ttlMs: keepFor });
    } else {
      await store.delete(key);
    }
  }
}

/** Resolves once no request is in flight; a terminate waiting to retry is left for later. */
const requestsSettled = (workflow: TwoFactorConfig) =>
  waitForSnapshot(
    workflow.actor,
    () => !workflow.view.busy || workflow.actor.getSnapshot().matches({ locking: 'retrying' }),
    { clock: systemClock, stopped: Error, timedOut: Error },
  ).catch(() => {});
