import { Secret, type SecretInput } from '../client/secret.js';

/** What a prompt's subscribers read: whether the app should show its dialog now. */
export interface PromptView {
  /** Someone is waiting for an answer: show the dialog. */
  open: boolean;
  /** How many `request()` calls share the open question (0 when closed). */
  waiting: number;
}

/**
 * One question the library asks the app's own UI (a password dialog, a "lock first?" confirm).
 * Concurrent `request()` calls share one open question and one answer. It never closes by
 * itself: only `answer()` or `cancel()` close it, so a person who needs time gets it.
 */
export interface Prompt<T> {
  /** Opens the question (or joins the open one); resolves the answer, `undefined` if cancelled. */
  request(): Promise<T | undefined>;
  /** Answers every waiting `request()` and closes the question. Ignored while closed. */
  answer(value: T): void;
  /** Closes the question; every waiting `request()` resolves `undefined`. */
  cancel(): void;
  /** Calls `listener` after every change of `view`. Returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** The current view; the same object until it changes (for `useSyncExternalStore`). */
  readonly view: PromptView;
}

const CLOSED: PromptView = Object.freeze({ open: false, waiting: 0 });

/** A prompt with no UI of its own: the app renders it from `view` (see `usePrompt`). */
export function createPrompt<T>(): Prompt<T> {
  const listeners = new Set<() => void>();
  let view = CLOSED;
  let pending: { promise: Promise<T | undefined>; settle: (value: T | undefined) => void } | null =
    null;

  const publish = (next: PromptView) => {
    view = next;
    for (const listener of [...listeners]) listener();
  };
  const close = (value: T | undefined) => {
    if (!pending) return;
    const { settle } = pending;
    pending = null;
    publish(CLOSED);
    settle(value);
  };

  return {
    request() {
      if (!pending) {
        let settle!: (value: T | undefined) => void;
        const promise = new Promise<T | undefined>((resolve) => {
          settle = resolve;
        });
        pending = { promise, settle };
      }
      publish({ open: true, waiting: view.waiting + 1 });
      return pending.promise;
    },
    answer: (value) => close(value),
    cancel: () => close(undefined),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get view() {
      return view;
    },
  };
}

/**
 * The password dialog behind `onPasswordRequired`: pass `prompt.request` to
 * `createTwoFactorConfig` (or `signIn.createTwoFactorConfig`). A config operation that finds the
 * configuration locked then waits for the dialog, unlocks with the password, and runs.
 * Cancelling rejects every waiting operation with `PasswordNotProvidedError`
 * (`PASSWORD_NOT_PROVIDED`); a wrong password rejects them with `WrongPasswordError`.
 */
export interface PasswordPrompt extends Prompt<Secret<string>> {
  /** Answers with the password (wrapped in a `Secret` if it is a plain string). */
  submit(password: SecretInput): void;
}

/** Creates the password dialog's prompt. Create it before the workflow that asks it. */
export function createPasswordPrompt(): PasswordPrompt {
  const prompt = createPrompt<Secret<string>>();
  return {
    ...prompt,
    get view() {
      return prompt.view;
    },
    // An arrow, so `onPasswordRequired: prompt.request` works unbound.
    request: () => prompt.request(),
    submit: (password) => prompt.answer(Secret.from(password)),
  };
}
