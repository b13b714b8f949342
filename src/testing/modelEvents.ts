/**
 * The sample events the path generators try in every model state. Every operation kind is
 * tried with DSM's ordinary answer; the failures are tried on one kind each, which is enough to
 * reach every transition without multiplying the paths.
 */
import { APPROVAL_OPERATIONS, CONFIG_OPERATIONS } from '../../machines/twoFactorConfig.types.js';
import type { WorkflowModelEvent } from './workflowModel.js';

export const workflowModelEvents: readonly WorkflowModelEvent[] = [
  { type: 'UNLOCK', answer: 'ok' },
  { type: 'UNLOCK', answer: 'wrongPassword' },
  { type: 'UNLOCK', answer: 'networkError' },
  { type: 'UNLOCK', answer: 'serverError' },
  { type: 'UNLOCK', answer: 'sessionExpired' },
  { type: 'LOCK', answer: 'ok' },
  { type: 'LOCK', answer: 'retried' },
  ...CONFIG_OPERATIONS.map((kind) => ({ type: 'CONFIG_OP' as const, kind, answer: 'ok' as const })),
  { type: 'CONFIG_OP', kind: 'generateRecoveryCodes', answer: 'serverError' },
  { type: 'CONFIG_OP', kind: 'generateRecoveryCodes', answer: 'configLocked' },
  { type: 'CONFIG_OP', kind: 'generateRecoveryCodes', answer: 'sessionExpired' },
  ...APPROVAL_OPERATIONS.map((kind) => ({
    type: 'APPROVAL_OP' as const,
    kind,
    answer: 'ok' as const,
  })),
  { type: 'APPROVAL_OP', kind: 'approvalChallenge', answer: 'configUnlocked' },
  { type: 'APPROVAL_OP', kind: 'approvalChallenge', answer: 'sessionExpired' },
  { type: 'WAIT_FOR_WARNING' },
  { type: 'WAIT_FOR_AUTO_LOCK' },
  { type: 'NAP' },
  { type: 'SLEEP' },
  { type: 'WAKE' },
  { type: 'RENEW_SESSION' },
];
