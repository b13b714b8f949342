export * from './signIn.js';
export * from './signIn.types.js';
export * from './twoFactorConfig.js';
export * from './twoFactorConfig.types.js';
