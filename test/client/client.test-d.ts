import { expectTypeOf, test } from 'vitest';
import {
  type AuthResult,
  createDsmClient,
  type DsmClient,
  type DsmError,
  type DsmErrorCode,
  type DsmForbiddenError,
  type DsmForbiddenReason,
  DsmHttpError,
  type DsmRateLimitedError,
  type DsmValidationIssue,
  type Fido2AssertionResult,
  type Fido2CreationOptions,
  type Fido2RequestOptions,
  isDsmError,
  type RecoveryCodes,
  Secret,
  toWebAuthnCreationOptions,
  type User,
  type WebAuthnCreationOptionsJSON,
} from '../../src/client/index.js';
import type { ApprovalRequest } from '../../src/client/schemas.js';

declare const client: DsmClient;
declare const assertion: Fido2AssertionResult;

test('createDsmClient', () => {
  expectTypeOf(createDsmClient({ baseUrl: 'https://dsm.example' })).toEqualTypeOf<DsmClient>();
  createDsmClient({
    baseUrl: new URL('https://dsm.example'),
    token: new Secret('t'),
    retry: false,
  });
  createDsmClient({ baseUrl: 'https://dsm.example', retry: { limit: 1, backoffMs: 10 } });
  // @ts-expect-error: baseUrl is required
  createDsmClient({ token: 't' });
  // @ts-expect-error: a token is a string or a Secret
  createDsmClient({ baseUrl: 'https://dsm.example', token: 42 });
  // @ts-expect-error: unknown option
  createDsmClient({ baseUrl: 'https://dsm.example', timeout: 5 });
});

test('authenticate', () => {
  expectTypeOf(client.authenticate({ email: 'a@b.c', password: 'pw' })).toEqualTypeOf<
    Promise<AuthResult>
  >();
  client.authenticate({ email: 'a@b.c', password: new Secret('pw') });
  client.authenticate({ apiKey: 'key' }, { signal: AbortSignal.timeout(1) });
  // @ts-expect-error: the password is required with an email
  client.authenticate({ email: 'a@b.c' });
  // @ts-expect-error: a password must be a string or Secret
  client.authenticate({ email: 'a@b.c', password: 123 });

  type Result = Awaited<ReturnType<DsmClient['authenticate']>>;
  expectTypeOf<Result['accessToken']>().toEqualTypeOf<Secret<string>>();
  expectTypeOf<Result['tokenType']>().toEqualTypeOf<'Bearer' | 'Cookie'>();
  expectTypeOf<NonNullable<Result['secondFactor']>['fido2AssertionOptions']>().toEqualTypeOf<
    Fido2RequestOptions | undefined
  >();
});

test('operations', () => {
  expectTypeOf(client.config2faAuth({ password: 'pw' })).toEqualTypeOf<Promise<void>>();
  expectTypeOf(client.config2faTerminate({ keepalive: true })).toEqualTypeOf<Promise<void>>();
  expectTypeOf(client.mfaNewChallenge()).toEqualTypeOf<Promise<Fido2CreationOptions>>();
  expectTypeOf(client.getUser('id')).toEqualTypeOf<Promise<User>>();
  expectTypeOf(client.generateRecoveryCodes()).resolves.toEqualTypeOf<RecoveryCodes>();
  expectTypeOf(client.getApprovalRequest('id')).resolves.toEqualTypeOf<ApprovalRequest>();
  expectTypeOf(client.mfaChallenge('id')).resolves.toEqualTypeOf<Fido2RequestOptions>();
  expectTypeOf(client.completeFido2Auth(assertion)).toEqualTypeOf<Promise<void>>();
  expectTypeOf(client.recoveryCodeAuth({ recoveryCode: new Secret('c') })).toEqualTypeOf<
    Promise<void>
  >();
  expectTypeOf(client.withToken('t')).toEqualTypeOf<DsmClient>();
  expectTypeOf(client.baseUrl).toEqualTypeOf<string>();

  client.updateUser('id', { del_mfa_devices: [{ name: 'key' }] });
  client.updateUser('id', { rename_mfa_devices: [{ old_name: 'a', new_name: 'b' }] });
  // @ts-expect-error: only the 2FA fields of UserRequest
  client.updateUser('id', { first_name: 'Ada' });
  // @ts-expect-error: a device to delete is named
  client.updateUser('id', { del_mfa_devices: ['key'] });
  client.approveRequest('id', { password: new Secret('pw'), fido2_auth_request: assertion });
  // @ts-expect-error: the legacy u2f approval is not offered
  client.approveRequest('id', { u2f: {} });
  client.denyRequest('id');
  client.denyRequest('id', { reason: 'no' });
  // @ts-expect-error: the config password is required
  client.config2faAuth({});
  // @ts-expect-error: signal must be an AbortSignal
  client.refresh({ signal: 'now' });
  // @ts-expect-error: the assertion needs a response
  client.completeFido2Auth({ id: 'x', type: 'public-key' });
});

