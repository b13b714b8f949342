/**
 * The fault matrix as data: every DSM operation the workflow sends (rows) × every fault the
 * emulator injects (columns), and the rule that says what the caller must see, where the
 * workflow must end and what DSM must believe. The test file only runs the product of the two.
 */
import type { TwoFactorConfigStateName } from '../../machines/twoFactorConfig.types.js';
import { dsmOperations, type OperationId } from '../../src/client/operations.js';
import type { WorkflowTestbed } from '../../src/testing/index.js';

export type OperationRole = 'unlock' | 'refresh' | 'terminate' | 'config' | 'approval';

export interface OperationRow {
  operationId: OperationId;
  role: OperationRole;
  /** Carries the password: a 401 is then a wrong password or an expired session (Refresh). */
  carriesPassword?: boolean;
  /**
   * Sets the scene (the testbed registers a security key for approval rows) and returns the
   * workflow call that sends the operation.
   */
  prepare(testbed: WorkflowTestbed): Promise<() => Promise<unknown>>;
}

async function unlocked(testbed: WorkflowTestbed): Promise<void> {
  const unlocking = testbed.workflow.unlock(testbed.password);
  await testbed.settle(unlocking);
  await unlocking;
}

/** Seeds an approval request for the user (who has a security key: the testbed's). */
function approvalScene(testbed: WorkflowTestbed, proof: 'fido2' | 'password'): string {
  return testbed.emulator.createApprovalRequest({
    reviewerEmail: testbed.email,
    requires2fa: proof === 'fido2',
    requiresPassword: proof === 'password',
  });
}

export const OPERATIONS: readonly OperationRow[] = [
  {
    operationId: 'Config2faAuth',
    role: 'unlock',
    prepare: async (testbed) => () => testbed.workflow.unlock(testbed.password),
  },
  {
    operationId: 'Refresh',
    role: 'refresh',
    // Only a 401 on Config2faAuth makes the workflow ask Refresh.
    prepare: async (testbed) => () => testbed.workflow.unlock('not the password'),
  },
  {
    operationId: 'Config2faTerminate',
    role: 'terminate',
    prepare: async (testbed) => {
      await unlocked(testbed);
      return () => testbed.workflow.lock();
    },
  },
  {
    operationId: 'MfaNewChallenge',
    role: 'config',
    prepare: async (testbed) => {
      await unlocked(testbed);
      return () => testbed.workflow.newDeviceChallenge();
    },
  },
  {
    operationId: 'UpdateUser',
    role: 'config',
    prepare: async (testbed) => {
      await unlocked(testbed);
      // The challenge from a client of no workflow on the same session (checked by no
      // invariant): the workflow under the fault sends UpdateUser and nothing before it.
      const challenge = await testbed.client.mfaNewChallenge();
      const attestation = await testbed.authenticator.createCredential(challenge);
      return () => testbed.workflow.addDevice('Desk key', attestation);
    },
  },
  {
    operationId: 'GenerateRecoveryCodes',
    role: 'config',
    prepare: async (testbed) => {
      await unlocked(testbed);
      return () => testbed.workflow.generateRecoveryCodes();
    },
  },
  {
    operationId: 'MfaChallenge',
    role: 'approval',
    prepare: async (testbed) => {
      const requestId = approvalScene(testbed, 'fido2');
      return () => testbed.workflow.approvalChallenge(requestId);
    },
  },
  {
    operationId: 'ApproveRequest',
    role: 'approval',
    carriesPassword: true,
    prepare: async (testbed) => {
      const requestId = approvalScene(testbed, 'password');
      return () => testbed.workflow.approve(requestId, { password: testbed.password });
    },
  },
  {
    operationId: 'DenyRequest',
    role: 'approval',
    prepare: async (testbed) => {
      const requestId = approvalScene(testbed, 'password');
      return () => testbed.workflow.deny(requestId, 'not me');
    },
  },
];

/** How one attempt of the operation fails (`null`: it succeeds) under a fault. */
type AttemptResult = string | null;

export interface FaultColumn {
  name: string;
  /** Arms the fault for every request of `operationId` until the test ends (awaited). */
  arm(testbed: WorkflowTestbed, operationId: string): unknown;
  /** What the client makes of one answer, by whether DSM documents a body. */
  attempt(noBody: boolean): AttemptResult;
  /** DSM's state changed before the answer was lost (phase `after`). */
  applied?: boolean;
  /** The HTTP status of the typed error, if any. */
  status?: number;
}

const every = { times: Number.POSITIVE_INFINITY };
const jsonOnly = (code: string) => (noBody: boolean) => (noBody ? null : code);

