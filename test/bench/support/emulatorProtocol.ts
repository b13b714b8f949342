/** What the bench asks the emulator process (emulatorProcess.ts), and what it answers. */
export type EmulatorRequest =
  | { id: number; type: 'openSessions'; count: number }
  | { id: number; type: 'latency'; ms: number }
  | { id: number; type: 'unlockedCount' };

export type EmulatorResponse =
  | { id: 0; type: 'ready'; url: string }
  | { id: number; type: 'sessions'; sessions: Array<{ token: string; userId: string }> }
  | { id: number; type: 'count'; count: number }
  | { id: number; type: 'ok' }
  | { id: number; type: 'error'; message: string };
