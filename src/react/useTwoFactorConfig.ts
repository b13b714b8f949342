import { useMemo, useSyncExternalStore } from 'react';
import type { TwoFactorConfig } from '../workflow/createTwoFactorConfig.js';
import { boundMethods } from './boundMethods.js';
import { lockThenRun } from './lockThenRun.js';
import type { Prompt } from './prompt.js';
import {
  type TwoFactorConfigStatus,
  type TwoFactorConfigStore,
  twoFactorConfigStoreOf,
} from './twoFactorConfigStore.js';

export interface UseTwoFactorConfigOptions {
  /**
   * Re-render on every whole second of the countdown. Default true; pass false in components
   * that need the state but not the ticking `remainingMs`.
   */
  countdown?: boolean;
  /** Asked before `lockThenRun` locks an unlocked configuration ("lock, then approve?"). */
  confirmLock?: Prompt<boolean>;
}

/** The workflow's operations, bound, as `useTwoFactorConfig` returns them. */
export type TwoFactorConfigOperations = Pick<
  TwoFactorConfig,
  | 'unlock'
  | 'lock'
  | 'newDeviceChallenge'
  | 'addDevice'
  | 'removeDevice'
  | 'renameDevice'
  | 'generateRecoveryCodes'
  | 'approvalChallenge'
  | 'approve'
  | 'deny'
>;

export interface TwoFactorConfigState extends TwoFactorConfigStatus, TwoFactorConfigOperations {
  /** Milliseconds until the auto-lock, ticking on whole seconds; 0 unless unlocked. */
  remainingMs: number;
  workflow: TwoFactorConfig;
  /** Runs an approval after locking (asking `confirmLock` first); see `lockThenRun`. */
  lockThenRun<T>(task: () => Promise<T>): Promise<T>;
}

const noSubscription = () => () => {};

function storeOf(source: TwoFactorConfig | TwoFactorConfigStore): TwoFactorConfigStore {
  return 'status' in source ? source : twoFactorConfigStoreOf(source);
}

/**
 * The 2FA-configuration workflow for a component: its state, deadline, a countdown that
 * ticks, the `expiring` flag, busy, the last lock reason, the live-region text, and its
 * operations. Pass the workflow (one shared store per workflow), or a store from
 * `watchTwoFactorConfig` for non-default options.
 */
export function useTwoFactorConfig(
  source: TwoFactorConfig | TwoFactorConfigStore,
  options: UseTwoFactorConfigOptions = {},
): TwoFactorConfigState {
  const store = storeOf(source);
  const { countdown = true, confirmLock } = options;
  const status = useSyncExternalStore(
    store.subscribe,
    () => store.status,
    () => store.status,
  );
  const remainingMs = useSyncExternalStore(
    countdown ? store.subscribeToCountdown : noSubscription,
    () => store.remainingMs,
    () => store.remainingMs,
  );
  const operations = useMemo(() => {
    const workflow = store.workflow;
    return {
      workflow,
      ...boundMethods(workflow, [
        'unlock',
        'lock',
        'newDeviceChallenge',
        'addDevice',
        'removeDevice',
        'renameDevice',
        'generateRecoveryCodes',
        'approvalChallenge',
        'approve',
        'deny',
      ]),
      lockThenRun: <T>(task: () => Promise<T>) =>
        lockThenRun(workflow, task, confirmLock ? { confirm: confirmLock } : {}),
    };
  }, [store, confirmLock]);
  return useMemo(
    () => ({ ...status, remainingMs, ...operations }),
    [status, remainingMs, operations],
  );
}