export const FAULTS: readonly FaultColumn[] = [
  {
    name: 'connection refused (emulator drops before DSM runs)',
    arm: (testbed, operationId) =>
      testbed.emulator.injectFault({ kind: 'refused', match: { operationId }, ...every }),
    attempt: () => 'NETWORK',
  },
  {
    name: 'connection refused (nothing listens: ECONNREFUSED)',
    arm: (testbed, operationId) => testbed.unreachable(operationId),
    attempt: () => 'NETWORK',
  },
  {
    name: 'connection dropped after DSM acted',
    arm: (testbed, operationId) =>
      testbed.emulator.injectFault({
        kind: 'drop',
        phase: 'after',
        match: { operationId },
        ...every,
      }),
    attempt: () => 'NETWORK',
    applied: true,
  },
  {
    name: 'reset mid-response',
    arm: (testbed, operationId) =>
      testbed.emulator.injectFault({ kind: 'reset', match: { operationId }, ...every }),
    // Even a 204 is cut: the emulator promises a body it never sends.
    attempt: () => 'NETWORK',
    applied: true,
  },
  {
    name: 'hang past the timeout',
    arm: (testbed, operationId) =>
      testbed.emulator.injectFault({ kind: 'hang', match: { operationId }, ...every }),
    attempt: () => 'TIMEOUT',
  },
  ...[500, 502, 503].map(
    (status): FaultColumn => ({
      name: `HTTP ${status}`,
      arm: (testbed, operationId) =>
        testbed.emulator.injectFault({ kind: 'status', status, match: { operationId }, ...every }),
      attempt: () => 'HTTP_ERROR',
      status,
    }),
  ),
  {
    name: 'HTTP 429 with Retry-After',
    arm: (testbed, operationId) =>
      testbed.emulator.injectFault({
        kind: 'status',
        status: 429,
        retryAfterS: 1,
        match: { operationId },
        ...every,
      }),
    attempt: () => 'RATE_LIMITED',
    status: 429,
  },
  {
    name: 'HTTP 401 on this operation only',
    arm: (testbed, operationId) =>
      testbed.emulator.injectFault({
        kind: 'status',
        status: 401,
        match: { operationId },
        ...every,
      }),
    attempt: () => 'UNAUTHORIZED',
    status: 401,
  },
  {
    name: 'the session expired (401 on every call)',
    arm: (testbed) => {
      testbed.emulator.expireSession(testbed.token);
    },
    attempt: () => 'UNAUTHORIZED',
    status: 401,
  },
  {
    name: 'malformed JSON',
    arm: (testbed, operationId) =>
      testbed.emulator.injectFault({ kind: 'malformed', match: { operationId }, ...every }),
    attempt: jsonOnly('INVALID_RESPONSE'),
  },
  {
    name: 'wrong content type',
    arm: (testbed, operationId) =>
      testbed.emulator.injectFault({ kind: 'wrongContentType', match: { operationId }, ...every }),
    attempt: jsonOnly('INVALID_RESPONSE'),
    applied: true,
  },
  {
    name: 'oversized body (8 MiB)',
    // The emulator's default 8 MiB: over the client's 4 MiB cap, refused unread.
    arm: (testbed, operationId) =>
      testbed.emulator.injectFault({ kind: 'oversized', match: { operationId }, ...every }),
    attempt: jsonOnly('INVALID_RESPONSE'),
  },
];

export interface Expected {
  /** The `code` the caller's promise rejects with; null when it resolves. */
  code: string | null;
  state: TwoFactorConfigStateName;
  /** DSM's lock for this session when the call has settled; `any` when it cannot be known. */
  serverUnlocked: boolean | 'any';
}

/** The rule of the matrix: what each operation's caller sees under each fault. */
export function expectedOutcome(row: OperationRow, fault: FaultColumn): Expected {
  // DSM documents a 204 (no body) as the operation's success.
  const attempt = fault.attempt(dsmOperations[row.operationId].response === null);
  const sessionGone = attempt === 'UNAUTHORIZED';
  const expiredEverywhere = fault.name.startsWith('the session expired');
  switch (row.role) {
    case 'config':
      return {
        code: attempt,
        state: sessionGone ? 'sessionExpired' : 'unlocked',
        // An injected 401 leaves DSM's session, and its unlock, alive.
        serverUnlocked: !expiredEverywhere,
      };
    case 'approval':
      if (sessionGone && row.carriesPassword && !expiredEverywhere) {
        return { code: 'WRONG_PASSWORD', state: 'locked', serverUnlocked: false };
      }
      if (sessionGone && row.carriesPassword) {
        return { code: 'SESSION_EXPIRED', state: 'sessionExpired', serverUnlocked: false };
      }
      return {
        code: attempt,
        state: sessionGone ? 'sessionExpired' : 'locked',
        serverUnlocked: false,
      };
    case 'unlock':
      if (attempt === null) return { code: null, state: 'unlocked', serverUnlocked: true };
      if (attempt === 'UNAUTHORIZED') {
        // Refresh tells: alive means a wrong password; 401 means the session expired.
        return expiredEverywhere
          ? { code: 'SESSION_EXPIRED', state: 'sessionExpired', serverUnlocked: false }
          : { code: 'WRONG_PASSWORD', state: 'locked', serverUnlocked: false };
      }
      // Whatever happened on the wire, `locked` must mean that DSM is locked.
      return { code: attempt, state: 'locked', serverUnlocked: false };
    case 'refresh':
      if (attempt === null)
        return { code: 'WRONG_PASSWORD', state: 'locked', serverUnlocked: false };
      if (attempt === 'UNAUTHORIZED') {
        return { code: 'SESSION_EXPIRED', state: 'sessionExpired', serverUnlocked: false };
      }
      return { code: attempt, state: 'locked', serverUnlocked: false };
    case 'terminate':
      // lock() always ends: DSM answers, says the session is gone, or locks by itself.
      if (sessionGone) {
        return {
          code: null,
          state: 'sessionExpired',
          serverUnlocked: expiredEverywhere ? false : 'any',
        };
      }
      // A 2xx that DSM never sent (a proxy's page) is believed for a 204 operation, by design
      // (test/client/requests.test.ts): then only DSM's own ten minutes lock it. See SECURITY.md.
      return {
        code: null,
        state: 'locked',
        serverUnlocked: attempt === null && !fault.applied ? 'any' : false,
      };
  }
}
