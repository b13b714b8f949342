import { fromPromise } from 'xstate';
import type {
  AuthenticateInput,
  AuthenticateOutput,
  CompleteFido2AuthInput,
  RecoveryCodeAuthInput,
  SecondFactorChallenge,
  SecondFactorMethod,
  SessionTouchOutput,
} from '../../machines/signIn.types.js';
import type { Fido2AssertionResult, Fido2RequestOptions } from '../client/schemas.js';
import type { Secret } from '../client/secret.js';
import type { AuthResult, DsmClient } from '../client/types.js';
import type { Clock } from '../workflow/clock.js';
import { OperationInterruptedError, SessionExpiredError } from '../workflow/errors.js';
import { toMachineFailure } from '../workflow/outcome.js';
import { SecondFactorFailedError, SignInFailedError } from './errors.js';

export interface SignInDependencies {
  /** A client without a session, for Authenticate. */
  anonymous: DsmClient;
  clock: Clock;
  /** The open session's client (pending or complete); throws `SESSION_EXPIRED` without one. */
  session(): DsmClient;
  /**
   * Keeps a new session's token, and DSM's FIDO2 challenge if any, in the controller: the
   * machine never sees either.
   */
  openSession(token: Secret<string>, fido2Options: Fido2RequestOptions | null): void;
}

/**
 * DSM's answers to a session call, in the words of the sign-in (a 429 stays the client's). Like
 * the workflow's actors, only the library's own errors go on (as the failure or its cause) to
 * the machine, its events and the inspector: any other is replaced (`toMachineFailure`).
 */
function sessionFailure(error: unknown): unknown {
  const failure = toMachineFailure(error);
  if (failure.code === 'UNAUTHORIZED') return new SessionExpiredError({ cause: failure });
  return failure;
}

function secondFactorFailure(error: unknown, method: SecondFactorMethod): unknown {
  const failure = toMachineFailure(error);
  if (failure.code === 'BAD_REQUEST')
    return new SecondFactorFailedError(method, { cause: failure });
  return sessionFailure(failure);
}

function challengeOf(auth: AuthResult): SecondFactorChallenge | null {
  if (!auth.secondFactor) return null;
  // DSM lists FIDO2 in `allowed_mfa_methods`; a recovery code can always stand in for it.
  const fido2 = auth.secondFactor.fido2AssertionOptions !== undefined;
  return { methods: fido2 ? ['fido2', 'recoveryCode'] : ['recoveryCode'] };
}

/**
 * The promise actors that make `signInMachine` real. Each takes the abort signal XState gives
 * it, so leaving a state aborts its request. Created once and shared; each finds its
 * controller's client and clock through its actor system.
 */
export function createSignInActors(dependenciesOf: (system: object) => SignInDependencies) {
  const authenticate = fromPromise<AuthenticateOutput, AuthenticateInput>(
    async ({ input, signal, system }) => {
      const deps = dependenciesOf(system);
      const password = input.password as Secret<string>;
      const sentAt = deps.clock.now();
      let auth: AuthResult;
      try {
        auth = await deps.anonymous.authenticate({ email: input.email, password }, { signal });
      } catch (error) {
        const failure = toMachineFailure(error);
        if (failure.code === 'UNAUTHORIZED') throw new SignInFailedError({ cause: failure });
        throw failure;
      } finally {
        password.clear();
      }
      if (signal.aborted) {
        // Signed out while DSM answered: end the session nobody will use.
        void deps.anonymous
          .withToken(auth.accessToken)
          .terminate()
          .catch(() => {});
        throw new OperationInterruptedError('sign-in');
      }
      deps.openSession(auth.accessToken, auth.secondFactor?.fido2AssertionOptions ?? null);
      return {
        userId: auth.entityId,
        sentAt,
        idleTimeoutMs: auth.expiresIn * 1000,
        secondFactor: challengeOf(auth),
      };
    },
  );

  const completeFido2Auth = fromPromise<SessionTouchOutput, CompleteFido2AuthInput>(
    async ({ input, signal, system }) => {
      const deps = dependenciesOf(system);
      const sentAt = deps.clock.now();
      try {
        await deps.session().completeFido2Auth(input.assertion as Fido2AssertionResult, { signal });
      } catch (error) {
        throw secondFactorFailure(error, 'fido2');
      }
      return { sentAt };
    },
  );

  const recoveryCodeAuth = fromPromise<SessionTouchOutput, RecoveryCodeAuthInput>(
    async ({ input, signal, system }) => {
      const deps = dependenciesOf(system);
      const code = input.code as Secret<string>;
      const sentAt = deps.clock.now();
      try {
        await deps.session().recoveryCodeAuth({ recoveryCode: code }, { signal });
      } catch (error) {
        throw secondFactorFailure(error, 'recoveryCode');
      } finally {
        code.clear();
      }
      return { sentAt };
    },
  );

  const refresh = fromPromise<SessionTouchOutput, void>(async ({ signal, system }) => {
    const deps = dependenciesOf(system);
    const sentAt = deps.clock.now();
    try {
      await deps.session().refresh({ signal });
    } catch (error) {
      throw sessionFailure(error);
    }
    return { sentAt };
  });

  const terminate = fromPromise<void, void>(async ({ signal, system }) => {
    await dependenciesOf(system)
      .session()
      .terminate({ signal })
      .catch((error: unknown) => {
        throw toMachineFailure(error);
      });
  });

  return { authenticate, completeFido2Auth, recoveryCodeAuth, refresh, terminate };
}
