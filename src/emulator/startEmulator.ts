/** `startEmulator`: the emulator served over HTTP on 127.0.0.1. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer, type HttpBindings } from '@hono/node-server';
import { buildEmulator, type EmulatorApp } from './app.js';
import { EmulatorPortInUseError } from './errors.js';
import type { EmulatorOptions } from './options.js';
import { resolveOptions } from './resolveOptions.js';
import { nodeFetchCallback } from './transport.js';

/** A running emulator: everything `EmulatorApp` has, plus its URL and `close()`. */
export interface RunningEmulator extends EmulatorApp {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  /**
   * Stops listening, destroys open connections (keep-alive and hanging ones) and releases
   * requests held by `hang` faults. Safe to call more than once.
   */
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

/**
 * Starts the emulator on 127.0.0.1 (`port` 0 picks a free port). Rejects with
 * `EmulatorOptionsError` for an invalid option, `EmulatorPortInUseError` when the port is taken,
 * or with any other listen error.
 */
export async function startEmulator(options?: EmulatorOptions): Promise<RunningEmulator> {
  const resolved = resolveOptions(options);
  const { emulator, hangs, setBaseUrl } = buildEmulator(resolved);
  const handle = nodeFetchCallback(emulator.app, hangs);
  const server = createAdaptorServer({
    fetch: (request, env) => handle(request, env as HttpBindings),
    hostname: HOST,
    // Leave the host process's global Request/Response alone: tests embed the emulator.
    overrideGlobalObjects: false,
  }) as Server;

  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new EmulatorPortInUseError(resolved.port, { cause: error })
          : error,
      );
    server.once('error', failed);
    server.listen(resolved.port, HOST, () => {
      server.off('error', failed);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${HOST}:${port}`;
  setBaseUrl(url);

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      hangs.releaseAll();
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };
  return Object.defineProperties(emulator as RunningEmulator, {
    url: { value: url, enumerable: true },
    port: { value: port, enumerable: true },
    close: { value: close, enumerable: true },
  });
}
