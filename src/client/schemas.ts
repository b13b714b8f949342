// Schemas from DSM's OpenAPI document (openapi/): requests strict, responses open to new fields.
export * from './schemas/approval.js';
export * from './schemas/common.js';
export * from './schemas/fido2.js';
export * from './schemas/session.js';
export * from './schemas/user.js';
