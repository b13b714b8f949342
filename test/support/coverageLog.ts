/**
 * What the model tests print about coverage. A green run prints one line per machine (from the
 * test that gates it); `COVERAGE_DETAIL=1` (or `TEST_DETAIL=1`) prints every transition never
 * taken and state never reached as well, and the informational coverage of the HTTP paths. A gate that fails names
 * what is missing in its own assertion, whatever this says.
 */
import type { MachineCoverage } from '../../src/testing/machineCoverage.js';
import { testDetail } from './detail.js';

export const coverageDetail = process.env.COVERAGE_DETAIL === '1' || testDetail;

/** The coverage a gating test reached: one line, or all of it with COVERAGE_DETAIL=1. */
export function logCoverage(coverage: MachineCoverage): void {
  console.log(coverageDetail ? coverage.format() : coverage.summary());
}

/** Coverage that gates nothing: printed only with COVERAGE_DETAIL=1. */
export function logCoverageDetail(title: string, coverage: MachineCoverage): void {
  if (coverageDetail) console.log(`${title}:\n${coverage.format()}`);
}
