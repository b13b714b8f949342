import { type FormEvent, useRef, useState } from 'react';
import { getAssertionFor, Secret, type SignIn } from '../../../src/index.js';
import { useSignIn } from '../../../src/react/index.js';
import { messageOf } from './format.js';

/**
 * Sign-in with `src/signIn`'s controller: email and password, then the second factor DSM asks
 * for (the security key, or a recovery code). Passwords and codes go from the input straight
 * into a `Secret`, and the input is emptied at once.
 */
export function SignInForm({
  signIn,
  onSignedIn,
  notice,
}: {
  signIn: SignIn;
  onSignedIn: (email: string) => void;
  notice: string | null;
}) {
  const { state, busy, completeWithSecurityKey, completeWithRecoveryCode } = useSignIn(signIn);
  const email = useRef<HTMLInputElement>(null);
  const password = useRef<HTMLInputElement>(null);
  const recoveryCode = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);

  const attempt = async (step: () => Promise<unknown>) => {
    setError(null);
    try {
      await step();
      if (signIn.state === 'signedIn') onSignedIn(email.current?.value ?? '');
    } catch (failure) {
      setError(messageOf(failure));
    }
  };

  const withKey = () => attempt(() => completeWithSecurityKey((o) => getAssertionFor(o)));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const secret = new Secret(password.current?.value ?? '');
    if (password.current) password.current.value = '';
    void attempt(async () => {
      try {
        const result = await signIn.signIn({ email: email.current?.value ?? '', password: secret });
        if (result.state === 'awaitingSecondFactor') {
          await completeWithSecurityKey((o) => getAssertionFor(o));
        }
      } finally {
        secret.clear();
      }
    });
  };

  const submitCode = (event: FormEvent) => {
    event.preventDefault();
    const secret = new Secret(recoveryCode.current?.value ?? '');
    if (recoveryCode.current) recoveryCode.current.value = '';
    void attempt(() => completeWithRecoveryCode(secret).finally(() => secret.clear()));
  };

  if (state === 'awaitingSecondFactor') {
    return (
      <section className="panel signin" aria-labelledby="second-title">
        <h2 id="second-title">Second factor</h2>
        <p>Touch your security key, or use one of your recovery codes.</p>
        <button type="button" onClick={withKey}>
          Use the security key
        </button>
        <form className="stack" onSubmit={submitCode}>
          <label>
            Recovery code
            <input ref={recoveryCode} name="recovery-code" autoComplete="one-time-code" required />
          </label>
          <button type="submit">Use the code</button>
        </form>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </section>
    );
  }

  return (
    <form className="panel signin" onSubmit={submit} aria-labelledby="signin-title">
      <h2 id="signin-title">Sign in to DSM</h2>
      {notice && <p className="note">{notice}</p>}
      <label>
        Email
        <input
          ref={email}
          name="email"
          type="email"
          autoComplete="username"
          defaultValue="demo@example.com"
          required
        />
      </label>
      <label>
        Password
        <input
          ref={password}
          name="password"
          type="password"
          autoComplete="current-password"
          required
        />
      </label>
      <button type="submit" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
