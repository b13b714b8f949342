import { fromPromise } from 'xstate';
import type {
  AuditEvent,
  OperationInput,
  OperationOutput,
  UnlockInput,
  UnlockOutput,
} from '../../machines/twoFactorConfig.types.js';
import type { Fido2AssertionResult, Fido2AttestationResult } from '../client/schemas.js';
import { Secret, type SecretInput } from '../client/secret.js';
import type { DsmClient } from '../client/types.js';
import type { Clock } from './clock.js';
import {
  SessionExpiredError,
  TwoFactorConfigLockedError,
  UnknownOperationError,
  WrongPasswordError,
} from './errors.js';

/** The arguments of each operation, as the controller passes them in `OperationInput.input`. */
export interface OperationInputs {
  newDeviceChallenge: undefined;
  addDevice: { name: string; attestationResult: Fido2AttestationResult };
  removeDevice: { name: string };
  renameDevice: { oldName: string; newName: string };
  generateRecoveryCodes: undefined;
  approvalChallenge: { requestId: string };
  approve: {
    requestId: string;
    fido2AuthRequest?: Fido2AssertionResult;
    password?: Secret<string>;
    body?: unknown;
  };
  deny: { requestId: string; reason?: string };
}

export interface ActorDependencies {
  /** The current DSM client; replaced by `resumeSession`. */
  client: () => DsmClient;
  userId: string;
  clock: Clock;
  /** Whether the next terminate should outlive an unloading page. */
  keepalive: () => boolean;
}

function isUnauthorized(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'UNAUTHORIZED';
}

/**
 * After a 401 to a request that carried the password: a wrong password, or an expired
 * session. DSM's Refresh tells which (204: the session is alive, so the password was wrong).
 */
async function wrongPasswordOrExpired(client: DsmClient, signal: AbortSignal): Promise<never> {
  try {
    await client.refresh({ signal });
  } catch (refreshError) {
    if (isUnauthorized(refreshError)) throw new SessionExpiredError({ cause: refreshError });
    throw refreshError;
  }
  throw new WrongPasswordError();
}

/**
 * Failures of Config2faAuth after which DSM may have unlocked anyway: no answer, a late one,
 * an unreadable one, or a server error. A 4xx (wrong password, rate limit) means it did not.
 */
function mayHaveUnlocked(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === 'NETWORK' || code === 'TIMEOUT' || code === 'INVALID_RESPONSE' || code === 'HTTP_ERROR'
  );
}

/**
 * The promise actors that make `twoFactorConfigMachine` real. Each takes the abort signal
 * XState gives it, so leaving a state aborts the request in flight. They are created once and
 * shared by every workflow; each finds its own client, user and clock through its actor system.
 */
export function createTwoFactorConfigActors(dependenciesOf: (system: object) => ActorDependencies) {
  const unlock = fromPromise<UnlockOutput, UnlockInput>(async ({ input, signal, system }) => {
    const deps = dependenciesOf(system);
    const { clock } = deps;
    const password = input.password as Secret<string>;
    const sentAt = clock.now();
    try {
      await deps.client().config2faAuth({ password }, { signal });
    } catch (error) {
      if (mayHaveUnlocked(error)) {
        // The answer was lost, not necessarily the request: DSM may be unlocked. Terminate
        // (best effort) so that `locked` means locked before approvals are offered again.
        await deps
          .client()
          .config2faTerminate({ signal })
          .catch(() => {});
      }
      if (!isUnauthorized(error)) throw error;
      return wrongPasswordOrExpired(deps.client(), signal);
    } finally {
      password.clear();
    }
    return { sentAt, answeredAt: clock.now() };
  });

  const terminate = fromPromise<void, void>(async ({ signal, system }) => {
    const deps = dependenciesOf(system);
    await deps.client().config2faTerminate({ signal, keepalive: deps.keepalive() });
  });

  const configOperation = fromPromise<OperationOutput, OperationInput>(
    async ({ input, signal, system }) => {
      const { clock, userId, client: currentClient } = dependenciesOf(system);
      // Belt and braces: the guard checked the clock, and so does the request itself.
      if (input.deadline === null || clock.now() >= input.deadline) {
        throw new TwoFactorConfigLockedError(
          'The 2FA configuration window has ended. Unlock it again.',
        );
      }
      const client = currentClient();
      const at = () => clock.now();
      switch (input.kind) {
        case 'newDeviceChallenge':
          return { result: await client.mfaNewChallenge({ signal }) };
        case 'addDevice': {
          const { name, attestationResult } = input.input as OperationInputs['addDevice'];
          const user = await client.updateUser(
            userId,
            { add_mfa_devices: [{ name, attestationResult }] },
            { signal },
          );
          return { result: user, audit: { type: 'deviceAdded', name, at: at() } };
        }
        case 'removeDevice': {
          const { name } = input.input as OperationInputs['removeDevice'];
          const user = await client.updateUser(userId, { del_mfa_devices: [{ name }] }, { signal });
          return { result: user, audit: { type: 'deviceRemoved', name, at: at() } };
        }
        case 'renameDevice': {
          const { oldName, newName } = input.input as OperationInputs['renameDevice'];
          const user = await client.updateUser(
            userId,
            { rename_mfa_devices: [{ old_name: oldName, new_name: newName }] },
            { signal },
          );
          const audit: AuditEvent = { type: 'deviceRenamed', oldName, newName, at: at() };
          return { result: user, audit };
        }
        case 'generateRecoveryCodes': {
          const { recovery_codes } = await client.generateRecoveryCodes({ signal });
          return {
            // Recovery codes are credentials: wrapped, they never show in the inspector.
            result: new Secret<readonly string[]>(recovery_codes),
            audit: { type: 'recoveryCodesRegenerated', count: recovery_codes.length, at: at() },
          };
        }
        default:
          throw new UnknownOperationError(String(input.kind));
      }
    },
  );

  const approvalOperation = fromPromise<OperationOutput, OperationInput>(
    async ({ input, signal, system }) => {
      const client = dependenciesOf(system).client();
      switch (input.kind) {
        case 'approvalChallenge': {
          const { requestId } = input.input as OperationInputs['approvalChallenge'];
          return { result: await client.mfaChallenge(requestId, { signal }) };
        }
        case 'approve': {
          const args = input.input as OperationInputs['approve'];
          const password: SecretInput | undefined = args.password;
          try {
            const result = await client.approveRequest(
              args.requestId,
              {
                ...(args.fido2AuthRequest ? { fido2_auth_request: args.fido2AuthRequest } : {}),
                ...(password ? { password } : {}),
                ...(args.body !== undefined ? { body: args.body } : {}),
              },
              { signal },
            );
            return { result };
          } catch (error) {
            // A 401 to a request carrying the password is as ambiguous as on Config2faAuth.
            if (password && isUnauthorized(error)) return wrongPasswordOrExpired(client, signal);
            throw error;
          } finally {
            args.password?.clear();
          }
        }
        case 'deny': {
          const { requestId, reason } = input.input as OperationInputs['deny'];
          const result = await client.denyRequest(
            requestId,
            reason === undefined ? {} : { reason },
            { signal },
          );
          return { result };
        }
        default:
          throw new UnknownOperationError(String(input.kind));
      }
    },
  );

  return { unlock, terminate, configOperation, approvalOperation };
}
