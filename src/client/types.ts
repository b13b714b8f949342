import type {
  ApprovalRequest,
  ApprovalRequestRequest,
  AuthResponse,
  Fido2AssertionResult,
  Fido2CreationOptions,
  Fido2RequestOptions,
  RecoveryCodes,
  User,
  UserUpdate2fa,
} from './schemas.js';
import type { Secret, SecretInput } from './secret.js';

/** Retry policy for the operations that are safe to repeat (terminate, refresh, GETs). */
export interface RetryOptions {
  /** Attempts after the first. Default 2. `0` turns retries off. */
  limit?: number;
  /** First backoff in ms; doubles each attempt. Default 300. */
  backoffMs?: number;
  /** Upper bound for one backoff (and for a server's Retry-After). Default 10 000. */
  maxBackoffMs?: number;
}

export interface DsmClientOptions {
  /** DSM's base URL. Must be https unless the host is loopback (127.0.0.0/8, ::1, localhost). */
  baseUrl: string | URL;
  /** A bearer token from `authenticate` (a session). */
  token?: SecretInput;
  /** An API key (DSM's `Authorization: Basic <api key>`), for app sessions. */
  apiKey?: SecretInput;
  /** Per-request timeout in ms. Default 30 000. */
  timeoutMs?: number;
  /** A fetch implementation (an emulator's in-process `fetch`). Default: global fetch. */
  fetch?: typeof globalThis.fetch;
  /** Retries for idempotent operations; `false` or `0` turns them off. */
  retry?: RetryOptions | number | false;
  /** Send bearer requests with `keepalive` (lets a terminate outlive an unloading page). */
  keepalive?: boolean;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Per-call `keepalive`, for a terminate sent while a page unloads. */
  keepalive?: boolean;
}

export type AuthenticateInput = { email: string; password: SecretInput } | { apiKey: SecretInput };

/** What `authenticate` resolves to. The token is wrapped so it never prints. */
export interface AuthResult {
  accessToken: Secret<string>;
  entityId: string;
  expiresIn: number;
  tokenType: AuthResponse['token_type'];
  /** Present when DSM asks for a second factor before the token may be used. */
  secondFactor?: {
    fido2AssertionOptions?: Fido2RequestOptions;
    allowedMfaMethods: NonNullable<AuthResponse['allowed_mfa_methods']>;
  };
}

/**
 * A typed DSM client: one method per operationId, inputs checked before sending and answers
 * after. Results are DSM's documented objects (snake_case), except `authenticate`'s.
 */
export interface DsmClient {
  readonly baseUrl: string;
  /** Whether this client carries a bearer token or an API key. */
  readonly hasCredentials: boolean;
  /** A client with the same settings that sends this bearer token. */
  withToken(token: SecretInput): DsmClient;

  authenticate(input: AuthenticateInput, options?: CallOptions): Promise<AuthResult>;
  config2faAuth(input: { password: SecretInput }, options?: CallOptions): Promise<void>;
  config2faTerminate(options?: CallOptions): Promise<void>;
  mfaNewChallenge(options?: CallOptions): Promise<Fido2CreationOptions>;
  updateUser(userId: string, body: UserUpdate2fa, options?: CallOptions): Promise<User>;
  getUser(userId: string, options?: CallOptions): Promise<User>;
  generateRecoveryCodes(options?: CallOptions): Promise<RecoveryCodes>;
  createApprovalRequest(
    body: ApprovalRequestRequest,
    options?: CallOptions,
  ): Promise<ApprovalRequest>;
  getApprovalRequest(requestId: string, options?: CallOptions): Promise<ApprovalRequest>;
  mfaChallenge(requestId: string, options?: CallOptions): Promise<Fido2RequestOptions>;
  approveRequest(
    requestId: string,
    body: { password?: SecretInput; fido2_auth_request?: Fido2AssertionResult; body?: unknown },
    options?: CallOptions,
  ): Promise<ApprovalRequest>;
  denyRequest(
    requestId: string,
    body?: { reason?: string },
    options?: CallOptions,
  ): Promise<ApprovalRequest>;
  completeFido2Auth(assertion: Fido2AssertionResult, options?: CallOptions): Promise<void>;
  recoveryCodeAuth(input: { recoveryCode: SecretInput }, options?: CallOptions): Promise<void>;
  refresh(options?: CallOptions): Promise<void>;
  terminate(options?: CallOptions): Promise<void>;
}
