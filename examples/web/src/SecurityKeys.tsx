import { type FormEvent, useEffect, useState } from 'react';
import { type MfaDevice, registerSecurityKey } from '../../../src/index.js';
import { messageOf } from './format.js';
import { useLockState } from './hooks.js';
import type { Session } from './session.js';

/** The user's security keys: list (any time), add, rename and remove (while unlocked). */
export function SecurityKeys({ session }: { session: Session }) {
  const { workflow } = session;
  const { state } = useLockState(workflow);
  const [devices, setDevices] = useState<readonly MfaDevice[]>([]);
  const [newName, setNewName] = useState('');
  const [renaming, setRenaming] = useState<{ from: string; to: string } | null>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const unlocked = state === 'unlocked';

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
    if (await run(() => workflow.renameDevice(renaming.from, renaming.to.trim())))
      setRenaming(null);
  };

  return (
    <section className="panel" aria-labelledby="keys-title">
      <h2 id="keys-title">Security keys</h2>
      {!unlocked && (
        <p className="hint">Unlock the two-factor settings to add, rename or remove a key.</p>
      )}
      <ul className="devices" data-testid="devices">
        {devices.length === 0 && <li className="hint">No security key yet.</li>}
        {devices.map((device) => (
          <li key={device.name} data-testid="device">
            {renaming?.from === device.name ? (
              <form className="row" onSubmit={rename}>
                <input
                  aria-label={`New name for ${device.name}`}
                  value={renaming.to}
                  onChange={(e) => setRenaming({ from: device.name, to: e.target.value })}
                />
                <button type="submit" disabled={!unlocked || pending}>
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
                  disabled={!unlocked || pending}
                  onClick={() => setRenaming({ from: device.name, to: device.name })}
                >
                  Rename
                </button>
                <button
                  type="button"
                  disabled={!unlocked || pending}
                  onClick={() => run(() => workflow.removeDevice(device.name))}
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
            value={newName}
            onChange={(e) => setNewName(e.target.value)}
            placeholder="e.g. YubiKey 5"
            disabled={!unlocked}
          />
        </label>
        <button type="submit" disabled={!unlocked || pending || newName.trim() === ''}>
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
