// Module resolution hooks: the emulator's peers cannot be found, as when they are not installed.
const HIDDEN = /^(hono|@hono\/node-server|@simplewebauthn\/server)(\/|$)/;

export async function resolve(specifier, context, nextResolve) {
  const hidden = specifier.match(HIDDEN);
  if (hidden) {
    const error = new Error(
      `Cannot find package '${hidden[1]}' imported from ${context.parentURL ?? 'the entry'}`,
    );
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  return nextResolve(specifier, context);
}
