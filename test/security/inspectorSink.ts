/**
 * A WebSocket server on 127.0.0.1 (port 0) standing in for the Stately inspector: it records
 * every message the inspector client sends, exactly as it crossed the wire.
 *
 * Why not `createInspectorServer` from `@statelyai/inspect/server`: it listens on every
 * interface (no host option), cannot report the port it got for 0, and opens a browser by
 * default. It relays the same bytes, so what this sink receives is what the inspector shows.
 */
import { WebSocketServer } from 'ws';

export interface InspectorSink {
  url: string;
  readonly messages: readonly string[];
  /** Waits (event-loop turns, bounded by real time) until `predicate` holds for a message. */
  until(predicate: (message: string) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startInspectorSink(): Promise<InspectorSink> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as { port: number };
  const messages: string[] = [];
  server.on('connection', (socket) => {
    socket.on('message', (data) => messages.push(String(data)));
  });
  return {
    url: `ws://127.0.0.1:${port}`,
    messages,
    async until(predicate, timeoutMs = 5_000) {
      const giveUpAt = performance.now() + timeoutMs;
      while (!messages.some(predicate)) {
        if (performance.now() > giveUpAt) throw new Error('the inspector never sent it');
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}
