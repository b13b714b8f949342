/**
 * The size of a heavier randomized run (the scale-out's requests, say). The
 * local size keeps `npm test` short; with `FULL_RUNS=1` (`.ci/run` exports it) the run takes
 * its full size; `name` in the environment sets it exactly. Every check runs at either size.
 */
export function runSize(name: string, local: number, full: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return process.env.FULL_RUNS === '1' ? full : local;
  const size = Number(raw);
  if (!Number.isInteger(size) || size < 1) {
    throw new Error(`${name} must be a whole number, not ${raw}`);
  }
  return size;
}
