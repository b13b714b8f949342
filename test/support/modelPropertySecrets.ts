/**
 * Invariant 3 for property runs: everything a workflow lets an app or a developer see
 * (snapshots, the persisted form, emitted events, inspection events, thrown values) is
 * searched for every secret of the run, in its JSON and `util.inspect` forms.
 */
import { inspect } from 'node:util';
import type { InspectionEvent } from 'xstate';
import type { TwoFactorConfig } from '../../src/workflow/index.js';

export class PropertyObservations {
  readonly #secrets: Set<string>;
  /** Rendered forms not yet searched. */
  #unchecked: Array<{ what: string; text: string }> = [];

  constructor(secrets: readonly string[]) {
    this.#secrets = new Set(secrets);
  }

  addSecret(secret: string): void {
    this.#secrets.add(secret);
  }

  /** Emitted events, as the app's listeners get them. */
  watch(workflow: TwoFactorConfig): void {
    workflow.actor.on('*', (event) => this.#render('an emitted event', event));
  }

  /** Every event the actor processed (an unlock carries the password, an answer its error). */
  inspected(event: InspectionEvent): void {
    if (event.type === '@xstate.event') this.#render('an inspection event', event.event, false);
  }

  /** A value an action rejected with. */
  error(error: unknown): void {
    this.#render('a thrown value', error);
    if (error instanceof Error)
      this.#unchecked.push({ what: 'an error message', text: error.message });
  }

  check(what: string, text: string): void {
    this.#unchecked.push({ what, text });
  }

  #render(what: string, value: unknown, withInspect = true): void {
    this.#unchecked.push({ what, text: safeJson(value) });
    if (withInspect) this.#unchecked.push({ what, text: inspect(value, { depth: 6 }) });
  }

  /** Throws when a secret shows in what was observed since the last call. */
  flush(): void {
    const pending = this.#unchecked;
    this.#unchecked = [];
    for (const { what, text } of pending) {
      for (const secret of this.#secrets) {
        if (text.includes(secret)) throw new Error(`3: a secret appears in ${what}`);
      }
    }
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

/** The workflow's current snapshot and persisted forms, then everything observed so far. */
export function checkSecretsIn(observations: PropertyObservations, workflow: TwoFactorConfig) {
  const actor = workflow.actor;
  observations.check('the snapshot', safeJson(actor.getSnapshot()));
  observations.check('the persisted snapshot', safeJson(actor.getPersistedSnapshot()));
  observations.check('persist()', safeJson(workflow.persist()));
  observations.flush();
}
