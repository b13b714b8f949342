export type {
  AuditEvent,
  LockReason,
  OperationKind,
  RefusalCode,
  TwoFactorConfigEmitted,
  TwoFactorConfigStateName,
} from '../machines/twoFactorConfig.types.js';
export * from './client/index.js';
export type { SnapshotRefusalReason } from './persistence/openSnapshot.js';
export {
  createSnapshotKey,
  MIN_SNAPSHOT_KEY_BYTES,
  type SnapshotKeyMaterial,
  type SnapshotKeyMaterials,
} from './persistence/seal.js';
export type { SnapshotKey, SnapshotKeys } from './persistence/signer.js';
export * from './signIn/index.js';
export * from './tabs/index.js';
export * from './webauthn/index.js';
export * from './workflow/index.js';
