import { describe, expectTypeOf, it } from 'vitest';
import type { SignInEvent } from '../../machines/index.js';
import type {
  DsmClient,
  PersistedSignIn,
  Secret,
  SignedInResult,
  SignIn,
  SignInResult,
  SignInStateName,
  TwoFactorConfig,
} from '../../src/index.js';
import { createSignIn } from '../../src/index.js';

declare const signIn: SignIn;
declare const client: DsmClient;

describe('public types of the sign-in controller', () => {
  it('names its seven states', () => {
    expectTypeOf(signIn.state).toEqualTypeOf<SignInStateName>();
    expectTypeOf<SignInStateName>().toEqualTypeOf<
      | 'signedOut'
      | 'authenticating'
      | 'rateLimited'
      | 'awaitingSecondFactor'
      | 'signedIn'
      | 'signingOut'
      | 'expired'
    >();
  });

  it('resolves signIn to a union narrowed by state', async () => {
    expectTypeOf(
      signIn.signIn({ email: 'a', password: 'b' }),
    ).resolves.toEqualTypeOf<SignInResult>();
    const result = await signIn.signIn({ email: 'a', password: 'b' });
    if (result.state === 'awaitingSecondFactor') {
      expectTypeOf(result.allowedMethods).toEqualTypeOf<Array<'fido2' | 'recoveryCode'>>();
      // @ts-expect-error: only a signed-in result names its method
      void result.method;
    } else {
      expectTypeOf(result.method).toEqualTypeOf<'password' | 'fido2' | 'recoveryCode'>();
    }
    expectTypeOf(signIn.completeWithRecoveryCode('x')).resolves.toEqualTypeOf<SignedInResult>();
  });

  it('exposes the session only as nullable values, the token wrapped', () => {
    expectTypeOf(signIn.client).toEqualTypeOf<DsmClient | null>();
    expectTypeOf(signIn.token).toEqualTypeOf<Secret<string> | null>();
    expectTypeOf(signIn.userId).toEqualTypeOf<string | null>();
    expectTypeOf(signIn.persist()).toEqualTypeOf<PersistedSignIn>();
    expectTypeOf<PersistedSignIn>().not.toHaveProperty('token');
    expectTypeOf(signIn.createTwoFactorConfig()).toEqualTypeOf<TwoFactorConfig>();
  });

  it('types each emitted event by its name', () => {
    signIn.on('sessionExpired', (event) => {
      expectTypeOf(event.reason).toEqualTypeOf<'idle' | 'server'>();
    });
    signIn.on('signedIn', (event) => {
      expectTypeOf(event.userId).toEqualTypeOf<string>();
    });
    // @ts-expect-error: no such event
    signIn.on('loggedIn', () => {});
  });

  it('takes a base URL or a client, not both, and needs credentials to sign in', () => {
    createSignIn({ baseUrl: 'https://dsm.example' });
    createSignIn({ client });
    // @ts-expect-error: one or the other
    createSignIn({ baseUrl: 'https://dsm.example', client });
    // @ts-expect-error: needs a base URL or a client
    createSignIn({});
    // @ts-expect-error: a password is required
    void signIn.signIn({ email: 'a' });
    // @ts-expect-error: the createTwoFactorConfig handoff supplies client and userId itself
    signIn.createTwoFactorConfig({ client });
  });

  it('accepts only the machine events on the raw actor', () => {
    expectTypeOf<SignInEvent['type']>().toEqualTypeOf<
      | 'signIn'
      | 'completeWithAssertion'
      | 'completeWithRecoveryCode'
      | 'activity'
      | 'signOut'
      | 'sessionRejected'
      | 'dispose'
    >();
    // @ts-expect-error: a password must be a redacting wrapper, not a plain string
    signIn.actor.send({ type: 'signIn', email: 'a', password: 'plain' });
  });
});
