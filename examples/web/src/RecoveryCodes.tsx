import { useEffect, useState } from 'react';
import { useTwoFactorConfig } from '../../../src/react/index.js';
import { messageOf } from './format.js';
import type { Session } from './session.js';

/**
 * Regenerates the recovery codes and shows them once: they are kept only until the user
 * dismisses them or the settings lock, and never stored. While locked, the button asks for the
 * password first (the page's password dialog), then regenerates.
 */
export function RecoveryCodes({ session }: { session: Session }) {
  const { state, generateRecoveryCodes } = useTwoFactorConfig(session.workflow, {
    countdown: false,
  });
  const [codes, setCodes] = useState<readonly string[] | null>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const unlocked = state === 'unlocked';
  const usable = state === 'unlocked' || state === 'locked';

  useEffect(() => {
    if (!unlocked && !pending) setCodes(null);
  }, [unlocked, pending]);

  const regenerate = async () => {
    setPending(true);
    setError(null);
    try {
      setCodes(await generateRecoveryCodes());
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
        <button type="button" disabled={!usable || pending} onClick={regenerate}>
          Regenerate recovery codes
        </button>
      )}
      {!unlocked && !codes && (
        <p className="hint">The page asks for your password first, and unlocks the settings.</p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
