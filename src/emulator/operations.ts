/**
 * The DSM operations the emulator serves: operationId, method and path, as in the OpenAPI
 * document. The request log and fault matching name requests by these operationIds.
 */
export const DSM_OPERATIONS = [
  { operationId: 'Authenticate', method: 'POST', path: '/sys/v1/session/auth' },
  { operationId: 'CompleteFido2Auth', method: 'POST', path: '/sys/v1/session/auth/2fa/fido2' },
  {
    operationId: 'RecoveryCodeAuth',
    method: 'POST',
    path: '/sys/v1/session/auth/2fa/recovery_code',
  },
  { operationId: 'U2fAuth', method: 'POST', path: '/sys/v1/session/auth/2fa/u2f' },
  { operationId: 'Config2faAuth', method: 'POST', path: '/sys/v1/session/config_2fa/auth' },
  {
    operationId: 'Config2faTerminate',
    method: 'POST',
    path: '/sys/v1/session/config_2fa/terminate',
  },
  {
    operationId: 'MfaNewChallenge',
    method: 'POST',
    path: '/sys/v1/session/config_2fa/new_challenge',
  },
  { operationId: 'Refresh', method: 'POST', path: '/sys/v1/session/refresh' },
  { operationId: 'Terminate', method: 'POST', path: '/sys/v1/session/terminate' },
  {
    operationId: 'GenerateRecoveryCodes',
    method: 'POST',
    path: '/sys/v1/users/generate_recovery_codes',
  },
  { operationId: 'GetUser', method: 'GET', path: '/sys/v1/users/:user_id' },
  { operationId: 'UpdateUser', method: 'PATCH', path: '/sys/v1/users/:user_id' },
  { operationId: 'CreateApprovalRequest', method: 'POST', path: '/sys/v1/approval_requests' },
  { operationId: 'GetApprovalRequest', method: 'GET', path: '/sys/v1/approval_requests/:req_id' },
  {
    operationId: 'MfaChallenge',
    method: 'POST',
    path: '/sys/v1/approval_requests/:req_id/challenge',
  },
  {
    operationId: 'ApproveRequest',
    method: 'POST',
    path: '/sys/v1/approval_requests/:req_id/approve',
  },
  { operationId: 'DenyRequest', method: 'POST', path: '/sys/v1/approval_requests/:req_id/deny' },
] as const;

export type DsmOperationId = (typeof DSM_OPERATIONS)[number]['operationId'];

const matchers = DSM_OPERATIONS.map((op) => ({
  ...op,
  pattern: new RegExp(`^${op.path.replace(/:[a-z_]+/g, '[^/]+')}$`),
}));

/** The operationId of a request, or undefined for a path DSM does not have. */
export function operationIdOf(method: string, pathname: string): DsmOperationId | undefined {
  const upper = method.toUpperCase();
  return matchers.find((op) => op.method === upper && op.pattern.test(pathname))?.operationId;
}
