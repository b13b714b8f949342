import { type FormEvent, useRef, useState } from 'react';
import { createSignIn, type SignIn, type TwoFactorConfig } from '../../../src/index.js';
import {
  createPasswordPrompt,
  createPrompt,
  LiveAnnouncement,
  type PasswordPrompt,
  type Prompt,
  usePasswordPrompt,
  usePrompt,
  useSignIn,
  useTwoFactorConfig,
} from '../../../src/react/index.js';

/**
 * A page built only from the hooks, for test/react/hooks.test.ts: sign-in, the workflow with
 * its countdown and live region, the password dialog, and "lock, then deny".
 */
export function HookPage({ signIn }: { signIn: SignIn }) {
  const session = useSignIn(signIn, { trackActivity: true });
  const [open, setOpen] = useState<{
    workflow: TwoFactorConfig;
    password: PasswordPrompt;
    confirmLock: Prompt<boolean>;
  } | null>(null);
  const email = useRef<HTMLInputElement>(null);
  const password = useRef<HTMLInputElement>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await session.signIn({
      email: email.current?.value ?? '',
      password: password.current?.value ?? '',
    });
    const prompt = createPasswordPrompt();
    const workflow = signIn.createTwoFactorConfig({ onPasswordRequired: prompt.request });
    setOpen({ workflow, password: prompt, confirmLock: createPrompt<boolean>() });
  };

  return (
    <main>
      <p data-testid="sign-in-state" data-busy={session.busy}>
        {session.state}
      </p>
      {session.state !== 'signedIn' || !open ? (
        <form onSubmit={submit}>
          <input ref={email} aria-label="Email" autoComplete="username" />
          <input
            ref={password}
            aria-label="Password"
            type="password"
            autoComplete="current-password"
          />
          <button type="submit">Sign in</button>
        </form>
      ) : (
        <>
          <Settings signIn={signIn} workflow={open.workflow} confirmLock={open.confirmLock} />
          <StateOnly workflow={open.workflow} />
          <PasswordDialog prompt={open.password} />
          <ConfirmLock prompt={open.confirmLock} />
        </>
      )}
    </main>
  );
}

function Settings({
  signIn,
  workflow,
  confirmLock,
}: {
  signIn: SignIn;
  workflow: TwoFactorConfig;
  confirmLock: Prompt<boolean>;
}) {
  const config = useTwoFactorConfig(workflow, { confirmLock });
  const [results, setResults] = useState<string[]>([]);
  const record = (promise: Promise<unknown>) =>
    promise.then(
      () => setResults((list) => [...list, 'ok']),
      (error: { code?: string }) => setResults((list) => [...list, error.code ?? 'error']),
    );
  const twice = () => {
    void record(config.generateRecoveryCodes());
    void record(config.generateRecoveryCodes());
  };
  const lockThenDeny = async () => {
    const request = await signIn.client?.createApprovalRequest({
      operation: '/crypto/v1/keys/export',
      method: 'POST',
      description: 'Export the key',
    });
    if (request) void record(config.lockThenRun(() => config.deny(request.request_id)));
  };
  return (
    <section>
      <p
        data-testid="state"
        data-state={config.state}
        data-expiring={config.expiring}
        data-busy={config.busy}
      >
        {config.state} {Math.ceil(config.remainingMs / 1000)}
      </p>
      <p data-testid="lock-reason">{config.lastLockReason ?? ''}</p>
      <LiveAnnouncement text={config.announcement} />
      <button type="button" onClick={twice}>
        Regenerate twice
      </button>
      <button type="button" onClick={lockThenDeny}>
        Lock, then deny
      </button>
      <output data-testid="results">{results.join(',')}</output>
    </section>
  );
}

/** Renders on state changes only: its render count shows the countdown does not wake it. */
function StateOnly({ workflow }: { workflow: TwoFactorConfig }) {
  const { state } = useTwoFactorConfig(workflow, { countdown: false });
  const renders = useRef(0);
  renders.current += 1;
  return (
    <p data-testid="state-only" data-renders={renders.current}>
      {state}
    </p>
  );
}

function PasswordDialog({ prompt }: { prompt: PasswordPrompt }) {
  const { open, submit, cancel } = usePasswordPrompt(prompt);
  const input = useRef<HTMLInputElement>(null);
  if (!open) return null;
  return (
    <dialog open aria-label="Password required">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          submit(input.current?.value ?? '');
        }}
      >
        <input ref={input} aria-label="Your password" type="password" />
        <button type="submit">Unlock</button>
        <button type="button" onClick={cancel}>
          Cancel
        </button>
      </form>
    </dialog>
  );
}

function ConfirmLock({ prompt }: { prompt: Prompt<boolean> }) {
  const { open } = usePrompt(prompt);
  if (!open) return null;
  return (
    <dialog open aria-label="Lock first?">
      <button type="button" onClick={() => prompt.answer(true)}>
        Lock and continue
      </button>
      <button type="button" onClick={() => prompt.cancel()}>
        Keep unlocked
      </button>
    </dialog>
  );
}

export function createPageSignIn(): SignIn {
  return createSignIn({ baseUrl: window.location.origin });
}
