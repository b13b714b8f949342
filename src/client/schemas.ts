// Schemas for DSM's 2FA, session and approval operations, derived from DSM's OpenAPI document
// (openapi/dsm-2fa-openapi.json in this repository). Requests are checked strictly before they are
// sent; responses may carry fields DSM adds later (DSM asks clients to ignore them).
export * from './schemas/approval.js';
export * from './schemas/common.js';
export * from './schemas/fido2.js';
export * from './schemas/session.js';
export * from './schemas/user.js';
