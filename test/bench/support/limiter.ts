/**
 * Runs at most `limit` tasks at once; the others wait their turn, in order. What a back end
 * puts in front of a shared resource (here: sockets) instead of opening one per user.
 */
export function createLimiter(limit: number) {
  let active = 0;
  const waiting: Array<() => void> = [];
  let head = 0;

  const acquire = (): Promise<void> | undefined => {
    if (active < limit) {
      active++;
      return undefined;
    }
    return new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = () => {
    if (head === waiting.length) {
      active--;
      return;
    }
    const next = waiting[head]!;
    waiting[head++] = () => {};
    if (head > 4096 && head * 2 > waiting.length) {
      waiting.splice(0, head);
      head = 0;
    }
    next(); // the slot passes straight to the next in line
  };

  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      await acquire();
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}

/** A `fetch` that reports each request's time from sending to its response headers. */
export function timedFetch(onWire: (ms: number) => void): typeof fetch {
  return async (input, init) => {
    const started = performance.now();
    try {
      return await fetch(input, init);
    } finally {
      onWire(performance.now() - started);
    }
  };
}
