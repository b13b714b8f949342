import { type FormEvent, useEffect, useRef } from 'react';
import { Secret } from '../../../src/index.js';
import { usePasswordPrompt } from '../../../src/react/index.js';
import { AccountField } from './AccountField.js';
import type { Session } from './session.js';

/**
 * The page's own password dialog for `onPasswordRequired`: an operation that finds the
 * settings locked opens it, and runs once the settings unlock. A modal `<dialog>` (focus moves
 * in, Escape cancels); it has no timer, so it waits as long as the person needs. Cancelling
 * rejects the waiting operations with `PASSWORD_NOT_PROVIDED`, which their panels show.
 */
export function PasswordDialog({ session }: { session: Session }) {
  const { open, submit, cancel } = usePasswordPrompt(session.passwordPrompt);
  const dialog = useRef<HTMLDialogElement>(null);
  const password = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);

  const unlock = (event: FormEvent) => {
    event.preventDefault();
    const input = password.current;
    if (!input) return;
    // From the input into a Secret, and the field is emptied at once.
    submit(new Secret(input.value));
    input.value = '';
  };

  return (
    <dialog
      ref={dialog}
      className="panel password-dialog"
      aria-labelledby="password-dialog-title"
      onCancel={(event) => {
        event.preventDefault();
        cancel();
      }}
    >
      {open && (
        <form onSubmit={unlock} className="stack">
          <h2 id="password-dialog-title">Confirm it is you</h2>
          <p>Enter your password to unlock the two-factor settings for ten minutes.</p>
          <AccountField email={session.email} />
          <label>
            Your password
            <input
              ref={password}
              type="password"
              name="password"
              autoComplete="current-password"
              required
            />
          </label>
          <div className="row">
            <button type="submit">Unlock and continue</button>
            <button type="button" className="secondary" onClick={cancel}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
