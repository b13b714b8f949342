import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type ProxyOptions } from 'vite';

/** This folder: Vite's root for the page. */
export const webRoot = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * DSM's API, proxied to the emulator so the page talks to its own origin
 * (`http://localhost:<port>`): WebAuthn's rp id is `localhost`, and the emulator needs no CORS
 * (it sends none by default). The emulator's control surface is not proxied: the page does not
 * use it, and it stays behind its token.
 */
export function dsmProxy(emulatorUrl: string): Record<string, ProxyOptions> {
  return {
    '/sys/': { target: emulatorUrl, changeOrigin: true },
  };
}

export default defineConfig({
  root: webRoot,
  plugins: [react()],
  logLevel: 'warn',
  // The page imports the library straight from ../../src.
  server: { fs: { allow: [repoRoot] } },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1024 },
});
