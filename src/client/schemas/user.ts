import * as z from 'zod/mini';
import { DeviceName, maybe } from './common.js';
import { FidoAddDeviceRequest } from './fido2.js';

/** `MfaDevice`: a registered security key. */
export const MfaDevice = z.object({
  name: DeviceName,
  type: z.enum(['U2f', 'Fido2']),
  origin: maybe(z.string()),
});

const GroupRoles = z.record(z.string(), z.array(z.string()));

/** `User`. There is no "2FA enabled" flag: 2FA is on when `mfa_devices` is not empty. */
export const User = z.object({
  account_role: z.array(z.string()),
  created_at: z.optional(z.string()),
  dependent_services: maybe(z.array(z.string())),
  description: maybe(z.string()),
  email_verified: maybe(z.boolean()),
  explicit_groups: maybe(GroupRoles),
  first_name: maybe(z.string()),
  groups: maybe(GroupRoles),
  has_account: maybe(z.boolean()),
  has_password: maybe(z.boolean()),
  last_logged_in_at: z.optional(z.string()),
  last_name: maybe(z.string()),
  mfa_devices: z.array(MfaDevice),
  new_email: z.optional(z.string()),
  self_provisioned: maybe(z.boolean()),
  u2f_devices: z.array(MfaDevice),
  user_email: z.string(),
  user_id: z.string(),
});

/**
 * The 2FA part of `UserRequest` (`UpdateUser`): one FIDO2 device added at a time (DSM accepts
 * only one), devices deleted or renamed by name. Other fields are refused, so a 2FA change
 * cannot carry an unrelated one.
 */
export const UserUpdate2fa = z.strictObject({
  add_mfa_devices: z.optional(
    z.array(FidoAddDeviceRequest).check(z.maxLength(1, 'DSM adds one device at a time')),
  ),
  del_mfa_devices: z.optional(z.array(z.strictObject({ name: DeviceName }))),
  rename_mfa_devices: z.optional(
    z.array(z.strictObject({ old_name: DeviceName, new_name: DeviceName })),
  ),
});

/** `RecoveryCodes`: each code completes one sign-in once; regenerating replaces them all. */
export const RecoveryCodes = z.object({ recovery_codes: z.array(z.string()) });

export type MfaDevice = z.infer<typeof MfaDevice>;
export type User = z.infer<typeof User>;
export type UserUpdate2fa = z.input<typeof UserUpdate2fa>;
export type RecoveryCodes = z.infer<typeof RecoveryCodes>;
