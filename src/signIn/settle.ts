/**
 * How the controller turns the machine's answers into settled promises: a request event
 * settles when the machine leaves that request's in-flight state.
 */
import type { SignInEvent } from '../../machines/signIn.types.js';
import {
  OperationInterruptedError,
  SessionExpiredError,
  WorkflowBusyError,
  WorkflowDisposedError,
} from '../workflow/errors.js';
import {
  AlreadySignedInError,
  NotAwaitingSecondFactorError,
  rateLimitedUntilRetry,
} from './errors.js';
import type { SignInActor, SignInEventOf, SignInSnapshot } from './types.js';

/** The typed error for a request the machine refused locally (no request was sent). */
export function refusalError(event: SignInEventOf<'requestRefused'>): Error {
  switch (event.code) {
    case 'ALREADY_SIGNED_IN':
      return new AlreadySignedInError();
    case 'NOT_AWAITING_SECOND_FACTOR':
      return new NotAwaitingSecondFactorError();
    case 'RATE_LIMITED':
      return rateLimitedUntilRetry(event.request, event.retryAfterMs);
    default:
      return new WorkflowBusyError();
  }
}

/**
 * Sends a request event and settles once the machine leaves the request's in-flight state:
 * with `result(snapshot)`, or with the failure the machine emitted. A local refusal rejects
 * at once with its typed error; leaving without an answer (a sign-out) rejects INTERRUPTED.
 */
export function sendRequest<T>(
  actor: SignInActor,
  event: SignInEvent,
  inFlight: (snapshot: SignInSnapshot) => boolean,
  what: string,
  result: (snapshot: SignInSnapshot) => T | undefined,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    let started = false;
    let failure: unknown;
    const subscriptions: Array<{ unsubscribe(): void }> = [];
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      for (const subscription of subscriptions) subscription.unsubscribe();
      fn();
    };
    subscriptions.push(
      actor.on('requestRefused', (refused) => {
        if (!started && refused.request === event.type) finish(() => reject(refusalError(refused)));
      }),
      // Emitted before the snapshot that leaves the in-flight state reaches observers.
      actor.on('signInFailed', (failed) => {
        failure = failed.error;
      }),
      actor.on('secondFactorFailed', (failed) => {
        failure = failed.error;
      }),
      actor.subscribe({
        next: (snapshot) => {
          if (inFlight(snapshot)) {
            started = true;
            return;
          }
          if (!started) return;
          const value = result(snapshot);
          if (value !== undefined) return finish(() => resolve(value));
          const fallback = snapshot.matches('expired')
            ? new SessionExpiredError()
            : new OperationInterruptedError(what);
          finish(() => reject(failure ?? fallback));
        },
        error: (error) => finish(() => reject(error)),
        complete: () => finish(() => reject(new WorkflowDisposedError('sign-in'))),
      }),
    );
    actor.send(event);
    if (inFlight(actor.getSnapshot())) started = true;
    else finish(() => reject(new WorkflowBusyError()));
  });
}
