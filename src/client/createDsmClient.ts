import type * as z from 'zod/mini';
import { MAX_TIMER_MS } from '../workflow/clock.js';
import { checkBaseUrl } from './baseUrl.js';
import {
  DsmMissingCredentialsError,
  DsmOptionsError,
  DsmRequestValidationError,
} from './errors/index.js';
import {
  type DsmOperation,
  dsmOperations,
  type OperationId,
  type OperationResult,
} from './operations.js';
import { ApiKeyCredentials, PasswordCredentials, PathId } from './schemas.js';
import { Secret, type SecretInput } from './secret.js';
import { createTransport, toRetryPolicy } from './transport.js';
import type {
  AuthenticateInput,
  AuthResult,
  CallOptions,
  DsmClient,
  DsmClientOptions,
} from './types.js';
import { bytesToBase64 } from './utils/base64.js';
import { describeInputIssue, toValidationIssues } from './utils/issues.js';

const defaultTimeoutMs = 30_000;

const isMs = (value: unknown): boolean =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_TIMER_MS;

function checkCredential(option: string, value: unknown): void {
  if (value === undefined || value instanceof Secret) return;
  if (typeof value !== 'string' || value.length === 0) {
    throw new DsmOptionsError(option, 'a non-empty string or a Secret of one');
  }
}

