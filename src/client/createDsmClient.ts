import * as z from 'zod/mini';
import { checkBaseUrl } from './baseUrl.js';
import { DsmMissingCredentialsError } from './errors/setupErrors.js';
import { DsmRequestValidationError } from './errors/validationErrors.js';
import { toRetryPolicy } from './retry.js';
import {
  ApiKeyCredentials,
  ApprovalRequest,
  ApprovalRequestRequest,
  ApproveRequestBody,
  AuthResponse,
  Config2faAuthRequest,
  Config2faAuthResponse,
  DenyRequestBody,
  Fido2AssertionResult,
  Fido2CreationOptions,
  Fido2RequestOptions,
  PasswordCredentials,
  PathId,
  RecoveryCodeAuthRequest,
  RecoveryCodes,
  User,
  UserUpdate2fa,
} from './schemas.js';
import { Secret, SecretClearedError, type SecretInput } from './secret.js';
import { type Expect, type OperationRequest, Transport } from './transport.js';
import type {
  AuthenticateInput,
  AuthResult,
  CallOptions,
  DsmClient,
  DsmClientOptions,
} from './types.js';
import { utf8ToBase64 } from './utils/base64.js';
import { describeIssue, toValidationIssues } from './utils/issues.js';

const defaultTimeoutMs = 30_000;
/** setTimeout's ceiling: a larger delay would fire at once. */
const maxTimeoutMs = 2_147_483_647;

/** `AuthResponse` as this client needs it: a bearer session always carries its token. */
const BearerAuthResponse = z.extend(AuthResponse, { access_token: z.string() });

/**
 * Creates a typed DSM client. Checks `baseUrl` at once (https, or http to a loopback host;
 * otherwise `InsecureBaseUrlError`). Every method checks its input before sending (throwing
 * `DsmRequestValidationError`, with no request) and DSM's answer after (throwing
 * `DsmResponseValidationError`); failures are `DsmError` subclasses, never with a secret in them.
 */
