import { DEFAULT_AUTO_LOCK_MS } from '../../machines/twoFactorConfig.js';
import { TwoFactorConfig, type TwoFactorConfigOptions } from './createTwoFactorConfig.js';
import { InvalidSnapshotError } from './errors.js';
import { fromPersisted, type PersistedTwoFactorConfig } from './persistence.js';

/** `createTwoFactorConfig`'s options and a snapshot of `persist()` to resume from. */
export type RestoreTwoFactorConfigOptions = Omit<TwoFactorConfigOptions, 'snapshot'> & {
  snapshot: PersistedTwoFactorConfig | string;
};

/**
 * Resumes a workflow from a checked snapshot of `persist()`, re-arming the auto-lock from the
 * stored deadline (never more than one window); past it, `locked`, or `locking` while DSM may
 * still be unlocked. Throws `InvalidSnapshotError` for a snapshot it cannot trust. Not an
 * option of `createTwoFactorConfig`, so an app that never restores does not bundle the checks.
 */
export function restoreTwoFactorConfig(options: RestoreTwoFactorConfigOptions): TwoFactorConfig {
  const { snapshot, ...rest } = options ?? ({} as RestoreTwoFactorConfigOptions);
  const restore = fromPersisted(snapshot, rest.userId, rest);
  // No honest deadline is later than one window from now (the margin absorbs clock skew between
  // a back end's instances): believing one could show "unlocked" after DSM locked. (The chart caps a late `serverLockBy`; the constructor reports bad options.)
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
