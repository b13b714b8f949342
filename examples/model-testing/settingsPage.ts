/**
 * A "Security settings" page as a DOM-less view-model: what a React or Vue component would
 * render, and the handlers its buttons call. It owns no 2FA logic; the workflow decides, the
 * page shows. `settingsPage.test.ts` model-tests it with `dsm-2fa-guard/testing`.
 */
// In your app: from 'dsm-2fa-guard'.
import type {
  Fido2AssertionResult,
  Fido2AttestationResult,
  Fido2CreationOptions,
  Fido2RequestOptions,
  TwoFactorConfig,
} from '../../src/index.js';

/** What the page shows. */
export interface SettingsPageView {
  status: 'Locked' | 'Unlocked' | 'Sign in again';
  /** `m:ss` until the settings lock, while unlocked. */
  timeLeft: string | null;
  /** The one-minute warning. */
  warning: string | null;
  /** The outcome of the last button, for the user. */
  message: string | null;
  /** Freshly regenerated recovery codes, shown once. */
  recoveryCodes: readonly string[] | null;
  /** Whether the key buttons and the approve button are enabled. */
  canEditKeys: boolean;
  canApprove: boolean;
}

/** The texts the page shows for the errors a workflow call can end with. */
export const ERROR_TEXTS: Readonly<Record<string, string>> = {
  WRONG_PASSWORD: 'That password is not right.',
  CONFIG_LOCKED: 'Unlock the settings first.',
  CONFIG_UNLOCKED: 'Lock the settings before you approve.',
  SESSION_EXPIRED: 'Your session has ended. Sign in again.',
  UNAUTHORIZED: 'Your session has ended. Sign in again.',
  FORBIDDEN: 'Another window changed the settings. Try again.',
  NETWORK: 'DSM cannot be reached. Try again.',
  HTTP_ERROR: 'DSM had a problem. Try again.',
};

const codeOf = (error: unknown) => (error as { code?: unknown } | null)?.code;

function formatTimeLeft(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

export class SettingsPage {
  readonly #workflow: TwoFactorConfig;
  #password = '';
  #message: string | null = null;
  #warning: string | null = null;
  #codes: readonly string[] | null = null;
  readonly #unsubscribe: Array<() => void>;

  constructor(workflow: TwoFactorConfig) {
    this.#workflow = workflow;
    this.#unsubscribe = [
      workflow.on('expiring', () => {
        this.#warning = 'The settings lock in a minute.';
      }),
      workflow.on('locked', () => {
        this.#warning = null;
        // Recovery codes are shown once, and never after the settings lock.
        this.#codes = null;
      }),
    ];
  }

  get view(): SettingsPageView {
    const state = this.#workflow.state;
    const unlocked = state === 'unlocked';
    return {
      status: state === 'sessionExpired' ? 'Sign in again' : unlocked ? 'Unlocked' : 'Locked',
      timeLeft: unlocked ? formatTimeLeft(this.#workflow.remainingMs()) : null,
      warning: unlocked ? this.#warning : null,
      message: this.#message,
      recoveryCodes: this.#codes,
      canEditKeys: unlocked && this.#workflow.remainingMs() > 0,
      canApprove: state === 'locked',
    };
  }

  /** The password field. Kept out of the view, and cleared once sent. */
  typePassword(password: string): void {
    this.#password = password;
  }

  submitUnlock(): Promise<void> {
    const password = this.#password;
    this.#password = '';
    return this.#run(() => this.#workflow.unlock(password), 'The settings are unlocked.');
  }

  clickLock(): Promise<void> {
    return this.#run(() => this.#workflow.lock(), 'The settings are locked.');
  }

  clickRegenerateCodes(): Promise<void> {
    return this.#run(async () => {
      this.#codes = await this.#workflow.generateRecoveryCodes();
    }, 'New recovery codes: write them down.');
  }

  /** `create` is `navigator.credentials.create()` in a browser. */
  clickAddKey(
    name: string,
    create: (options: Fido2CreationOptions) => Promise<Fido2AttestationResult>,
  ): Promise<void> {
    return this.#run(async () => {
      const options = await this.#workflow.newDeviceChallenge();
      await this.#workflow.addDevice(name, await create(options));
    }, `Security key "${name}" added.`);
  }

  /** `sign` is `navigator.credentials.get()` in a browser. */
  clickApprove(
    requestId: string,
    sign: (options: Fido2RequestOptions) => Promise<Fido2AssertionResult>,
  ): Promise<void> {
    return this.#run(async () => {
      const challenge = await this.#workflow.approvalChallenge(requestId);
      await this.#workflow.approve(requestId, { fido2AuthRequest: await sign(challenge) });
    }, 'Request approved.');
  }

  clickDeny(requestId: string): Promise<void> {
    return this.#run(() => this.#workflow.deny(requestId), 'Request denied.');
  }

  /** The tab became visible again (`visibilitychange`): let the clock decide. */
  onVisible(): void {
    this.#workflow.checkDeadline();
  }

  dispose(): void {
    for (const stop of this.#unsubscribe) stop();
  }

  async #run(action: () => Promise<unknown>, success: string): Promise<void> {
    this.#message = null;
    try {
      await action();
      this.#message = success;
    } catch (error) {
      const code = codeOf(error);
      this.#message =
        (typeof code === 'string' && ERROR_TEXTS[code]) || 'Something went wrong. Try again.';
    }
  }
}
