import { type FormEvent, useRef, useState } from 'react';
import { type LockReason, Secret } from '../../../src/index.js';
import { LiveAnnouncement, useTwoFactorConfig } from '../../../src/react/index.js';
import { AccountField } from './AccountField.js';
import { formatClock, formatRemaining, messageOf } from './format.js';
import { useNow, useTabView } from './hooks.js';
import type { Session } from './session.js';

const LOCK_REASONS: Partial<Record<LockReason, string>> = {
  user: 'The two-factor settings were locked (in this tab or another).',
  timeout: 'The two-factor settings locked themselves: the ten minutes were up.',
  server: 'DSM reported the two-factor settings locked (another tab or client locked them).',
  dispose: 'The two-factor settings were locked when the page closed.',
  session: 'The DSM session ended, so the two-factor settings locked.',
  lostAnswer: "DSM's answer to the unlock was lost, so the settings were locked to be sure.",
};

/** Unlock with the password, the countdown, the expiring warning, lock. */
export function LockPanel({ session }: { session: Session }) {
  const { workflow, tabs } = session;
  const { state, deadline, remainingMs, expiring, lastLockReason, announcement, unlock, lock } =
    useTwoFactorConfig(workflow);
  const others = useTabView(tabs);
  const elsewhere = others.others.find((tab) => tab.state === 'unlocked');
  const now = useNow(state === 'locked' && Boolean(elsewhere?.deadline));
  const password = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const input = password.current;
    if (!input) return;
    // Straight from the input into a Secret, and the field is emptied at once: the password
    // never enters React state, and the workflow drops its copy once the request is sent.
    const secret = new Secret(input.value);
    input.value = '';
    setError(null);
    try {
      await unlock(secret);
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      secret.clear();
    }
  };

  const lockNow = async () => {
    setError(null);
    await lock().catch((failure: unknown) => setError(messageOf(failure)));
  };

  return (
    <section className="panel" aria-labelledby="lock-title">
      <h2 id="lock-title">Two-factor settings</h2>
      <p className={`status status-${state}`} data-testid="lock-state" data-state={state}>
        {state === 'locked' && 'Locked'}
        {state === 'unlocking' && 'Unlocking…'}
        {state === 'unlocked' && 'Unlocked'}
        {state === 'locking' && 'Locking…'}
        {state === 'sessionExpired' && 'Your DSM session expired. Sign out and sign in again.'}
        {state === 'unlocked' && deadline !== null && (
          // Not a live region: it changes every second. The milestones are announced below.
          <span className="countdown" data-testid="countdown">
            {' '}
            · locks in {formatRemaining(remainingMs)}
          </span>
        )}
      </p>
      <LiveAnnouncement text={announcement} className="visually-hidden" />
      <p className="hint">
        {state === 'unlocked'
          ? 'You can change security keys and recovery codes. Meanwhile the security key cannot approve anything.'
          : 'Unlock with your password to change security keys or recovery codes, for at most ten minutes.'}
      </p>
      {state === 'unlocked' && expiring && (
        <p className="warning" data-testid="expiring-warning">
          Less than a minute left: the settings lock at {deadline && formatClock(deadline)}. Finish
          now, or lock and unlock again for ten more minutes.
        </p>
      )}
      {state === 'locked' && lastLockReason && (
        <p className="note" data-testid="lock-reason" data-reason={lastLockReason}>
          {LOCK_REASONS[lastLockReason] ?? 'The two-factor settings were locked.'}
        </p>
      )}
      {state === 'locked' && others.unlockedElsewhere && (
        <p className="note" data-testid="unlocked-elsewhere">
          {elsewhere?.deadline
            ? `Unlocked in another tab until ${formatClock(elsewhere.deadline)} (${formatRemaining(elsewhere.deadline - now)} left).`
            : 'Locking in another tab…'}{' '}
          The security key is in configuration mode meanwhile, so approving waits until that tab
          locks.
        </p>
      )}
      {(state === 'locked' || state === 'unlocking') && (
        <form className="row" onSubmit={submit}>
          <AccountField email={session.email} />
          <label>
            Password{' '}
            <input
              ref={password}
              type="password"
              name="password"
              autoComplete="current-password"
              required
              disabled={state === 'unlocking'}
            />
          </label>
          <button type="submit" disabled={state === 'unlocking'}>
            Unlock for ten minutes
          </button>
        </form>
      )}
      {(state === 'unlocked' || state === 'unlocking') && (
        <button type="button" onClick={lockNow}>
          Lock now
        </button>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
