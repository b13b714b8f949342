import { useEffect, useState } from 'react';
import { messageOf } from './format.js';
import { useLockState } from './hooks.js';
import type { Session } from './session.js';

/**
 * Regenerates the recovery codes and shows them once: they are kept only until the user
 * dismisses them or the settings lock, and never stored.
 */
export function RecoveryCodes({ session }: { session: Session }) {
  const { workflow } = session;
  const { state } = useLockState(workflow);
  const [codes, setCodes] = useState<readonly string[] | null>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const unlocked = state === 'unlocked';

  useEffect(() => {
    if (!unlocked) setCodes(null);
  }, [unlocked]);

  const regenerate = async () => {
    setPending(true);
    setError(null);
    try {
      setCodes(await workflow.generateRecoveryCodes());
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setPending(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="codes-title">
      <h2 id="codes-title">Recovery codes</h2>
      {codes ? (
        <div data-testid="recovery-codes">
          <p className="warning">
            Save these now: they are shown only once, and each works once. The old codes no longer
            work.
          </p>
          <ol className="codes">
            {codes.map((code) => (
              <li key={code}>
                <code>{code}</code>
              </li>
            ))}
          </ol>
          <button type="button" onClick={() => setCodes(null)}>
            I have saved them
          </button>
        </div>
      ) : (
        <button type="button" disabled={!unlocked || pending} onClick={regenerate}>
          Regenerate recovery codes
        </button>
      )}
      {!unlocked && !codes && <p className="hint">Unlock the two-factor settings first.</p>}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