test('results are the documented snake_case objects', () => {
  expectTypeOf<User['mfa_devices'][number]['type']>().toEqualTypeOf<'U2f' | 'Fido2'>();
  expectTypeOf<ApprovalRequest['status']>().toEqualTypeOf<
    'PENDING' | 'APPROVED' | 'DENIED' | 'FAILED'
  >();
  expectTypeOf<RecoveryCodes['recovery_codes']>().toEqualTypeOf<string[]>();
  expectTypeOf<Fido2CreationOptions['pubKeyCredParams'][number]['alg']>().toEqualTypeOf<
    -7 | 'Es256'
  >();
  expectTypeOf(toWebAuthnCreationOptions).returns.toEqualTypeOf<WebAuthnCreationOptionsJSON>();
  expectTypeOf<WebAuthnCreationOptionsJSON['rp']>().toEqualTypeOf<{ id?: string; name: string }>();
});

test('errors', () => {
  const error: unknown = new Error('x');
  if (isDsmError(error)) {
    expectTypeOf(error).toEqualTypeOf<DsmError>();
    expectTypeOf(error.code).toEqualTypeOf<DsmErrorCode>();
  }
  if (isDsmError(error, 'FORBIDDEN')) {
    expectTypeOf(error).toEqualTypeOf<DsmForbiddenError>();
    expectTypeOf(error.reason).toEqualTypeOf<DsmForbiddenReason>();
    expectTypeOf(error.reason).toEqualTypeOf<
      'configLocked' | 'configUnlocked' | 'secondFactorRequired' | 'other'
    >();
    expectTypeOf(error.code).toEqualTypeOf<'FORBIDDEN'>();
  }
  if (isDsmError(error, 'RATE_LIMITED')) {
    expectTypeOf(error).toEqualTypeOf<DsmRateLimitedError>();
    expectTypeOf(error.retryAfterMs).toEqualTypeOf<number | undefined>();
  }
  if (isDsmError(error, 'INVALID_RESPONSE')) {
    expectTypeOf(error.issues).toEqualTypeOf<readonly DsmValidationIssue[]>();
    expectTypeOf(error.status).toEqualTypeOf<number>();
  }
  if (isDsmError(error, 'TIMEOUT')) expectTypeOf(error.timeoutMs).toEqualTypeOf<number>();
  if (error instanceof DsmHttpError) {
    expectTypeOf(error.status).toEqualTypeOf<number>();
    expectTypeOf(error.operationId).toEqualTypeOf<string>();
    expectTypeOf(error.untrustedServerText()).toEqualTypeOf<string>();
  }
  // @ts-expect-error: not a code
  isDsmError(error, 'WRONG_PASSWORT');
  // Every code and its class: test/client/errors.test-d.ts.
  expectTypeOf<
    | 'HTTP_ERROR'
    | 'BAD_REQUEST'
    | 'UNAUTHORIZED'
    | 'FORBIDDEN'
    | 'NOT_FOUND'
    | 'CONFLICT'
    | 'LOCKED'
    | 'RATE_LIMITED'
    | 'NETWORK'
    | 'TIMEOUT'
    | 'ABORTED'
    | 'INVALID_RESPONSE'
    | 'INVALID_REQUEST'
    | 'INSECURE_BASE_URL'
    | 'MISSING_CREDENTIALS'
    | 'INVALID_OPTIONS'
    | 'SECRET_CLEARED'
  >().toExtend<DsmErrorCode>();
  expectTypeOf<ReturnType<DsmError['toJSON']>>().toMatchTypeOf<{
    name: string;
    code: DsmErrorCode;
    message: string;
  }>();
});
