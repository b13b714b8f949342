import { useSelector } from '@xstate/react';
import { useEffect, useState, useSyncExternalStore } from 'react';
import {
  type LockReason,
  stateNameOf,
  type TabSync,
  type TabSyncView,
  type TwoFactorConfig,
  type TwoFactorConfigStateName,
} from '../../../src/index.js';

/** The workflow's state, read from its XState actor with @xstate/react. */
export function useLockState(workflow: TwoFactorConfig): {
  state: TwoFactorConfigStateName;
  deadline: number | null;
  expiring: boolean;
  busy: boolean;
} {
  const state = useSelector(workflow.actor, stateNameOf);
  const deadline = useSelector(workflow.actor, (s) =>
    stateNameOf(s) === 'unlocked' ? s.context.deadline : null,
  );
  const expiring = useSelector(workflow.actor, (s) =>
    s.matches({ unlocked: { timer: 'expiring' } }),
  );
  const busy = useSelector(
    workflow.actor,
    (s) =>
      s.matches('unlocking') ||
      s.matches('locking') ||
      s.matches({ locked: 'approving' }) ||
      s.matches({ unlocked: { operation: 'running' } }),
  );
  return { state, deadline, expiring, busy };
}

/** Why the configuration last locked, until it unlocks again. */
export function useLastLockReason(workflow: TwoFactorConfig): LockReason | null {
  const [reason, setReason] = useState<LockReason | null>(null);
  useEffect(() => {
    const offLocked = workflow.on('locked', (event) => setReason(event.reason));
    const offUnlocked = workflow.on('unlocked', () => setReason(null));
    return () => {
      offLocked();
      offUnlocked();
    };
  }, [workflow]);
  return reason;
}

/** What this tab knows about the other tabs of the user. */
export function useTabView(tabs: TabSync): TabSyncView {
  return useSyncExternalStore(
    (notify) => tabs.subscribe(notify),
    () => tabs.view,
  );
}

/** The current time, refreshed every `intervalMs` (drives the countdown). */
export function useNow(intervalMs = 250): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
