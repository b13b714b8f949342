/**
 * How the walkthrough prints what happens: the transitions of both statecharts and the events
 * they emit, as they happen. Nothing here prints a secret; the password, the token and the
 * recovery codes never reach these listeners.
 */
import { isDsmError, type SignIn, type TwoFactorConfig } from '../../src/index.js';

export type Note = (line: string) => void;

export function formatRemaining(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

export function describeError(error: unknown): string {
  if (isDsmError(error)) return `${error.code}: ${error.message}`;
  const { code, message } = error as { code?: string; message?: string };
  return `${code ?? 'ERROR'}: ${message ?? String(error)}`;
}

/** `awaitingSecondFactor.verifyingAssertion` from XState's `{ awaitingSecondFactor: 'verifyingAssertion' }`. */
function stateLabel(value: unknown): string {
  if (typeof value === 'string') return value;
  const [key, child] = Object.entries(value as Record<string, unknown>)[0] ?? ['?', ''];
  return `${key}.${stateLabel(child)}`;
}

/** Prints every transition of the sign-in chart and the events the app would act on. */
export function watchSignIn(signIn: SignIn, note: Note): () => void {
  let last = '';
  const transitions = signIn.actor.subscribe((snapshot) => {
    const label = stateLabel(snapshot.value);
    if (label === last) return;
    last = label;
    note(`sign-in → ${label}`);
  });
  const offs = [
    () => transitions.unsubscribe(),
    signIn.on('secondFactorRequired', (e) =>
      note(`sign-in event secondFactorRequired: ${e.methods.join(' or ')}`),
    ),
    signIn.on('signedIn', (e) => note(`sign-in event signedIn: method ${e.method}`)),
    signIn.on('signedOut', (e) => note(`sign-in event signedOut: reason ${e.reason}`)),
    signIn.on('sessionExpired', (e) => note(`sign-in event sessionExpired: reason ${e.reason}`)),
  ];
  return () => {
    for (const off of offs) off();
  };
}

/** Prints the configuration workflow's state changes and the events the app would act on. */
export function watchWorkflow(workflow: TwoFactorConfig, note: Note, now: () => number): void {
  let lastState = '';
  workflow.subscribe((view) => {
    if (view.state === lastState) return;
    lastState = view.state;
    const left = view.deadline === null ? '' : ` (${formatRemaining(view.deadline - now())} left)`;
    note(`2FA config → ${view.state}${left}`);
  });
  workflow.on('unlocked', (e) =>
    note(`event unlocked: locks at ${new Date(e.deadline).toISOString()}`),
  );
  workflow.on('expiring', (e) => note(`event expiring: ${formatRemaining(e.remainingMs)} left`));
  workflow.on('locked', (e) => note(`event locked: reason ${e.reason}`));
  workflow.on('sessionExpired', () => note('event sessionExpired'));
  workflow.on('deviceAdded', (e) => note(`audit: security key "${e.name}" added`));
  workflow.on('recoveryCodesRegenerated', (e) => note(`audit: ${e.count} new recovery codes`));
}
