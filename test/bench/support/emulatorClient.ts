import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EmulatorRequest, EmulatorResponse } from './emulatorProtocol.js';

const entry = fileURLToPath(new URL('./emulatorProcess.ts', import.meta.url));

/** The emulator process, seen from the bench. */
export interface EmulatorProcess {
  url: string;
  /** Signs the demo user in `count` times (inside the emulator process, not timed). */
  openSessions(count: number): Promise<Array<{ token: string; userId: string }>>;
  /** Adds `ms` of latency to every DSM request from now on (0: none). */
  setLatency(ms: number): Promise<void>;
  /** How many of the sessions opened so far the server holds unlocked: its truth. */
  unlockedCount(): Promise<number>;
  close(): Promise<void>;
}

type Pending = (response: EmulatorResponse) => void;
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** Starts `emulatorProcess.ts` under tsx and waits until it listens. */
export function startEmulatorProcess(): Promise<EmulatorProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', entry], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, Pending>();
  let nextId = 1;
  const ask = (request: WithoutId<EmulatorRequest>): Promise<EmulatorResponse> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, (response) =>
        response.type === 'error' ? reject(new Error(response.message)) : resolve(response),
      );
      child.send({ ...request, id });
    });

  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`The emulator process exited with ${code}.`)));
    child.on('message', (response: EmulatorResponse) => {
      if (response.type === 'ready') {
        resolve({
          url: response.url,
          async openSessions(count) {
            const answer = await ask({ type: 'openSessions', count });
            return answer.type === 'sessions' ? answer.sessions : [];
          },
          async setLatency(ms) {
            await ask({ type: 'latency', ms });
          },
          async unlockedCount() {
            const answer = await ask({ type: 'unlockedCount' });
            return answer.type === 'count' ? answer.count : Number.NaN;
          },
          close: () =>
            new Promise<void>((done) => {
              child.removeAllListeners('exit');
              child.once('exit', () => done());
              child.disconnect();
            }),
        });
        return;
      }
      pending.get(response.id)?.(response);
      pending.delete(response.id);
    });
  });
}
