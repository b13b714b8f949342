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
  /**
   * Hands an operation's outcome (DSM's result, or the original error) to its caller. Only
   * this channel carries server data: the machine, its events and the inspector see none.
   */
  deliver: (opId: string, outcome: Outcome, interrupted?: boolean) => void;
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
    const failure = toMachineFailure(refreshError);
    if (failure.code === 'UNAUTHORIZED') throw new SessionExpiredError({ cause: failure });
    throw failure;
  }
  throw new WrongPasswordError();
}

/**
 * Runs one operation: its result (or original error) goes to the caller through `deliver`;
 * the machine gets only the audit entry, or a failure whose text is the library's own.
 */
async function runOperation(
  deps: ActorDependencies,
  opId: string,
  signal: AbortSignal,
  run: () => Promise<{ result: unknown; audit?: AuditEvent }>,
): Promise<OperationOutput> {
  try {
    const { result, audit } = await run();
    deps.deliver(opId, { ok: true, value: result }, signal.aborted);
    return audit ? { audit } : {};
  } catch (error) {
    deps.deliver(opId, { ok: false, error }, signal.aborted);
    throw toMachineFailure(error);
  }
}

/**
 * The promise actors that make `twoFactorConfigMachine` real. Each takes the abort signal
 * XState gives it, so leaving a state aborts the request in flight. They are created once and
 * shared by every workflow; each finds its own client, user and clock through its actor system.
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
      // A lost answer (no answer, an unreadable one, a 5xx) goes to the machine as it is: it
      // reads the code and locks for certain, since DSM may have unlocked anyway.
      if (!isUnauthorized(error)) {
        // The caller gets the error as it was thrown; the machine, the library's own.
        deps.deliver('unlock', { ok: false, error });
        throw toMachineFailure(error);
      }
      // Its failures are the library's own already.
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
   * An operation actor that runs its kind from `runs`: the chart starts it only for a kind of
   * that family (its guards), so every kind it gets is there.
   */
  function operationActor(runs: Record<string, OperationRun<never>>) {
    return fromPromise<OperationOutput, OperationInput>(({ input, signal, system }) => {
      const deps = dependenciesOf(system);
      return runOperation(deps, input.opId, signal, () =>
        runs[input.kind]!(input.input as never, deps.client(), signal, deps),
      );
    });
  }
}

/** What an operation actor runs for one kind: DSM's result for the caller, an audit entry. */
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

/**
 * The config operations. Each starts only where the machine's guard has just checked the
 * deadline on both clocks, in the same step that starts this actor.
 */
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

/** The approval operations. */
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
