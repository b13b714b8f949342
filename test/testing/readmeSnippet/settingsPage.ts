/**
 * The smallest page the README's model-testing snippet needs: a password field, an unlock and
 * a lock button, and a status line. Like a real page it shows failures instead of throwing.
 */
import type { TwoFactorConfig } from '../../../src/index.js';

export class SettingsPage {
  readonly #workflow: TwoFactorConfig;
  #password = '';
  #message: string | null = null;

  constructor(workflow: TwoFactorConfig) {
    this.#workflow = workflow;
  }

  get view(): { status: string; message: string | null } {
    const { state } = this.#workflow;
    const status =
      state === 'unlocked' ? 'Unlocked' : state === 'sessionExpired' ? 'Sign in again' : 'Locked';
    return { status, message: this.#message };
  }

  typePassword(password: string): void {
    this.#password = password;
  }

  submitUnlock(): Promise<void> {
    const password = this.#password;
    this.#password = '';
    return this.#run(() => this.#workflow.unlock(password));
  }

  clickLock(): Promise<void> {
    return this.#run(() => this.#workflow.lock());
  }

  async #run(action: () => Promise<unknown>): Promise<void> {
    this.#message = null;
    try {
      await action();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      this.#message = typeof code === 'string' ? code : 'Something went wrong.';
    }
  }
}
