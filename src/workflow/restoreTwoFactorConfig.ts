import { DEFAULT_AUTO_LOCK_MS } from '../../machines/twoFactorConfig.js';
import { TwoFactorConfig, type TwoFactorConfigOptions } from './createTwoFactorConfig.js';
import { InvalidSnapshotError } from './errors.js';
import { fromPersisted, type PersistedTwoFactorConfig } from './persistence.js';

/** `createTwoFactorConfig`'s options and a snapshot of `persist()` to resume from. */
export type RestoreTwoFactorConfigOptions = Omit<TwoFactorConfigOptions, 'snapshot'> & {
  /** What `persist()` returned, as an object or its JSON text. */
  snapshot: PersistedTwoFactorConfig | string;
};

/**
 * Resumes a 2FA-configuration workflow from a snapshot of `persist()`. The snapshot is checked
 * first: its format and version, its fields, its user, and with `snapshotKey` its signature;
 * a restore re-arms the auto-lock from the stored deadline and never grants more than one
 * window. A deadline that has passed restores to `locked`, or to `locking` while DSM may still
 * be unlocked. Throws `InvalidSnapshotError` (see its `reason`) for a snapshot it cannot
 * trust, and `InvalidInputError` for bad options.
 *
 * Its own function, not an option of `createTwoFactorConfig`: an app that never restores
 * does not bundle the checks.
 */
export function restoreTwoFactorConfig(options: RestoreTwoFactorConfigOptions): TwoFactorConfig {
  const { snapshot, ...rest } = options ?? ({} as RestoreTwoFactorConfigOptions);
  const restore = fromPersisted(snapshot, rest.userId, rest);
  // No honest snapshot's deadline is later than one window from now (the margin absorbs clock
  // skew between a back end's instances): believing one could show "unlocked" after DSM
  // locked. DSM's own lock (`serverLockBy`) only bounds how long a terminate is retried: a late
  // one, say after a wall clock stepped back, is capped by the chart instead. (A bad clock
  // or option is the constructor's to report.)
  const now = typeof rest.clock?.now === 'function' ? rest.clock.now() : Date.now();
  const window = typeof rest.autoLockMs === 'number' ? rest.autoLockMs : DEFAULT_AUTO_LOCK_MS;
  if ((restore?.deadline ?? 0) > now + window) {
    throw new InvalidSnapshotError(
      'The stored snapshot locks later than one window from now: a clock is wrong, or it was altered.',
      'unusable',
    );
  }
  return new TwoFactorConfig(rest, restore);
}
