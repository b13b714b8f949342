import type { SecretInput } from '../client/secret.js';
import type { PasswordPrompt, PromptView } from './prompt.js';
import { usePrompt } from './usePrompt.js';

export interface PasswordPromptState extends PromptView {
  /** Gives the password to every waiting operation; they unlock, then run. */
  submit(password: SecretInput): void;
  /** Closes the dialog; every waiting operation rejects with `PasswordNotProvidedError`. */
  cancel(): void;
}

/**
 * The app's password dialog for `onPasswordRequired`: show it while `open`. One dialog
 * serves every operation waiting at that moment, and it never closes by itself.
 *
 * ```tsx
 * const prompt = createPasswordPrompt();
 * const workflow = signIn.createTwoFactorConfig({ onPasswordRequired: prompt.request });
 * // in a component:
 * const { open, submit, cancel } = usePasswordPrompt(prompt);
 * ```
 */
export function usePasswordPrompt(prompt: PasswordPrompt): PasswordPromptState {
  const view = usePrompt(prompt);
  return { ...view, submit: prompt.submit, cancel: prompt.cancel };
}
