import { useEffect, useState } from 'react';
import type { SignIn } from '../../../src/index.js';
import { useSignIn } from '../../../src/react/index.js';
import { Approvals } from './Approvals.js';
import type { BrowserInspector } from './inspector.js';
import { LockPanel } from './LockPanel.js';
import { PasswordDialog } from './PasswordDialog.js';
import { RecoveryCodes } from './RecoveryCodes.js';
import { SecurityKeys } from './SecurityKeys.js';
import { SignInForm } from './SignInForm.js';
import { openSession, type Session } from './session.js';

export function App({ signIn, inspector }: { signIn: SignIn; inspector: BrowserInspector | null }) {
  // User activity (pointer, keys) keeps the DSM session alive: the controller sends Refresh,
  // at most once a minute.
  const { state: signInState } = useSignIn(signIn, { trackActivity: true });
  const [session, setSession] = useState<Session | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  // The DSM session ended under us (idle timeout, or DSM answered 401): start over.
  useEffect(() => {
    if (!session || signInState === 'signedIn') return;
    void session.close();
    setSession(null);
    if (signInState === 'expired') setNotice('Your DSM session expired. Sign in again.');
  }, [session, signInState]);

  const signedIn = (email: string) => {
    setNotice(null);
    setSession(openSession(signIn, email, inspector?.inspect));
  };
  const signOut = async () => {
    await session?.close();
    setSession(null);
    await signIn.signOut();
  };

  return (
    <main>
      <header>
        <h1>Security settings</h1>
        {inspector && (
          <button type="button" className="secondary" onClick={() => inspector.start()}>
            Open the Stately inspector
          </button>
        )}
        {session && (
          <span className="who">
            {session.email}{' '}
            <button type="button" className="secondary" onClick={signOut}>
              Sign out
            </button>
          </span>
        )}
      </header>
      {session ? (
        <div className="grid" key={session.userId}>
          <LockPanel session={session} />
          <Approvals session={session} />
          <SecurityKeys session={session} />
          <RecoveryCodes session={session} />
          <PasswordDialog session={session} />
        </div>
      ) : (
        <SignInForm signIn={signIn} onSignedIn={signedIn} notice={notice} />
      )}
    </main>
  );
}
