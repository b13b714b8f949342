/**
 * The plain-text bodies of the emulator's error responses.
 *
 * DSM answers errors with a plain-text body (its Go and Rust SDKs use the raw body as the
 * message), never JSON. The texts of the 401/403/429 answers below are a contract: the client
 * classifies a 403 by its text, so change them only together with the client.
 */
export const messages = {
  /** 403 (option `configLockedStatus`): a config operation while the 2FA configuration is locked. */
  configLocked:
    'Two factor configuration is locked. Unlock it with POST /sys/v1/session/config_2fa/auth first.',
  /** 403 (option `configUnlockedStatus`): FIDO2 used for anything else while unlocked. */
  configUnlocked:
    'Two factor configuration is unlocked; the two factor device cannot be used until it is locked again.',
  /** 403 (option `secondFactorPendingStatus`): the session has not completed its second factor. */
  secondFactorPending: 'This session must complete two factor authentication first.',
  /** 401 (option `wrongPasswordStatus`): wrong password on Config2faAuth or ApproveRequest. */
  invalidPassword: 'Invalid password.',
  /** 401: unknown, terminated or idle-expired bearer token. */
  sessionInvalid: 'Session expired or invalid.',
  /** 401: Authenticate without usable credentials. */
  missingCredentials:
    'Authentication required: send Authorization: Basic base64(email:password) or Basic <api key>.',
  /** 401: Authenticate with a wrong email or password (which one is not revealed). */
  invalidCredentials: 'Invalid email or password.',
  /** 401: Authenticate with an unknown API key. */
  invalidApiKey: 'Invalid API key.',
  /** 401: a bearer call without an `Authorization: Bearer` header. */
  missingBearer: 'Missing bearer token: send Authorization: Bearer <access_token>.',
  /** 429, with Retry-After: too many wrong passwords (or recovery codes) in the window. */
  rateLimited: 'Too many failed password attempts. Try again later.',
  /** 403: a user-only operation called with an app session. */
  userSessionRequired:
    'This operation needs a user session; apps have no two factor configuration or approvals to review.',
  /** 403: UpdateUser on another user. */
  selfOnly: 'A user may only change its own two factor devices.',
  /** 403: approve, deny or challenge by someone who is not a reviewer. */
  notReviewer: 'You are not a reviewer of this approval request.',
  /** 404 */
  approvalNotFound: 'Approval request not found.',
  userNotFound: 'User not found.',
  routeNotFound: 'Not found.',
  /** 409 */
  approvalNotPending: 'This approval request is no longer pending.',
  approvalExpired: 'This approval request has expired.',
  /** 400 */
  invalidJson: 'Request body is not valid JSON.',
  protocolRequired: 'Query parameter protocol must be fido2 (U2F is deprecated).',
  u2fDeprecated: 'U2F is deprecated; use FIDO2 (protocol=fido2, add_mfa_devices).',
  noPendingSecondFactor: 'This session has no pending two factor authentication.',
  invalidRecoveryCode: 'Invalid or already used recovery code.',
  noDevices: 'No FIDO2 device is registered for this user.',
  noCreationChallenge:
    'No registration challenge is pending for this session: call POST /sys/v1/session/config_2fa/new_challenge?protocol=fido2 first.',
  noApprovalChallenge:
    'No FIDO2 challenge is pending for this approval request: call POST /sys/v1/approval_requests/{id}/challenge?protocol=fido2 first.',
  challengeExpired: 'The FIDO2 challenge has expired; request a new one.',
  /** 405, with `Allow`: a path the emulator serves, with a method it does not serve there. */
  methodNotAllowed: 'Method not allowed on this path; see the Allow header.',
  /** 401: a control-surface request without the emulator's control token. */
  controlTokenRequired:
    'The emulator control surface needs the header X-Emulator-Token: <token>. npm run emulator prints the token; in code it is emulator.controlToken.',
  /** 415: a control-surface request that changes something, without a JSON content type. */
  controlJsonRequired:
    'The emulator control surface takes Content-Type: application/json on every request but GET and HEAD.',
  /** 413: a control-surface request body over the limit. */
  controlBodyTooLarge: 'Request body too large for the emulator control surface (at most 64 KiB).',
  /** 500 */
  internal: 'Internal emulator error.',
} as const;
