/**
 * The 2FA settings of a stateless back end (a BFF behind a load balancer): every request
 * restores the user's workflow from the shared store, acts, stores it again, and keeps no timer.
 * The DSM bearer token lives in the app's own server-side session, never in the snapshot.
 */
import { type Clock, createDsmClient } from '../../src/index.js';
import { type SnapshotStore, withStoredTwoFactorConfig } from '../../src/store/index.js';

/** What the app keeps per signed-in browser, server-side (a session store, encrypted at rest). */
export interface AppSession {
  /** The app's own session id: the snapshot's key. Never the DSM token. */
  id: string;
  dsmToken: string;
  dsmUserId: string;
}

export type TwoFactorRequest =
  | { action: 'status' | 'lock' | 'recoveryCodes' | 'newDeviceChallenge' }
  | { action: 'unlock'; password: string }
  | { action: 'deny'; requestId: string };

export interface TwoFactorResponse {
  state: string;
  /** Wall-clock ms of the auto-lock while unlocked. */
  deadline: number | null;
  /** The state the stored snapshot restored to, before this request acted. */
  restoredAs: string;
  recoveryCodeCount?: number;
  error?: { code: string; message: string };
}

export interface HandlerDependencies {
  store: SnapshotStore;
  dsmBaseUrl: string;
  /** Tests move time by hand; an app leaves the system clock. */
  clock?: Clock;
  fetch?: typeof globalThis.fetch;
}

export async function handleTwoFactorRequest(
  deps: HandlerDependencies,
  session: AppSession,
  request: TwoFactorRequest,
): Promise<TwoFactorResponse> {
  const client = createDsmClient({
    baseUrl: deps.dsmBaseUrl,
    token: session.dsmToken,
    ...(deps.fetch && { fetch: deps.fetch }),
  });
  const options = { client, userId: session.dsmUserId, ...(deps.clock && { clock: deps.clock }) };
  return withStoredTwoFactorConfig(deps.store, session.id, options, async (workflow) => {
    const restoredAs = workflow.state;
    const respond = (extra: Partial<TwoFactorResponse> = {}): TwoFactorResponse => ({
      state: workflow.state,
      deadline: workflow.deadline,
      restoredAs,
      ...extra,
    });
    try {
      switch (request.action) {
        case 'status':
          return respond();
        case 'unlock':
          await workflow.unlock(request.password);
          return respond();
        case 'lock':
          await workflow.lock();
          return respond();
        case 'recoveryCodes': {
          // Shown to the user once; a real handler returns them in the response body.
          const codes = await workflow.generateRecoveryCodes();
          return respond({ recoveryCodeCount: codes.length });
        }
        case 'newDeviceChallenge':
          await workflow.newDeviceChallenge();
          return respond();
        case 'deny':
          await workflow.deny(request.requestId, 'denied from the back end');
          return respond();
        default:
          return respond({ error: { code: 'UNKNOWN_ACTION', message: 'No such action.' } });
      }
    } catch (error) {
      // Typed errors carry a stable code and a message with no secret in it.
      const { code, message } = error as { code?: string; message?: string };
      return respond({ error: { code: code ?? 'ERROR', message: message ?? 'Unknown error' } });
    }
  });
}
