import { useState } from 'react';
import { type ApprovalRequest, approveWithSecurityKey } from '../../../src/index.js';
import { useTwoFactorConfig } from '../../../src/react/index.js';
import { formatClock, messageOf } from './format.js';
import { useTabView } from './hooks.js';
import type { Session } from './session.js';

/** Why approving is off right now, or null when the security key may approve. */
function approveBlockedReason(
  state: string,
  elsewhereUntil: number | null | undefined,
  unlockedElsewhere: boolean,
): string | null {
  if (state === 'unlocked' || state === 'unlocking' || state === 'locking') {
    return 'Approving is off while the two-factor settings are unlocked: DSM keeps the security key in configuration mode. Lock the settings to approve.';
  }
  if (unlockedElsewhere) {
    return elsewhereUntil
      ? `Approving is off: the two-factor settings are unlocked in another tab (until ${formatClock(elsewhereUntil)}). Lock them there first.`
      : 'Approving is off until the other tab has finished locking.';
  }
  if (state === 'sessionExpired') return 'Sign in again to approve.';
  return null;
}

/**
 * Pending approval requests: approve with the security key, or deny. While this tab's settings
 * are unlocked, "Lock, then approve" locks them first (DSM frees the key) and then approves.
 */
export function Approvals({ session }: { session: Session }) {
  const { workflow, tabs } = session;
  const { state, deny, lockThenRun } = useTwoFactorConfig(workflow, { countdown: false });
  const others = useTabView(tabs);
  const [requests, setRequests] = useState<readonly ApprovalRequest[]>([]);
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const elsewhereUntil = others.others.find((t) => t.deadline !== null)?.deadline;
  const blocked = approveBlockedReason(state, elsewhereUntil, others.unlockedElsewhere);
  const locked = state === 'locked';
  const approve = (requestId: string) => approveWithSecurityKey(workflow, requestId, { tabs });

  const replace = (updated: ApprovalRequest) =>
    setRequests((list) => list.map((r) => (r.request_id === updated.request_id ? updated : r)));

  const act = async (requestId: string, action: () => Promise<ApprovalRequest>) => {
    setPending(requestId);
    setError(null);
    try {
      replace(await action());
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setPending(null);
    }
  };

  const requestOne = async () => {
    setError(null);
    try {
      const created = await session.dsm.createApprovalRequest(
        `Export the key "payments-signing" (#${requests.length + 1})`,
      );
      setRequests((list) => [...list, created]);
    } catch (failure) {
      setError(messageOf(failure));
    }
  };

  return (
    <section className="panel" aria-labelledby="approvals-title">
      <h2 id="approvals-title">Approvals</h2>
      {blocked && (
        <p className="note" data-testid="approve-blocked">
          {blocked}
        </p>
      )}
      <ul className="approvals" data-testid="approvals">
        {requests.length === 0 && <li className="hint">No approval request yet.</li>}
        {requests.map((request) => (
          <li key={request.request_id} data-testid="approval" data-status={request.status}>
            <span className="approval-text">
              {request.description ?? request.operation}{' '}
              <span className={`badge badge-${request.status.toLowerCase()}`}>
                {request.status}
              </span>
            </span>
            {request.status === 'PENDING' && (
              <span className="row">
                <button
                  type="button"
                  disabled={blocked !== null || pending !== null}
                  title={blocked ?? undefined}
                  onClick={() => act(request.request_id, () => approve(request.request_id))}
                >
                  Approve with security key
                </button>
                {state === 'unlocked' && !others.unlockedElsewhere && (
                  <button
                    type="button"
                    className="secondary"
                    disabled={pending !== null}
                    onClick={() =>
                      act(request.request_id, () => lockThenRun(() => approve(request.request_id)))
                    }
                  >
                    Lock, then approve
                  </button>
                )}
                <button
                  type="button"
                  disabled={!locked || pending !== null}
                  onClick={() =>
                    act(request.request_id, () => deny(request.request_id, 'Not expected'))
                  }
                >
                  Deny
                </button>
              </span>
            )}
          </li>
        ))}
      </ul>
      <button type="button" className="secondary" onClick={requestOne}>
        New demo approval request
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
