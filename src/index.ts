export type {
  AuditEvent,
  LockReason,
  OperationKind,
  RefusalCode,
  TwoFactorConfigEmitted,
  TwoFactorConfigStateName,
} from '../machines/twoFactorConfig.types.js';
export * from './client/index.js';
export * from './signIn/index.js';
export * from './tabs/index.js';
export * from './webauthn/index.js';
export * from './workflow/index.js';
