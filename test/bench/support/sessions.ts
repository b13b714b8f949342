import type { DsmClient } from '../../../src/client/types.js';

export interface Session {
  /** A client carrying the session. */
  client: DsmClient;
  /** The bearer token, for the raw-fetch baseline. Never printed. */
  token: string;
  userId: string;
}

/** A session opened by the emulator process, with a client for it built on `base`. */
export function toSession(base: DsmClient, opened: { token: string; userId: string }): Session {
  return { client: base.withToken(opened.token), token: opened.token, userId: opened.userId };
}