/** Every option checked first: a typed error, never a plain TypeError. */
function checkClientOptions(options: DsmClientOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new DsmOptionsError('options', 'an object with at least { baseUrl }');
  }
  const { timeoutMs, retry, fetch, keepalive } = options;
  if (timeoutMs !== undefined && (!isMs(timeoutMs) || timeoutMs === 0)) {
    throw new DsmOptionsError(
      'timeoutMs',
      `a finite number of milliseconds above 0, at most ${MAX_TIMER_MS}`,
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
      if (!isMs(retry) || !Number.isInteger(retry) || retry > 100) {
        throw new DsmOptionsError('retry', 'false, or a whole number of retries from 0 to 100');
      }
    } else if (typeof retry !== 'object' || retry === null) {
      throw new DsmOptionsError('retry', 'false, a number, or { limit, backoffMs, maxBackoffMs }');
    } else {
      for (const field of ['limit', 'backoffMs', 'maxBackoffMs'] as const) {
        const value = retry[field];
        if (value !== undefined && !isMs(value)) {
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

/**
 * Creates a typed DSM client; `baseUrl` must be https (or http to loopback). Every method checks
 * its input before sending and DSM's answer after; failures are `DsmError`s, never with a secret.
 */
export function createDsmClient(options: DsmClientOptions): DsmClient {
  checkClientOptions(options);
  const baseUrl = checkBaseUrl(options.baseUrl);
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const transport = createTransport({
    baseUrl,
    timeoutMs: Math.min(timeoutMs, MAX_TIMER_MS),
    retry: toRetryPolicy(options.retry),
    keepalive: options.keepalive ?? false,
    fetch: options.fetch,
  });
  const token = options.token === undefined ? undefined : Secret.from(options.token);
  const apiKey = options.apiKey === undefined ? undefined : Secret.from(options.apiKey);

  function sessionAuth(operationId: OperationId): string {
    const credential = token ?? apiKey;
    if (!credential) throw new DsmMissingCredentialsError(operationId);
    if (credential.cleared) {
      throw new DsmMissingCredentialsError(
        operationId,
        `its ${token ? 'token' : 'API key'} Secret was cleared`,
      );
    }
    const value = credential.reveal();
    return token ? `Bearer ${value}` : `Basic ${value}`;
  }

  /** Sends an operation as its row says: id and body checked first, then the credentials. */
  async function send<Id extends OperationId>(
    operationId: Id,
    input: { id?: [name: string, value: unknown]; body?: unknown; authorization?: string },
    callOptions: CallOptions | undefined,
  ): Promise<OperationResult<Id>> {
    const operation: DsmOperation = dsmOperations[operationId];
    let path = operation.path.slice(1);
    if (input.id) {
      const [name, value] = input.id;
      const id = check(operationId, PathId, value, name);
      path = path.replace(/\{\w+\}/, encodeURIComponent(id));
    }
    const json = operation.request && check(operationId, operation.request, input.body);
    const authorization = input.authorization ?? sessionAuth(operationId);
    const request = { operationId, operation, path, authorization, json };
    return (await transport(request, callOptions)) as OperationResult<Id>;
  }

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
        // RFC 7617: the UTF-8 bytes of `email:password`.
        const basic = new TextEncoder().encode(`${credentials.email}:${credentials.password}`);
        authorization = `Basic ${bytesToBase64(basic)}`;
      }
      return toAuthResult(await send(operationId, { authorization }, callOptions));
    },

    async config2faAuth(input, callOptions) {
      const password = reveal('Config2faAuth', 'password', input?.password);
      await send('Config2faAuth', { body: { password } }, callOptions);
    },

    config2faTerminate: (callOptions) => send('Config2faTerminate', {}, callOptions),
    mfaNewChallenge: (callOptions) => send('MfaNewChallenge', {}, callOptions),
    updateUser: (userId, body, callOptions) =>
      send('UpdateUser', { id: ['userId', userId], body }, callOptions),
    getUser: (userId, callOptions) => send('GetUser', { id: ['userId', userId] }, callOptions),
    generateRecoveryCodes: (callOptions) => send('GenerateRecoveryCodes', {}, callOptions),
    createApprovalRequest: (body, callOptions) =>
      send('CreateApprovalRequest', { body }, callOptions),
    getApprovalRequest: (requestId, callOptions) =>
      send('GetApprovalRequest', { id: ['requestId', requestId] }, callOptions),
    mfaChallenge: (requestId, callOptions) =>
      send('MfaChallenge', { id: ['requestId', requestId] }, callOptions),

    async approveRequest(requestId, body, callOptions) {
      const password = body?.password;
      const approval = {
        ...body,
        ...(password !== undefined && { password: reveal('ApproveRequest', 'password', password) }),
      };
      return send('ApproveRequest', { id: ['requestId', requestId], body: approval }, callOptions);
    },

    denyRequest: (requestId, body, callOptions) =>
      send('DenyRequest', { id: ['requestId', requestId], body: body ?? {} }, callOptions),
    completeFido2Auth: (assertion, callOptions) =>
      send('CompleteFido2Auth', { body: assertion }, callOptions),

    async recoveryCodeAuth(input, callOptions) {
      const code = reveal('RecoveryCodeAuth', 'recoveryCode', input?.recoveryCode);
      await send('RecoveryCodeAuth', { body: { recovery_code: code } }, callOptions);
    },

    refresh: (callOptions) => send('Refresh', {}, callOptions),
    terminate: (callOptions) => send('Terminate', {}, callOptions),
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
  if (value instanceof Secret && value.cleared) {
    throw new DsmRequestValidationError(operationId, [
      { path: [field], message: 'the Secret was already cleared; pass the value again' },
    ]);
  }
  return value instanceof Secret ? value.reveal() : value;
}

function toAuthResult(response: OperationResult<'Authenticate'>): AuthResult {
  const methods = response.allowed_mfa_methods ?? [];
  const fido2AssertionOptions =
    response.fido2_assertion_options ?? methods.find((method) => method.Fido2)?.Fido2.challenge;
  const needsSecondFactor = fido2AssertionOptions !== undefined || methods.length > 0;
  return {
    accessToken: new Secret(response.access_token),
    entityId: response.entity_id,
    expiresIn: response.expires_in,
    tokenType: response.token_type,
    ...(needsSecondFactor && {
      secondFactor: {
        ...(fido2AssertionOptions && { fido2AssertionOptions }),
        allowedMfaMethods: methods,
      },
    }),
  };
}
