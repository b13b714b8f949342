export {
  type ActorDependencies,
  createTwoFactorConfigActors,
  type OperationInputs,
} from './actors.js';
export { attachBrowserLifecycle, type LifecycleTarget } from './browser.js';
export { type Clock, MAX_TIMER_MS, systemClock, withLongTimers } from './clock.js';
export {
  createTwoFactorConfig,
  stateNameOf,
  TwoFactorConfig,
  type TwoFactorConfigActor,
  type TwoFactorConfigEventOf,
  type TwoFactorConfigEventType,
  type TwoFactorConfigOptions,
  type TwoFactorConfigView,
} from './createTwoFactorConfig.js';
export * from './errors.js';
export {
  fromPersisted,
  type PersistedTwoFactorConfig,
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
  toPersisted,
} from './persistence.js';
export {
  type RestoreTwoFactorConfigOptions,
  restoreTwoFactorConfig,
} from './restoreTwoFactorConfig.js';
