/**
 * Proof that a test left nothing behind: open handles (sockets, servers, real timers), fake
 * timers still pending, and promises of the code under test that never settled.
 */
import { fileURLToPath } from 'node:url';

/** Node's active resources, counted by kind (`TCPSocketWrap`, `TCPServerWrap`, `Timeout`…). */
export type ResourceCounts = Record<string, number>;

/** The kinds that a leaked server, connection or real timer shows up as. */
export const LEAK_KINDS = ['TCPSocketWrap', 'TCPServerWrap', 'Timeout', 'PipeWrap', 'ProcessWrap'];

export function activeResources(): ResourceCounts {
  const counts: ResourceCounts = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/** The kinds of which there are more now than in `before`, with how many more. */
export function newResources(before: ResourceCounts, after = activeResources()): ResourceCounts {
  const grown: ResourceCounts = {};
  for (const kind of LEAK_KINDS) {
    const extra = (after[kind] ?? 0) - (before[kind] ?? 0);
    if (extra > 0) grown[kind] = extra;
  }
  return grown;
}

/**
 * Waits (event-loop turns, never the clock) for closed sockets to finish closing, then returns
 * what is still open beyond `before`: `{}` when nothing leaked.
 */
export async function leakedResources(
  before: ResourceCounts,
  rounds = 200,
): Promise<ResourceCounts> {
  let grown = newResources(before);
  for (let i = 0; i < rounds && Object.keys(grown).length > 0; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    grown = newResources(before);
  }
  return grown;
}

/** Records the promises a test got from the code under test, to prove they all settled. */
export class PromiseTracker {
  #pending = new Set<Promise<unknown>>();
  #count = 0;

  /** Returns `promise` unchanged; it counts as pending until it settles. */
  track<T>(promise: Promise<T>): Promise<T> {
    this.#count += 1;
    this.#pending.add(promise);
    const done = () => this.#pending.delete(promise);
    promise.then(done, done);
    return promise;
  }

  /** Promises tracked so far. */
  get tracked(): number {
    return this.#count;
  }

  /** Promises that have not settled yet (after the microtasks queued so far have run). */
  async unsettled(): Promise<number> {
    await new Promise((resolve) => setImmediate(resolve));
    return this.#pending.size;
  }
}

/** A promise's outcome, read without awaiting it. */
export type Outcome<T> =
  | { status: 'pending' }
  | { status: 'fulfilled'; value: T }
  | { status: 'rejected'; reason: unknown };

export function observe<T>(promise: Promise<T>): { readonly current: Outcome<T> } {
  const box: { current: Outcome<T> } = { current: { status: 'pending' } };
  promise.then(
    (value) => {
      box.current = { status: 'fulfilled', value };
    },
    (reason: unknown) => {
      box.current = { status: 'rejected', reason };
    },
  );
  return box;
}

const projectRoot = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
/** A stack frame in this project's own code (not node_modules, not Node's internals). */
const projectSource = new RegExp(
  `${projectRoot.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/(src|machines)/`,
);

/** Timers still pending that this project's code created, each named by where it was set. */
export interface TimerWatch {
  pending(): string[];
  /** Puts the watched `setTimeout`/`clearTimeout` back. Call before `vi.useRealTimers()`. */
  stop(): void;
}

/**
 * Watches `setTimeout` (fake or real, whichever is installed now) and keeps the timers whose
 * creation stack passes through this project's `src/` or `machines/`. `vi.getTimerCount()`
 * alone cannot tell them apart from undici's keep-alive timers and the HTTP server's own.
 */
export function watchTimers(origin: RegExp = projectSource): TimerWatch {
  const { setTimeout: set, clearTimeout: clear } = globalThis;
  // The Error is cheap to make; its stack is formatted only for timers still pending at the end.
  const live = new Map<unknown, { ms: number | undefined; at: Error }>();
  const watched = ((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const at = new Error('timer');
    const id: unknown = set(() => {
      live.delete(id);
      callback(...args);
    }, ms);
    live.set(id, { ms, at });
    return id;
  }) as typeof globalThis.setTimeout;
  globalThis.setTimeout = watched;
  globalThis.clearTimeout = ((id: Parameters<typeof clearTimeout>[0]) => {
    live.delete(id);
    clear(id);
  }) as typeof globalThis.clearTimeout;
  return {
    pending: () =>
      [...live.values()].flatMap(({ ms, at }) => {
        const frame = at.stack
          ?.split('\n')
          .slice(2)
          .find((line) => origin.test(line));
        return frame ? [`${ms} ms from ${frame.trim()}`] : [];
      }),
    stop: () => {
      globalThis.setTimeout = set;
      globalThis.clearTimeout = clear;
    },
  };
}
