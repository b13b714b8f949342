import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { SignIn } from '../signIn/createSignIn.js';
import { boundMethods } from './boundMethods.js';
import { type SignInStatus, type SignInStore, signInStoreOf } from './signInStore.js';

export interface UseSignInOptions {
  /**
   * Report the user's activity (`pointerdown` and `keydown` on `window`) to the controller,
   * which then keeps the DSM session alive with Refresh. Default false.
   */
  trackActivity?: boolean;
}

/** The sign-in controller's operations, bound, as `useSignIn` returns them. */
export type SignInOperations = Pick<
  SignIn,
  'signIn' | 'completeWithSecurityKey' | 'completeWithRecoveryCode' | 'signOut' | 'activity'
>;

export interface SignInState extends SignInStatus, SignInOperations {
  controller: SignIn;
}

/**
 * The sign-in controller for a component: its state, busy, DSM's second-factor challenge, the
 * idle deadline, how the last session ended, and its operations. Pass the controller (one
 * shared store per controller) or a store from `watchSignIn`.
 */
export function useSignIn(
  source: SignIn | SignInStore,
  options: UseSignInOptions = {},
): SignInState {
  const store = 'status' in source ? source : signInStoreOf(source);
  const status = useSyncExternalStore(
    store.subscribe,
    () => store.status,
    () => store.status,
  );
  const trackActivity = options.trackActivity ?? false;
  useEffect(() => {
    if (!trackActivity || typeof window === 'undefined') return;
    const active = () => store.signIn.activity();
    window.addEventListener('pointerdown', active);
    window.addEventListener('keydown', active);
    return () => {
      window.removeEventListener('pointerdown', active);
      window.removeEventListener('keydown', active);
    };
  }, [store, trackActivity]);
  const operations = useMemo(() => {
    const controller = store.signIn;
    return {
      controller,
      ...boundMethods(controller, [
        'signIn',
        'completeWithSecurityKey',
        'completeWithRecoveryCode',
        'signOut',
        'activity',
      ]),
    };
  }, [store]);
  return useMemo(() => ({ ...status, ...operations }), [status, operations]);
}
