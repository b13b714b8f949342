import { fromPromise } from 'xstate';
import type {
  ApprovalOperationKind,
  AuditEvent,
  ConfigOperationKind,
  OperationInput,
  OperationOutput,
  UnlockInput,
  UnlockOutput,
} from '../../machines/twoFactorConfig.types.js';
import { DsmError } from '../client/errors/index.js';
import type { Fido2AssertionResult, Fido2AttestationResult } from '../client/schemas.js';
import { Secret } from '../client/secret.js';
import type { DsmClient } from '../client/types.js';
import { type Clock, monotonicOf } from './clock.js';
import {
  SessionExpiredError,
  UnexpectedFailureError,
  UnlockAnswerTooLateError,
  WrongPasswordError,
} from './errors.js';

/** What an operation's caller receives: DSM's result, or the error exactly as it was thrown. */
export type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * The failure the machine may see: one of the library's own errors, whose message, JSON and
 * inspect forms hold only text the library wrote (DSM's text stays behind their accessor).
 * Anything else is replaced, so no foreign text reaches a snapshot, an event or the inspector.
 */
export function toMachineFailure(error: unknown): DsmError {
  return error instanceof DsmError ? error : new UnexpectedFailureError();
}

/** The arguments of each operation (`OperationInput.input`). */
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
  keepalive: () => boolean;
  /** Hands an operation's outcome to its caller: the only channel that carries server data. */
  deliver: (opId: string, outcome: Outcome, interrupted?: boolean) => void;
}

function isUnauthorized(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'UNAUTHORIZED';
}

/** After a 401 to a request with the password, Refresh tells a wrong password from a dead one. */
async function wrongPasswordOrExpired(client: DsmClient, signal: AbortSignal): Promise<never> {
  try {
    await client.refresh({ signal });
  } catch (refreshError) {
    const failure = toMachineFailure(refreshError);
    if (failure.code === 'UNAUTHORIZED') throw new SessionExpiredError({ cause: failure });
    throw failure;
  }
  throw new WrongPasswordError();
}

/**
 * The actors of `twoFactorConfigMachine`; leaving a state aborts the request in flight. Shared
 * by every workflow, each finds its dependencies through its actor system.
 */
export function createTwoFactorConfigActors(dependenciesOf: (system: object) => ActorDependencies) {
  const unlock = fromPromise<UnlockOutput, UnlockInput>(async ({ input, signal, system }) => {
    const deps = dependenciesOf(system);
    try {
      return await unlockOnce(deps, input, signal);
    } finally {
      // Stopped (a lock, dispose, a new session): whatever it got, no event settles the caller.
      if (signal.aborted) deps.deliver('unlock', { ok: false, error: undefined }, true);
    }
  });

  const terminate = fromPromise<void, void>(async ({ signal, system }) => {
    const deps = dependenciesOf(system);
    try {
      await deps.client().config2faTerminate({ signal, keepalive: deps.keepalive() });
    } catch (error) {
      throw toMachineFailure(error);
    }
  });

  async function unlockOnce(
    deps: ActorDependencies,
    input: UnlockInput,
    signal: AbortSignal,
  ): Promise<UnlockOutput> {
    const { clock } = deps;
    const monotonic = monotonicOf(clock);
    const password = input.password as Secret<string>;
    const sentAt = clock.now();
    const sentAtMono = monotonic();
    try {
      await deps.client().config2faAuth({ password }, { signal });
    } catch (error) {
      // A lost answer goes to the machine, which locks for certain: DSM may have unlocked.
      if (!isUnauthorized(error)) {
        deps.deliver('unlock', { ok: false, error });
        throw toMachineFailure(error);
      }
      return wrongPasswordOrExpired(deps.client(), signal);
    } finally {
      password.clear();
    }
    const answeredAt = clock.now();
    const answeredAtMono = monotonic();
    // Two clocks, the earlier wins: an answer that came after its window closed unlocks nothing.
    if (answeredAt - sentAt >= input.windowMs || answeredAtMono - sentAtMono >= input.windowMs) {
      throw new UnlockAnswerTooLateError();
    }
    return { sentAt, answeredAt, sentAtMono, answeredAtMono };
  }

  return {
    unlock,
    terminate,
    configOperation: operationActor(CONFIG_RUNS),
    approvalOperation: operationActor(APPROVAL_RUNS),
  };

  /**
   * Runs its kind from `runs` (the chart's guards start it only for one of them): the caller
   * gets the outcome; the machine, the audit entry or a failure of the library's own.
   */
  function operationActor(runs: Record<string, OperationRun<never>>) {
    return fromPromise<OperationOutput, OperationInput>(async ({ input, signal, system }) => {
      const deps = dependenciesOf(system);
      try {
        const run = runs[input.kind]!;
        const { result, audit } = await run(input.input as never, deps.client(), signal, deps);
        deps.deliver(input.opId, { ok: true, value: result }, signal.aborted);
        return audit ? { audit } : {};
      } catch (error) {
        deps.deliver(input.opId, { ok: false, error }, signal.aborted);
        throw toMachineFailure(error);
      }
    });
  }
}

