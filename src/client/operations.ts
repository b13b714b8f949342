/**
 * DSM's operations, one row per operationId: the client builds every request from its row, the
 * emulator serves it, and test/emulator/openapi.test.ts checks it against DSM's document.
 */
import type * as z from 'zod/mini';
import {
  ApprovalRequest,
  ApprovalRequestRequest,
  ApproveRequestBody,
  BearerAuthResponse,
  Config2faAuthRequest,
  Config2faAuthResponse,
  DenyRequestBody,
  Fido2AssertionResult,
  Fido2CreationOptions,
  Fido2RequestOptions,
  RecoveryCodeAuthRequest,
  RecoveryCodes,
  User,
  UserUpdate2fa,
} from './schemas.js';

export interface DsmOperation {
  method: 'GET' | 'POST' | 'PATCH';
  /** As in DSM's document; the one `{…}` parameter, if any, is a UUID the client checks. */
  path: string;
  /** Safe to repeat (DSM ends in the same state): only these are retried. */
  idempotent: boolean;
  query?: Readonly<Record<string, string>>;
  /** The JSON body, checked before sending; absent when the operation sends none. */
  request?: z.ZodMiniType;
  /** DSM's JSON answer, checked when it arrives; `null` for a documented 204. */
  response: z.ZodMiniType | null;
  emptyOk?: boolean;
  /**
   * The 2FA-configuration lock DSM requires: `unlocked` for the changes DSM refuses while
   * locked, `locked` for the approvals, which use the 2FA device DSM refuses while unlocked.
   */
  lock?: 'unlocked' | 'locked';
}

const fido2 = { protocol: 'fido2' } as const;

export const dsmOperations = {
  // Credentials go in the Authorization header (Basic), so no body is sent.
  Authenticate: {
    method: 'POST',
    path: '/sys/v1/session/auth',
    idempotent: false,
    response: BearerAuthResponse,
  },
  CompleteFido2Auth: {
    method: 'POST',
    path: '/sys/v1/session/auth/2fa/fido2',
    idempotent: false,
    request: Fido2AssertionResult,
    response: null,
  },
  RecoveryCodeAuth: {
    method: 'POST',
    path: '/sys/v1/session/auth/2fa/recovery_code',
    idempotent: false,
    request: RecoveryCodeAuthRequest,
    response: null,
  },
  Config2faAuth: {
    method: 'POST',
    path: '/sys/v1/session/config_2fa/auth',
    idempotent: false,
    request: Config2faAuthRequest,
    response: Config2faAuthResponse,
    emptyOk: true,
  },
  Config2faTerminate: {
    method: 'POST',
    path: '/sys/v1/session/config_2fa/terminate',
    idempotent: true,
    response: null,
  },
  MfaNewChallenge: {
    method: 'POST',
    path: '/sys/v1/session/config_2fa/new_challenge',
    idempotent: false,
    query: fido2,
    response: Fido2CreationOptions,
    lock: 'unlocked',
  },
  Refresh: { method: 'POST', path: '/sys/v1/session/refresh', idempotent: true, response: null },
  Terminate: {
    method: 'POST',
    path: '/sys/v1/session/terminate',
    idempotent: true,
    response: null,
  },
  GenerateRecoveryCodes: {
    method: 'POST',
    path: '/sys/v1/users/generate_recovery_codes',
    idempotent: false,
    response: RecoveryCodes,
    lock: 'unlocked',
  },
  GetUser: { method: 'GET', path: '/sys/v1/users/{user_id}', idempotent: true, response: User },
  UpdateUser: {
    method: 'PATCH',
    path: '/sys/v1/users/{user_id}',
    idempotent: false,
    request: UserUpdate2fa,
    response: User,
    lock: 'unlocked',
  },
  CreateApprovalRequest: {
    method: 'POST',
    path: '/sys/v1/approval_requests',
    idempotent: false,
    request: ApprovalRequestRequest,
    response: ApprovalRequest,
  },
  GetApprovalRequest: {
    method: 'GET',
    path: '/sys/v1/approval_requests/{req_id}',
    idempotent: true,
    response: ApprovalRequest,
  },
  MfaChallenge: {
    method: 'POST',
    path: '/sys/v1/approval_requests/{req_id}/challenge',
    idempotent: false,
    query: fido2,
    response: Fido2RequestOptions,
    lock: 'locked',
  },
  ApproveRequest: {
    method: 'POST',
    path: '/sys/v1/approval_requests/{req_id}/approve',
    idempotent: false,
    request: ApproveRequestBody,
    response: ApprovalRequest,
    lock: 'locked',
  },
  DenyRequest: {
    method: 'POST',
    path: '/sys/v1/approval_requests/{req_id}/deny',
    idempotent: false,
    request: DenyRequestBody,
    response: ApprovalRequest,
    lock: 'locked',
  },
} as const satisfies Record<string, DsmOperation>;

export type DsmOperations = typeof dsmOperations;
export type OperationId = keyof DsmOperations;

/** What an operation resolves to: its response schema's output, or nothing for a 204. */
export type OperationResult<Id extends OperationId> =
  DsmOperations[Id]['response'] extends z.ZodMiniType<infer T> ? T : undefined;

export const operationIds = /* @__PURE__ */ Object.keys(dsmOperations) as OperationId[];

/** The operations sent only under `lock` (see `DsmOperation.lock`). */
export function operationIdsSentWhile(lock: 'unlocked' | 'locked'): OperationId[] {
  return operationIds.filter((id) => (dsmOperations[id] as DsmOperation).lock === lock);
}
