/**
 * The emulator in a process of its own, as DSM is on a machine of its own: the library's work
 * and the server's do not share one event loop, and each gets a core. Started by
 * `startEmulatorProcess()` (emulatorClient.ts); answers its requests over the IPC channel.
 */
import { createDsmClient } from '../../../src/client/index.js';
import { DEMO_USER, startEmulator } from '../../../src/emulator/index.js';
import type { EmulatorRequest, EmulatorResponse } from './emulatorProtocol.js';

// No wrong password is ever sent, but no rate limit can interfere either.
const emulator = await startEmulator({ rateLimit: false });
const inProcess = createDsmClient({ baseUrl: emulator.url, fetch: emulator.fetch });
const tokens: string[] = [];

async function handle(request: EmulatorRequest): Promise<EmulatorResponse> {
  switch (request.type) {
    case 'openSessions': {
      const sessions = [];
      for (let i = 0; i < request.count; i++) {
        const auth = await inProcess.authenticate({
          email: DEMO_USER.email,
          password: DEMO_USER.password,
        });
        const token = auth.accessToken.reveal();
        tokens.push(token);
        sessions.push({ token, userId: auth.entityId });
      }
      return { id: request.id, type: 'sessions', sessions };
    }
    case 'latency':
      emulator.clearFaults();
      if (request.ms > 0)
        emulator.injectFault({ kind: 'latency', ms: request.ms, times: Infinity });
      return { id: request.id, type: 'ok' };
    case 'unlockedCount': {
      const count = tokens.filter((token) => emulator.lockState(token).unlocked).length;
      return { id: request.id, type: 'count', count };
    }
  }
}

process.on('message', (request: EmulatorRequest) => {
  handle(request).then(
    (response) => process.send?.(response),
    (error: unknown) =>
      process.send?.({ id: request.id, type: 'error', message: String((error as Error).message) }),
  );
});
process.on('disconnect', () => {
  void emulator.close().then(() => process.exit(0));
});
process.send?.({ id: 0, type: 'ready', url: emulator.url } satisfies EmulatorResponse);
