/**
 * Loads runtime.ts, turning "Cannot find package 'hono'" (the emulator's packages are optional
 * peer dependencies of dsm-2fa-guard) into an `EmulatorDependencyError` that says what to install.
 */
import { EMULATOR_PEER_DEPENDENCIES, EmulatorDependencyError } from './errors.js';

type Runtime = typeof import('./runtime.js');

/** The peer a module-not-found error is about, if it is one of the emulator's. */
function missingPeer(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return undefined;
  const name = error.message.match(/Cannot find (?:package|module) '([^']+)'/)?.[1];
  return EMULATOR_PEER_DEPENDENCIES.find(
    (peer) =>
      name === peer || name?.startsWith(`${peer}/`) || name?.includes(`/node_modules/${peer}/`),
  );
}

/**
 * Imports the emulator's runtime. Rejects with `EmulatorDependencyError` when one of its
 * packages is not installed; any other error is passed on. `load` is for tests.
 */
export async function loadEmulatorRuntime(
  load: () => Promise<Runtime> = () => import('./runtime.js'),
): Promise<Runtime> {
  try {
    return await load();
  } catch (error) {
    const peer = missingPeer(error);
    if (peer) throw new EmulatorDependencyError(peer, { cause: error });
    throw error;
  }
}