export function createDsmClient(options: DsmClientOptions): DsmClient {
  const baseUrl = checkBaseUrl(options.baseUrl);
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  if (!(timeoutMs > 0)) {
    throw new RangeError('timeoutMs must be a positive number of milliseconds.');
  }
  const transport = new Transport({
    baseUrl,
    timeoutMs: Math.min(timeoutMs, maxTimeoutMs),
    retry: toRetryPolicy(options.retry),
    keepalive: options.keepalive ?? false,
    fetch: options.fetch,
  });
  const token = options.token === undefined ? undefined : Secret.from(options.token);
  const apiKey = options.apiKey === undefined ? undefined : Secret.from(options.apiKey);

  /** The Authorization header for a session call, and the secret it carries. */
  function sessionAuth(operationId: string): { authorization: string; secrets: string[] } {
    const credential = token ?? apiKey;
    if (!credential) throw new DsmMissingCredentialsError(operationId);
    if (credential.cleared) {
      throw new DsmMissingCredentialsError(
        operationId,
        `its ${token ? 'token' : 'API key'} Secret was cleared`,
      );
    }
    const value = credential.reveal();
    return { authorization: token ? `Bearer ${value}` : `Basic ${value}`, secrets: [value] };
  }

  /** Sends a session (bearer or API key) operation. */
  function call<T>(
    request: Omit<OperationRequest<T>, 'authorization' | 'secrets'> & { secrets?: string[] },
    callOptions?: CallOptions,
  ): Promise<T> {
    const auth = sessionAuth(request.operationId);
    return transport.send(
      {
        ...request,
        authorization: auth.authorization,
        secrets: [...auth.secrets, ...(request.secrets ?? [])],
      },
      callOptions,
    );
  }

  const json = <T>(schema: z.ZodMiniType<T>): Expect<T> => ({ body: 'json', schema });
  const noBody: Expect<void> = { body: 'none' };

  return {
    baseUrl,
    hasCredentials: token !== undefined || apiKey !== undefined,

    withToken(newToken: SecretInput): DsmClient {
      return createDsmClient({ ...options, token: newToken });
    },

    async authenticate(input: AuthenticateInput, callOptions?: CallOptions): Promise<AuthResult> {
      const operationId = 'Authenticate';
      let authorization: string;
      let secrets: string[];
      if (input !== null && typeof input === 'object' && 'apiKey' in input) {
        const { apiKey: key } = check(operationId, ApiKeyCredentials, {
          apiKey: reveal(operationId, 'apiKey', input.apiKey),
        });
        authorization = `Basic ${key}`;
        secrets = [key];
      } else {
        const credentials = check(operationId, PasswordCredentials, {
          email: input?.email,
          password: reveal(operationId, 'password', input?.password),
        });
        const encoded = utf8ToBase64(`${credentials.email}:${credentials.password}`);
        authorization = `Basic ${encoded}`;
        secrets = [credentials.password, encoded];
      }
      const response = await transport.send(
        {
          operationId,
          method: 'post',
          path: 'sys/v1/session/auth',
          authorization,
          secrets,
          idempotent: false,
          expect: json(BearerAuthResponse),
        },
        callOptions,
      );
      return toAuthResult(response);
    },

    async config2faAuth(input, callOptions) {
      const operationId = 'Config2faAuth';
      const auth = sessionAuth(operationId);
      const body = check(operationId, Config2faAuthRequest, {
        password: reveal(operationId, 'password', input?.password),
      });
      await transport.send(
        {
          operationId,
          method: 'post',
          path: 'sys/v1/session/config_2fa/auth',
          json: body,
          authorization: auth.authorization,
          secrets: [...auth.secrets, body.password],
          idempotent: false,
          expect: { body: 'json', schema: Config2faAuthResponse, emptyOk: true },
        },
        callOptions,
      );
    },

    config2faTerminate: async (callOptions) =>
      call(
        {
          operationId: 'Config2faTerminate',
          method: 'post',
          path: 'sys/v1/session/config_2fa/terminate',
          idempotent: true,
          expect: noBody,
        },
        callOptions,
      ),

    mfaNewChallenge: async (callOptions) =>
      call(
        {
          operationId: 'MfaNewChallenge',
          method: 'post',
          path: 'sys/v1/session/config_2fa/new_challenge',
          searchParams: { protocol: 'fido2' },
          idempotent: false,
          expect: json(Fido2CreationOptions),
        },
        callOptions,
      ),

    async updateUser(userId, body, callOptions) {
      const operationId = 'UpdateUser';
      const id = check(operationId, PathId, userId, 'userId');
      const update = check(operationId, UserUpdate2fa, body);
      return call(
        {
          operationId,
          method: 'patch',
          path: `sys/v1/users/${encodeURIComponent(id)}`,
          json: update,
          idempotent: false,
          expect: json(User),
        },
        callOptions,
      );
    },

    async getUser(userId, callOptions) {
      const operationId = 'GetUser';
      const id = check(operationId, PathId, userId, 'userId');
      return call(
        {
          operationId,
          method: 'get',
          path: `sys/v1/users/${encodeURIComponent(id)}`,
          idempotent: true,
          expect: json(User),
        },
        callOptions,
      );
    },

    generateRecoveryCodes: async (callOptions) =>
      call(
        {
          operationId: 'GenerateRecoveryCodes',
          method: 'post',
          path: 'sys/v1/users/generate_recovery_codes',
          idempotent: false,
          expect: json(RecoveryCodes),
        },
        callOptions,
      ),

    async createApprovalRequest(body, callOptions) {
      const operationId = 'CreateApprovalRequest';
      const request = check(operationId, ApprovalRequestRequest, body);
      return call(
        {
          operationId,
          method: 'post',
          path: 'sys/v1/approval_requests',
          json: request,
          idempotent: false,
          expect: json(ApprovalRequest),
        },
        callOptions,
      );
    },

    async getApprovalRequest(requestId, callOptions) {
      const operationId = 'GetApprovalRequest';
      const id = check(operationId, PathId, requestId, 'requestId');
      return call(
        {
          operationId,
          method: 'get',
          path: `sys/v1/approval_requests/${encodeURIComponent(id)}`,
          idempotent: true,
          expect: json(ApprovalRequest),
        },
        callOptions,
      );
    },

    async mfaChallenge(requestId, callOptions) {
      const operationId = 'MfaChallenge';
      const id = check(operationId, PathId, requestId, 'requestId');
      return call(
        {
          operationId,
          method: 'post',
          path: `sys/v1/approval_requests/${encodeURIComponent(id)}/challenge`,
          searchParams: { protocol: 'fido2' },
          idempotent: false,
          expect: json(Fido2RequestOptions),
        },
        callOptions,
      );
    },

    async approveRequest(requestId, body, callOptions) {
      const operationId = 'ApproveRequest';
      const id = check(operationId, PathId, requestId, 'requestId');
      const password = body?.password;
      const approval = check(operationId, ApproveRequestBody, {
        ...body,
        ...(password === undefined ? {} : { password: reveal(operationId, 'password', password) }),
      });
      return call(
        {
          operationId,
          method: 'post',
          path: `sys/v1/approval_requests/${encodeURIComponent(id)}/approve`,
          json: approval,
          secrets: approval.password === undefined ? [] : [approval.password],
          idempotent: false,
          expect: json(ApprovalRequest),
        },
        callOptions,
      );
    },

    async denyRequest(requestId, body, callOptions) {
      const operationId = 'DenyRequest';
      const id = check(operationId, PathId, requestId, 'requestId');
      const denial = check(operationId, DenyRequestBody, body ?? {});
      return call(
        {
          operationId,
          method: 'post',
          path: `sys/v1/approval_requests/${encodeURIComponent(id)}/deny`,
          json: denial,
          idempotent: false,
          expect: json(ApprovalRequest),
        },
        callOptions,
      );
    },

    async completeFido2Auth(assertion, callOptions) {
      const operationId = 'CompleteFido2Auth';
      const body = check(operationId, Fido2AssertionResult, assertion);
      return call(
        {
          operationId,
          method: 'post',
          path: 'sys/v1/session/auth/2fa/fido2',
          json: body,
          idempotent: false,
          expect: noBody,
        },
        callOptions,
      );
    },

    async recoveryCodeAuth(input, callOptions) {
      const operationId = 'RecoveryCodeAuth';
      const body = check(operationId, RecoveryCodeAuthRequest, {
        recovery_code: reveal(operationId, 'recoveryCode', input?.recoveryCode),
      });
      return call(
        {
          operationId,
          method: 'post',
          path: 'sys/v1/session/auth/2fa/recovery_code',
          json: body,
          secrets: [body.recovery_code],
          idempotent: false,
          expect: noBody,
        },
        callOptions,
      );
    },

    refresh: async (callOptions) =>
      call(
        {
          operationId: 'Refresh',
          method: 'post',
          path: 'sys/v1/session/refresh',
          idempotent: true,
          expect: noBody,
        },
        callOptions,
      ),

    terminate: async (callOptions) =>
      call(
        {
          operationId: 'Terminate',
          method: 'post',
          path: 'sys/v1/session/terminate',
          idempotent: true,
          expect: noBody,
        },
        callOptions,
      ),
  };
}

