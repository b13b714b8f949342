/**
 * How many runs a model-based property test makes. The local default keeps `npm test` fast;
 * CI raises it with `PROPERTY_RUNS` (`.ci/run` exports it), and `FC_RUNS` (older, per
 * invocation) still sets it exactly. A failure prints its seed and path whatever the count:
 * replay it with `FC_SEED` and `FC_PATH`.
 */
export function propertyRuns(localDefault: number): number {
  const raw = process.env.FC_RUNS ?? process.env.PROPERTY_RUNS;
  if (raw === undefined || raw === '') return localDefault;
  const runs = Number(raw);
  if (!Number.isInteger(runs) || runs < 1) {
    throw new Error(`PROPERTY_RUNS (or FC_RUNS) must be a whole number of runs, not ${raw}`);
  }
  return runs;
}
