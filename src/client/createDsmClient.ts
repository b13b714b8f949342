import * as z from 'zod/mini';
import { checkBaseUrl } from './baseUrl.js';
import { DsmMissingCredentialsError, DsmOptionsError } from './errors/setupErrors.js';
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
import { describeInputIssue, toValidationIssues } from './utils/issues.js';

const defaultTimeoutMs = 30_000;
/** setTimeout's ceiling: a larger delay would fire at once. */
const maxTimeoutMs = 2_147_483_647;

const isMs = (value: unknown, min: number): boolean =>
  typeof value === 'number' && Number.isFinite(value) && value >= min && value <= maxTimeoutMs;

function checkCredential(option: string, value: unknown): void {
  if (value === undefined || value instanceof Secret) return;
  if (typeof value !== 'string' || value.length === 0) {
    throw new DsmOptionsError(option, 'a non-empty string or a Secret of one');
  }
}

/** Every option checked before anything is built: a typed error, never a plain TypeError. */
function checkClientOptions(options: DsmClientOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new DsmOptionsError('options', 'an object with at least { baseUrl }');
  }
  const { timeoutMs, retry, fetch, keepalive } = options;
  if (timeoutMs !== undefined && (!isMs(timeoutMs, 0) || timeoutMs === 0)) {
    throw new DsmOptionsError(
      'timeoutMs',
      `a finite number of milliseconds above 0, at most ${maxTimeoutMs}`,
    );
  }
  if (fetch !== undefined && typeof fetch !== 'function') {
    throw new DsmOptionsError('fetch', 'a function');
  }
  if (keepalive !== undefined && typeof keepalive !== 'boolean') {
    throw new DsmOptionsError('keepalive', 'a boolean');
  }
  if (retry !== undefined && retry !== false) {
    if (typeof retry === 'number') {
      if (!isMs(retry, 0) || !Number.isInteger(retry) || retry > 100) {
        throw new DsmOptionsError('retry', 'false, or a whole number of retries from 0 to 100');
      }
    } else if (typeof retry !== 'object' || retry === null) {
      throw new DsmOptionsError('retry', 'false, a number, or { limit, backoffMs, maxBackoffMs }');
    } else {
      for (const field of ['limit', 'backoffMs', 'maxBackoffMs'] as const) {
        const value = retry[field];
        if (value !== undefined && !isMs(value, 0)) {
          throw new DsmOptionsError(`retry.${field}`, 'a finite number, 0 or more');
        }
      }
      if (retry.limit !== undefined && (!Number.isInteger(retry.limit) || retry.limit > 100)) {
        throw new DsmOptionsError('retry.limit', 'a whole number from 0 to 100');
      }
    }
  }
  checkCredential('token', options.token);
  checkCredential('apiKey', options.apiKey);
}

/** `AuthResponse` as this client needs it: a bearer session always carries its token. */
const BearerAuthResponse = z.extend(AuthResponse, { access_token: z.string() });

/**
 * Creates a typed DSM client. Checks `baseUrl` at once (https, or http to a loopback host;
 * otherwise `InsecureBaseUrlError`). Every method checks its input before sending (throwing
 * `DsmRequestValidationError`, with no request) and DSM's answer after (throwing
 * `DsmResponseValidationError`); failures are `DsmError` subclasses, never with a secret in them.
 */
export function createDsmClient(options: DsmClientOptions): DsmClient {
  checkClientOptions(options);
  const baseUrl = checkBaseUrl(options.baseUrl);
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const transport = new Transport({
    baseUrl,
    timeoutMs: Math.min(timeoutMs, maxTimeoutMs),
    retry: toRetryPolicy(options.retry),
    keepalive: options.keepalive ?? false,
    fetch: options.fetch,
  });
  const token = options.token === undefined ? undefined : Secret.from(options.token);
  const apiKey = options.apiKey === undefined ? undefined : Secret.from(options.apiKey);

  /** The Authorization header for a session call. */
  function sessionAuth(operationId: string): { authorization: string } {
    const credential = token ?? apiKey;
    if (!credential) throw new DsmMissingCredentialsError(operationId);
    if (credential.cleared) {
      throw new DsmMissingCredentialsError(
        operationId,
        `its ${token ? 'token' : 'API key'} Secret was cleared`,
      );
    }
    const value = credential.reveal();
    return { authorization: token ? `Bearer ${value}` : `Basic ${value}` };
  }

  /** Sends a session (bearer or API key) operation. */
  function call<T>(
    request: Omit<OperationRequest<T>, 'authorization'>,
    callOptions?: CallOptions,
  ): Promise<T> {
    const auth = sessionAuth(request.operationId);
    return transport.send({ ...request, authorization: auth.authorization }, callOptions);
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
      if (input !== null && typeof input === 'object' && 'apiKey' in input) {
        const { apiKey: key } = check(operationId, ApiKeyCredentials, {
          apiKey: reveal(operationId, 'apiKey', input.apiKey),
        });
        authorization = `Basic ${key}`;
      } else {
        const credentials = check(operationId, PasswordCredentials, {
          email: input?.email,
          password: reveal(operationId, 'password', input?.password),
        });
        const encoded = utf8ToBase64(`${credentials.email}:${credentials.password}`);
        authorization = `Basic ${encoded}`;
      }
      const response = await transport.send(
        {
          operationId,
          method: 'post',
          path: 'sys/v1/session/auth',
          authorization,
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
  const parsed = schema.safeParse(value, { error: describeInputIssue });
  if (parsed.success) return parsed.data;
  const issues = toValidationIssues(schema, parsed.error.issues).map((issue) => ({
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