/** Parses `value` with `schema`, or throws `DsmRequestValidationError` (issues without values). */
function check<T>(operationId: string, schema: z.ZodMiniType<T>, value: unknown, path?: string): T {
  const parsed = schema.safeParse(value, { error: describeIssue });
  if (parsed.success) return parsed.data;
  const issues = toValidationIssues(parsed.error.issues).map((issue) => ({
    ...issue,
    path: path === undefined ? issue.path : [path, ...issue.path],
  }));
  throw new DsmRequestValidationError(operationId, issues);
}

/** The plain value of a `SecretInput`; a cleared `Secret` is an input error, not a crash. */
function reveal(operationId: string, field: string, value: unknown): unknown {
  if (!(value instanceof Secret)) return value;
  try {
    return value.reveal();
  } catch (error) {
    if (!(error instanceof SecretClearedError)) throw error;
    throw new DsmRequestValidationError(operationId, [
      { path: [field], message: 'the Secret was already cleared; pass the value again' },
    ]);
  }
}

function toAuthResult(response: z.infer<typeof BearerAuthResponse>): AuthResult {
  const methods = response.allowed_mfa_methods ?? [];
  const fido2AssertionOptions =
    response.fido2_assertion_options ?? methods.find((method) => method.Fido2)?.Fido2.challenge;
  const needsSecondFactor = fido2AssertionOptions !== undefined || methods.length > 0;
  return {
    accessToken: new Secret(response.access_token),
    entityId: response.entity_id,
    expiresIn: response.expires_in,
    tokenType: response.token_type,
    ...(needsSecondFactor
      ? {
          secondFactor: {
            ...(fido2AssertionOptions ? { fido2AssertionOptions } : {}),
            allowedMfaMethods: methods,
          },
        }
      : {}),
  };
}
