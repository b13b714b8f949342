/** DSM's JSON objects (User, MfaDevice, ApprovalRequest) built from the emulator's records. */
import { formatDsmTime } from './clock.js';
import type { ApprovalRecord, DeviceRecord, UserRecord } from './state.js';

export function deviceView(device: DeviceRecord) {
  return { name: device.name, type: device.type, origin: device.origin };
}

/** A User object. No password, no recovery codes, no credential keys. */
export function userView(user: UserRecord) {
  return {
    user_id: user.userId,
    user_email: user.email,
    ...(user.firstName !== undefined && { first_name: user.firstName }),
    ...(user.lastName !== undefined && { last_name: user.lastName }),
    description: user.description ?? null,
    account_role: ['ACCOUNTMEMBER', 'STATEENABLED'],
    created_at: formatDsmTime(user.createdAt),
    ...(user.lastLoggedInAt !== undefined && {
      last_logged_in_at: formatDsmTime(user.lastLoggedInAt),
    }),
    email_verified: true,
    has_account: true,
    has_password: true,
    self_provisioned: false,
    groups: {},
    explicit_groups: {},
    mfa_devices: user.devices.map(deviceView),
    u2f_devices: [],
  };
}

/** An ApprovalRequest object. */
export function approvalView(record: ApprovalRecord, accountId: string) {
  return {
    request_id: record.requestId,
    acct_id: accountId,
    requester: record.requester,
    operation: record.operation,
    method: record.method,
    description: record.description ?? null,
    body: record.body ?? null,
    created_at: formatDsmTime(record.createdAt),
    expiry: formatDsmTime(record.expiresAt),
    status: record.status,
    result_viewed: false,
    approvers: record.approvers.map((user) => ({ user })),
    reviewers: record.reviewers.map((r) => ({
      user: r.userId,
      requires_2fa: r.requires2fa,
      requires_password: r.requiresPassword,
    })),
    subjects: [],
    ...(record.denier !== undefined && { denier: { user: record.denier } }),
    ...(record.denialReason !== undefined && { denial_reason: record.denialReason }),
  };
}
