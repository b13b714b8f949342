/**
 * The part of `dsm-2fa-guard/emulator` that needs the emulator's own packages (hono,
 * @hono/node-server, @simplewebauthn/server). index.ts loads it with a dynamic import, so that
 * a missing package becomes an `EmulatorDependencyError` instead of a bare module-not-found.
 */
export { createEmulatorApp } from './app.js';
export { createSoftAuthenticator } from './softAuthenticator.js';
export { startEmulator } from './startEmulator.js';
