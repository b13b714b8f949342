import { type FormEvent, useEffect, useState } from 'react';
import { type MfaDevice, registerSecurityKey } from '../../../src/index.js';
import { useTwoFactorConfig } from '../../../src/react/index.js';
import { messageOf } from './format.js';
import type { Session } from './session.js';

/**
 * The user's security keys: list (any time), add, rename and remove. Changes need the settings
 * unlocked: while locked, the page's password dialog asks first, then the change runs.
 */
export function SecurityKeys({ session }: { session: Session }) {
  const { workflow } = session;
  const { state, renameDevice, removeDevice } = useTwoFactorConfig(workflow, { countdown: false });
  const [devices, setDevices] = useState<readonly MfaDevice[]>([]);
  const [newName, setNewName] = useState('');
  const [renaming, setRenaming] = useState<{ from: string; to: string } | null>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const usable = state === 'unlocked' || state === 'locked';

  useEffect(() => {
    session.dsm
      .getUser()
      .then((user) => setDevices(user.mfa_devices))
      .catch((failure: unknown) => setError(messageOf(failure)));
  }, [session]);

  const run = async (change: () => Promise<{ mfa_devices: MfaDevice[] }>) => {
    setPending(true);
    setError(null);
    try {
      setDevices((await change()).mfa_devices);
      return true;
    } catch (failure) {
      setError(messageOf(failure));
      return false;
    } finally {
      setPending(false);
    }
  };

  const add = async (event: FormEvent) => {
    event.preventDefault();
    if (await run(() => registerSecurityKey(workflow, newName.trim()))) setNewName('');
  };
  const rename = async (event: FormEvent) => {
    event.preventDefault();
    if (!renaming) return;
    if (await run(() => renameDevice(renaming.from, renaming.to.trim()))) setRenaming(null);
  };

  return (
    <section className="panel" aria-labelledby="keys-title">
      <h2 id="keys-title">Security keys</h2>
      {state !== 'unlocked' && (
        <p className="hint">Adding, renaming or removing a key asks for your password first.</p>
      )}
      <ul className="devices" data-testid="devices">
        {devices.length === 0 && <li className="hint">No security key yet.</li>}
        {devices.map((device) => (
          <li key={device.name} data-testid="device">
            {renaming?.from === device.name ? (
              <form className="row" onSubmit={rename}>
                <input
                  aria-label={`New name for ${device.name}`}
                  name="device-name"
                  autoComplete="off"
                  value={renaming.to}
                  onChange={(e) => setRenaming({ from: device.name, to: e.target.value })}
                />
                <button type="submit" disabled={!usable || pending}>
                  Save
                </button>
                <button type="button" onClick={() => setRenaming(null)}>
                  Cancel
                </button>
              </form>
            ) : (
              <>
                <span className="device-name">{device.name}</span>
                <button
                  type="button"
                  disabled={!usable || pending}
                  onClick={() => setRenaming({ from: device.name, to: device.name })}
                >
                  Rename
                </button>
                <button
                  type="button"
                  disabled={!usable || pending}
                  onClick={() => run(() => removeDevice(device.name))}
                >
                  Remove
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
      <form className="row" onSubmit={add}>
        <label>
          Name{' '}
          <input
            name="new-device-name"
            autoComplete="off"
            value={newName}
            onChange={(e) => setNewName(e.target.value)}
            placeholder="e.g. YubiKey 5"
            disabled={!usable}
          />
        </label>
        <button type="submit" disabled={!usable || pending || newName.trim() === ''}>
          Add a security key
        </button>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
