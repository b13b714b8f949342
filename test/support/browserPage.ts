import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, preview } from 'vite';
import { dsmProxy, webRoot } from '../../examples/web/vite.config.js';

export interface ServedPage {
  /** `http://localhost:<port>/`: WebAuthn's rp id is `localhost`, so not 127.0.0.1. */
  url: string;
  close(): Promise<void>;
}

/**
 * The example page, built once with Vite into a temp dir and served by Vite's preview server
 * on 127.0.0.1 (a free port), with DSM's API proxied to `emulatorUrl`.
 */
export async function serveExamplePage(emulatorUrl: string): Promise<ServedPage> {
  const outDir = await mkdtemp(join(tmpdir(), 'dsm-2fa-guard-web-'));
  const configFile = `${webRoot}vite.config.ts`;
  try {
    await build({ configFile, build: { outDir, emptyOutDir: true }, logLevel: 'error' });
    const server = await preview({
      configFile,
      build: { outDir },
      preview: { host: '127.0.0.1', port: 0, strictPort: true, proxy: dsmProxy(emulatorUrl) },
      logLevel: 'error',
    });
    const address = server.httpServer.address();
    if (typeof address !== 'object' || !address) throw new Error('The preview server has no port.');
    return {
      url: `http://localhost:${address.port}/`,
      close: async () => {
        await server.close();
        await rm(outDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(outDir, { recursive: true, force: true });
    throw error;
  }
}
