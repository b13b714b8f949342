import { fromPromise } from 'xstate';
import type {
  AuthenticateInput,
  AuthenticateOutput,
  CompleteFido2AuthInput,
  RecoveryCodeAuthInput,
  SecondFactorMethod,
  SessionTouchOutput,
} from '../../machines/signIn.types.js';
import type { DsmError } from '../client/errors/index.js';
import type { Fido2AssertionResult, Fido2RequestOptions } from '../client/schemas.js';
import type { Secret } from '../client/secret.js';
import type { DsmClient } from '../client/types.js';
import { toMachineFailure } from '../workflow/actors.js';
import type { Clock } from '../workflow/clock.js';
import { OperationInterruptedError, SessionExpiredError } from '../workflow/errors.js';
import { SecondFactorFailedError, SignInFailedError } from './errors.js';

export interface SignInDependencies {
  /** A client without a session, for Authenticate. */
  anonymous: DsmClient;
  clock: Clock;
  /** The open session's client (pending or complete); throws `SESSION_EXPIRED` without one. */
  session(): DsmClient;
  /** Keeps a new session's token and FIDO2 challenge in the controller, out of the machine. */
  openSession(token: Secret<string>, fido2Options: Fido2RequestOptions | null): void;
}

/**
 * A failed sign-in request as one of the library's errors (`toMachineFailure`): a 401 refuses
 * the credentials on Authenticate and ends the session elsewhere; a 400 refuses a second factor.
 */
function signInFailure(error: unknown, request: 'authenticate' | 'session' | SecondFactorMethod) {
  const failure: DsmError = toMachineFailure(error);
  if (failure.code === 'UNAUTHORIZED') {
    return request === 'authenticate'
      ? new SignInFailedError({ cause: failure })
      : new SessionExpiredError({ cause: failure });
  }
  if (failure.code === 'BAD_REQUEST' && (request === 'fido2' || request === 'recoveryCode')) {
    return new SecondFactorFailedError(request, { cause: failure });
  }
  return failure;
}

/** The actors of `signInMachine` for one controller; leaving a state aborts its request. */
export function createSignInActors(deps: SignInDependencies) {
  /** A request on the open session: resolves with when it was sent (idle time counts from it). */
  const touch = <I>(
    request: 'session' | SecondFactorMethod,
    send: (session: DsmClient, input: I, signal: AbortSignal) => Promise<unknown>,
  ) =>
    fromPromise<SessionTouchOutput, I>(async ({ input, signal }) => {
      const sentAt = deps.clock.now();
      try {
        await send(deps.session(), input, signal);
      } catch (error) {
        throw signInFailure(error, request);
      }
      return { sentAt };
    });

  const authenticate = fromPromise<AuthenticateOutput, AuthenticateInput>(
    async ({ input, signal }) => {
      const password = input.password as Secret<string>;
      const sentAt = deps.clock.now();
      const auth = await deps.anonymous
        .authenticate({ email: input.email, password }, { signal })
        .catch((error: unknown) => {
          throw signInFailure(error, 'authenticate');
        })
        .finally(() => password.clear());
      if (signal.aborted) {
        // Signed out while DSM answered: end the session nobody will use.
        deps.anonymous
          .withToken(auth.accessToken)
          .terminate()
          .catch(() => {});
        throw new OperationInterruptedError('sign-in');
      }
      const fido2Options = auth.secondFactor?.fido2AssertionOptions ?? null;
      deps.openSession(auth.accessToken, fido2Options);
      return {
        userId: auth.entityId,
        sentAt,
        idleTimeoutMs: auth.expiresIn * 1000,
        // DSM lists FIDO2 in `allowed_mfa_methods`; a recovery code can always stand in for it.
        secondFactor: auth.secondFactor
          ? { methods: fido2Options ? ['fido2', 'recoveryCode'] : ['recoveryCode'] }
          : null,
      };
    },
  );

  return {
    authenticate,
    completeFido2Auth: touch<CompleteFido2AuthInput>('fido2', (session, input, signal) =>
      session.completeFido2Auth(input.assertion as Fido2AssertionResult, { signal }),
    ),
    recoveryCodeAuth: touch<RecoveryCodeAuthInput>('recoveryCode', (session, input, signal) => {
      const recoveryCode = input.code as Secret<string>;
      return session
        .recoveryCodeAuth({ recoveryCode }, { signal })
        .finally(() => recoveryCode.clear());
    }),
    refresh: touch<void>('session', (session, _, signal) => session.refresh({ signal })),
    terminate: fromPromise<void, void>(async ({ signal }) => {
      await deps
        .session()
        .terminate({ signal })
        .catch((error: unknown) => {
          throw toMachineFailure(error);
        });
    }),
  };
}
