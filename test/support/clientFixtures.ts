import type { ApprovalRequest, Fido2CreationOptions, User } from '../../src/client/index.js';

/** Valid DSM objects for the raw-server tests, shaped as DSM's OpenAPI document says. */
export const userId = '3b9a1c7e-5d2f-4e8a-9b61-0f2d7c4a8e13';
export const requestId = '8f14e45f-ceea-467f-a0e6-5a1b2c3d4e5f';
export const accountId = 'c81e728d-9d4c-4f2a-8b6e-1a2b3c4d5e6f';

export const user: User = {
  account_role: ['ACCOUNTMEMBER', 'STATEENABLED'],
  mfa_devices: [{ name: 'YubiKey 5', type: 'Fido2', origin: 'https://dsm.example' }],
  u2f_devices: [],
  user_email: 'ada@example.com',
  user_id: userId,
};

export const approvalRequest: ApprovalRequest = {
  acct_id: accountId,
  approvers: [{ user: userId }],
  created_at: '20260710T070912Z',
  expiry: '20260711T070912Z',
  method: 'POST',
  operation: '/crypto/v1/keys',
  request_id: requestId,
  requester: { user: userId },
  result_viewed: false,
  status: 'PENDING',
};

/** Creation options in DSM's documented (nested) shape, with `alg: -7` as the emulator sends. */
export const nestedCreationOptions: Fido2CreationOptions = {
  rp: { name: 'Fortanix DSM', entity: { id: 'dsm.example' } },
  user: { name: 'ada@example.com', entity: { id: 'dXNlci1pZA', displayName: 'Ada' } },
  challenge: 'Y2hhbGxlbmdlLWJ5dGVz',
  pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
  timeout: 60_000,
  excludeCredentials: [{ type: 'public-key', id: 'Y3JlZC0x', transports: ['usb'] }],
  attestation: 'direct',
};

export const assertion = {
  id: 'Y3JlZC0x',
  type: 'public-key' as const,
  response: {
    clientDataJSON: 'eyJ0eXBlIjoid2ViYXV0aG4uZ2V0In0',
    authenticatorData: 'YXV0aC1kYXRh',
    signature: 'c2lnbmF0dXJl',
  },
};

export const attestation = {
  id: 'Y3JlZC0y',
  type: 'public-key' as const,
  response: {
    clientDataJSON: 'eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIn0',
    attestationObject: 'o2NmbXRoZmlkby11MmY',
  },
};
