/**
 * The size of a heavier randomized run: property runs, the scale-out's requests. The local size
 * keeps `npm test` short; with `FULL_RUNS=1` (`.ci/run` exports it) the run takes its full size;
 * the first of `names` set in the environment gives the size exactly. Every check runs at
 * either size. A failure prints its seed whatever the size: replay it with that seed.
 */
export function runSize(names: string | readonly string[], local: number, full: number): number {
  for (const name of typeof names === 'string' ? [names] : names) {
    const raw = process.env[name];
    if (raw === undefined || raw === '') continue;
    const size = Number(raw);
    if (!Number.isInteger(size) || size < 1) {
      throw new Error(`${name} must be a whole number, not ${raw}`);
    }
    return size;
  }
  return process.env.FULL_RUNS === '1' ? full : local;
}

/** Runs per model-based property test: `FC_RUNS` (per invocation) or `PROPERTY_RUNS`; 1000 in full. */
export const propertyRuns = (local: number): number =>
  runSize(['FC_RUNS', 'PROPERTY_RUNS'], local, 1_000);
