export * from './twoFactorConfig.js';
export * from './twoFactorConfig.types.js';
