import type {
  SessionExpiryReason,
  SignInStateName,
  SignOutReason,
} from '../../machines/signIn.types.js';
import type { SignIn } from '../signIn/createSignIn.js';
import type { SecondFactorOffer } from '../signIn/types.js';

/** The sign-in as a screen shows it. */
export interface SignInStatus {
  state: SignInStateName;
  /** DSM's `entity_id` while signed in or waiting for the second factor; otherwise null. */
  userId: string | null;
  /** A sign-in, second-factor check or sign-out is in flight. */
  busy: boolean;
  /** DSM's challenge while the sign-in waits for its second factor; otherwise null. */
  secondFactor: SecondFactorOffer | null;
  /** Wall-clock ms at which the session counts as idle, while signed in; otherwise null. */
  idleDeadline: number | null;
  /** How the last session ended, until the next sign-in; null before. */
  lastEnd:
    | { kind: 'signedOut'; reason: SignOutReason }
    | { kind: 'expired'; reason: SessionExpiryReason }
    | null;
}

/** A framework-free view of a sign-in controller for UIs. */
export interface SignInStore {
  readonly signIn: SignIn;
  /** The same object until something changes (for `useSyncExternalStore`). */
  readonly status: SignInStatus;
  subscribe(listener: () => void): () => void;
  /** Stops listening. Only for stores made with `watchSignIn`. */
  dispose(): void;
}

/** Watches a sign-in controller through its public API (`subscribe`, `on`). */
export function watchSignIn(signIn: SignIn): SignInStore {
  const listeners = new Set<() => void>();
  let lastEnd: SignInStatus['lastEnd'] = null;
  const read = (): SignInStatus => ({
    ...signIn.view,
    idleDeadline: signIn.idleDeadline,
    lastEnd,
  });
  let status = read();
  let key = '';
  const refresh = () => {
    const next = read();
    const nextKey = JSON.stringify(next);
    if (nextKey === key) return;
    key = nextKey;
    status = next;
    for (const listener of [...listeners]) listener();
  };
  key = JSON.stringify(status);

  const detach = [
    signIn.subscribe(refresh),
    signIn.on('signedIn', () => {
      lastEnd = null;
      refresh();
    }),
    signIn.on('signedOut', (event) => {
      lastEnd = { kind: 'signedOut', reason: event.reason };
      refresh();
    }),
    signIn.on('sessionExpired', (event) => {
      lastEnd = { kind: 'expired', reason: event.reason };
      refresh();
    }),
    // The idle deadline moves with every Refresh, which the view does not show.
    signIn.on('sessionRefreshed', refresh),
  ];

  return {
    signIn,
    get status() {
      return status;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose() {
      for (const off of detach) off();
      listeners.clear();
    },
  };
}

const shared = new WeakMap<SignIn, SignInStore>();

/** The store every hook shares for `signIn` (kept as long as the controller lives). */
export function signInStoreOf(signIn: SignIn): SignInStore {
  let store = shared.get(signIn);
  if (!store) {
    store = watchSignIn(signIn);
    shared.set(signIn, store);
  }
  return store;
}
