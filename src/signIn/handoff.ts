import type { DsmClient } from '../client/types.js';
import {
  createTwoFactorConfig,
  type TwoFactorConfig,
  type TwoFactorConfigOptions,
} from '../workflow/createTwoFactorConfig.js';
import { SignedOutError } from './errors.js';

/** What the handoff reads from the sign-in, and the one thing it tells it. */
export interface HandoffSource {
  client(): DsmClient | null;
  userId(): string | null;
  /** A workflow met a 401 with the session we handed it: DSM ended the session. */
  sessionRejected(): void;
}

interface Attached {
  handed: DsmClient | null;
  off: () => void;
}

/** Feeds workflows of the signed-in user the sign-in's session, now and after every sign-in. */
export class TwoFactorConfigHandoff {
  readonly #source: HandoffSource;
  readonly #workflows = new Map<TwoFactorConfig, Attached>();

  constructor(source: HandoffSource) {
    this.#source = source;
  }

  attach(workflow: TwoFactorConfig): () => void {
    if (!this.#workflows.has(workflow)) {
      const entry: Attached = { handed: null, off: () => {} };
      entry.off = workflow.on('sessionExpired', () => {
        // Only a 401 met with the current session says anything about it.
        const current = this.#source.client();
        if (current !== null && entry.handed === current) this.#source.sessionRejected();
      });
      this.#workflows.set(workflow, entry);
      this.#resume(workflow, entry);
    }
    return () => this.#detach(workflow);
  }

  create(options: Omit<TwoFactorConfigOptions, 'client' | 'userId'>): TwoFactorConfig {
    const client = this.#source.client();
    const userId = this.#source.userId();
    if (!client || !userId) {
      throw new SignedOutError('Sign in before creating the 2FA-configuration workflow.');
    }
    const workflow = createTwoFactorConfig({ ...options, client, userId });
    this.attach(workflow);
    return workflow;
  }

  resumeAll(): void {
    for (const [workflow, entry] of this.#workflows) this.#resume(workflow, entry);
  }

  endSessionAll(): void {
    for (const workflow of this.#workflows.keys()) workflow.endSession();
  }

  detachAll(): void {
    for (const workflow of [...this.#workflows.keys()]) this.#detach(workflow);
  }

  #resume(workflow: TwoFactorConfig, entry: Attached): void {
    const client = this.#source.client();
    if (!client || entry.handed === client || this.#source.userId() !== workflow.userId) return;
    try {
      workflow.resumeSession(client);
      entry.handed = client;
    } catch {
      // A disposed workflow: nothing left to feed.
      this.#detach(workflow);
    }
  }

  #detach(workflow: TwoFactorConfig): void {
    this.#workflows.get(workflow)?.off();
    this.#workflows.delete(workflow);
  }
}
