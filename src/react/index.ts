// `dsm-2fa-guard/react`: hooks for the workflow, its password dialog, and sign-in.
// Needs react (18 or later) and nothing else; the stores below work without React too.
export { announceInEnglish, type LockMilestone } from './announcements.js';
export { LiveAnnouncement } from './LiveAnnouncement.js';
export { lockThenRun } from './lockThenRun.js';
export {
  createPasswordPrompt,
  createPrompt,
  type PasswordPrompt,
  type Prompt,
  type PromptView,
} from './prompt.js';
export {
  type SignInStatus,
  type SignInStore,
  signInStoreOf,
  watchSignIn,
} from './signInStore.js';
export {
  type TwoFactorConfigStatus,
  type TwoFactorConfigStore,
  type TwoFactorConfigStoreOptions,
  twoFactorConfigStoreOf,
  watchTwoFactorConfig,
} from './twoFactorConfigStore.js';
export { type PasswordPromptState, usePasswordPrompt } from './usePasswordPrompt.js';
export { usePrompt } from './usePrompt.js';
export {
  type SignInOperations,
  type SignInState,
  type UseSignInOptions,
  useSignIn,
} from './useSignIn.js';
export {
  type TwoFactorConfigOperations,
  type TwoFactorConfigState,
  type UseTwoFactorConfigOptions,
  useTwoFactorConfig,
} from './useTwoFactorConfig.js';
