import type { LockReason, TwoFactorConfigStateName } from '../../machines/twoFactorConfig.types.js';
import { type Clock, systemClock } from '../workflow/clock.js';
import type { TwoFactorConfig } from '../workflow/createTwoFactorConfig.js';
import { announceInEnglish, type LockMilestone } from './announcements.js';

/** The workflow as a screen shows it. Changes at state changes, not at every tick. */
export interface TwoFactorConfigStatus {
  state: TwoFactorConfigStateName;
  /** Wall-clock ms at which the configuration locks, while unlocked; otherwise null. */
  deadline: number | null;
  /** The `expiring` warning was given and the configuration is still unlocked. */
  expiring: boolean;
  /** A request of this workflow is in flight. */
  busy: boolean;
  /** Why the configuration last locked, until it unlocks again; null before the first lock. */
  lastLockReason: LockReason | null;
  /**
   * Text for a polite live region (`role="status"`): it changes only at a milestone (unlocked,
   * expiring, locked), never with the countdown. Empty until the first milestone.
   */
  announcement: string;
}

export interface TwoFactorConfigStoreOptions {
  /** The text of each milestone (to translate). Default: `announceInEnglish`. */
  announce?: (milestone: LockMilestone) => string;
  /** Timers for the countdown's ticks. Default: the system clock. */
  clock?: Clock;
}

/**
 * A framework-free view of one workflow for UIs: `status` (with a `subscribe`), and a
 * countdown, `remainingMs`, that ticks once a second while someone listens to it.
 */
export interface TwoFactorConfigStore {
  readonly workflow: TwoFactorConfig;
  /** The same object until something changes (for `useSyncExternalStore`). */
  readonly status: TwoFactorConfigStatus;
  /** Milliseconds left while unlocked (0 otherwise), as of the last tick or change. */
  readonly remainingMs: number;
  /** Calls `listener` after every change of `status`. */
  subscribe(listener: () => void): () => void;
  /** Calls `listener` after every tick of `remainingMs` (on whole seconds) and every change. */
  subscribeToCountdown(listener: () => void): () => void;
  /** Stops listening to the workflow. Only for stores made with `watchTwoFactorConfig`. */
  dispose(): void;
}

/**
 * Watches a workflow through its public API (`subscribe`, `on`, `remainingMs`). Listening
 * starts now, so the last lock reason and the `expiring` warning are known from here on.
 */
export function watchTwoFactorConfig(
  workflow: TwoFactorConfig,
  options: TwoFactorConfigStoreOptions = {},
): TwoFactorConfigStore {
  const announce = options.announce ?? announceInEnglish;
  const clock = options.clock ?? systemClock;
  const statusListeners = new Set<() => void>();
  const tickListeners = new Set<() => void>();
  let timer: unknown;

  const initial = workflow.view;
  let remainingMs = workflow.remainingMs();
  let status: TwoFactorConfigStatus = {
    state: initial.state,
    deadline: initial.deadline,
    // The workflow's own: its chart is in the `expiring` state, whatever the warning's lead.
    expiring: initial.expiring,
    busy: initial.busy,
    lastLockReason: null,
    announcement: '',
  };

  const notify = (listeners: Set<() => void>) => {
    for (const listener of [...listeners]) listener();
  };
  const update = (change: Partial<TwoFactorConfigStatus>) => {
    const next = { ...status, ...change };
    if (next.state !== 'unlocked') next.expiring = false;
    const changed = (Object.keys(next) as (keyof TwoFactorConfigStatus)[]).some(
      (key) => next[key] !== status[key],
    );
    if (!changed) return;
    status = next;
    remainingMs = workflow.remainingMs();
    notify(statusListeners);
    notify(tickListeners);
    scheduleTick();
  };

  // Ticks land on whole seconds of the remaining time, so an `m:ss` display changes on time.
  const scheduleTick = () => {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
    if (tickListeners.size === 0 || status.state !== 'unlocked') return;
    timer = clock.setTimeout(tick, remainingMs % 1000 || 1000);
  };
  const tick = () => {
    timer = undefined;
    remainingMs = workflow.remainingMs();
    notify(tickListeners);
    // A late timer (a sleeping laptop) must not leave "unlocked" on screen past the deadline.
    if (remainingMs === 0) workflow.checkDeadline();
    else scheduleTick();
  };

  const detach = [
    workflow.subscribe((view) => update(view)),
    workflow.on('unlocked', () =>
      update({
        lastLockReason: null,
        expiring: false,
        announcement: announce({ kind: 'unlocked', remainingMs: workflow.remainingMs() }),
      }),
    ),
    workflow.on('expiring', () =>
      update({
        expiring: true,
        announcement: announce({ kind: 'expiring', remainingMs: workflow.remainingMs() }),
      }),
    ),
    workflow.on('locked', (event) =>
      update({
        lastLockReason: event.reason,
        announcement: announce({ kind: 'locked', reason: event.reason }),
      }),
    ),
  ];

  return {
    workflow,
    get status() {
      return status;
    },
    get remainingMs() {
      return remainingMs;
    },
    subscribe(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    subscribeToCountdown(listener) {
      tickListeners.add(listener);
      if (tickListeners.size === 1) {
        remainingMs = workflow.remainingMs();
        scheduleTick();
      }
      return () => {
        tickListeners.delete(listener);
        if (tickListeners.size === 0) scheduleTick();
      };
    },
    dispose() {
      for (const off of detach) off();
      tickListeners.clear();
      statusListeners.clear();
      scheduleTick();
    },
  };
}

const shared = new WeakMap<TwoFactorConfig, TwoFactorConfigStore>();

/**
 * The store every hook shares for `workflow` (created with default options on first use, and
 * kept as long as the workflow lives).
 */
export function twoFactorConfigStoreOf(workflow: TwoFactorConfig): TwoFactorConfigStore {
  let store = shared.get(workflow);
  if (!store) {
    store = watchTwoFactorConfig(workflow);
    shared.set(workflow, store);
  }
  return store;
}
