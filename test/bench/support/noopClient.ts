import type { DsmClient } from '../../../src/client/types.js';

const done = () => Promise.resolve();
const unexpected = () => Promise.reject(new Error('Not used by the benchmark.'));

/**
 * A DSM client that does no I/O: unlock and terminate succeed at once, recovery codes come
 * back at once. One instance is shared by every workflow, so it costs nothing per workflow.
 */
export const noopClient: DsmClient = {
  baseUrl: 'https://dsm.invalid/',
  hasCredentials: true,
  withToken: () => noopClient,
  authenticate: unexpected,
  config2faAuth: done,
  config2faTerminate: done,
  mfaNewChallenge: unexpected,
  updateUser: unexpected,
  getUser: unexpected,
  generateRecoveryCodes: () => Promise.resolve({ recovery_codes: ['bench-code'] }),
  createApprovalRequest: unexpected,
  getApprovalRequest: unexpected,
  mfaChallenge: unexpected,
  approveRequest: unexpected,
  denyRequest: unexpected,
  completeFido2Auth: done,
  recoveryCodeAuth: done,
  refresh: done,
  terminate: done,
};