/** One kind's run: DSM's result for the caller, and an audit entry. */
type OperationRun<K extends keyof OperationInputs> = (
  input: OperationInputs[K],
  client: DsmClient,
  signal: AbortSignal,
  deps: ActorDependencies,
) => Promise<{ result: unknown; audit?: AuditEvent }>;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A device change: DSM's user update, and its audit entry stamped when DSM answered. */
async function updateUser(
  body: Parameters<DsmClient['updateUser']>[1],
  audit: DistributiveOmit<AuditEvent, 'at'>,
  client: DsmClient,
  signal: AbortSignal,
  { userId, clock }: ActorDependencies,
) {
  const result = await client.updateUser(userId, body, { signal });
  return { result, audit: { ...audit, at: clock.now() } as AuditEvent };
}

/** The config operations: the guard that starts one has just checked the deadline. */
const CONFIG_RUNS: { [K in ConfigOperationKind]: OperationRun<K> } = {
  newDeviceChallenge: async (_, client, signal) => ({
    result: await client.mfaNewChallenge({ signal }),
  }),
  addDevice: ({ name, attestationResult }, ...rest) =>
    updateUser(
      { add_mfa_devices: [{ name, attestationResult }] },
      { type: 'deviceAdded', name },
      ...rest,
    ),
  removeDevice: ({ name }, ...rest) =>
    updateUser({ del_mfa_devices: [{ name }] }, { type: 'deviceRemoved', name }, ...rest),
  renameDevice: ({ oldName, newName }, ...rest) =>
    updateUser(
      { rename_mfa_devices: [{ old_name: oldName, new_name: newName }] },
      { type: 'deviceRenamed', oldName, newName },
      ...rest,
    ),
  generateRecoveryCodes: async (_, client, signal, { clock }) => {
    const { recovery_codes } = await client.generateRecoveryCodes({ signal });
    return {
      // Recovery codes are credentials: the caller gets them wrapped until it reveals them.
      result: new Secret<readonly string[]>(recovery_codes),
      audit: { type: 'recoveryCodesRegenerated', count: recovery_codes.length, at: clock.now() },
    };
  },
};

const APPROVAL_RUNS: { [K in ApprovalOperationKind]: OperationRun<K> } = {
  approvalChallenge: async ({ requestId }, client, signal) => ({
    result: await client.mfaChallenge(requestId, { signal }),
  }),
  approve: async ({ requestId, fido2AuthRequest, password, body }, client, signal) => {
    try {
      const result = await client.approveRequest(
        requestId,
        {
          ...(fido2AuthRequest && { fido2_auth_request: fido2AuthRequest }),
          ...(password && { password }),
          ...(body !== undefined && { body }),
        },
        { signal },
      );
      return { result };
    } catch (error) {
      // A 401 to a request carrying the password is as ambiguous as on Config2faAuth.
      if (password && isUnauthorized(error)) return wrongPasswordOrExpired(client, signal);
      throw error;
    } finally {
      password?.clear();
    }
  },
  deny: async ({ requestId, reason }, client, signal) => ({
    result: await client.denyRequest(requestId, reason === undefined ? {} : { reason }, { signal }),
  }),
};
