/**
 * `npm run bench`: every figure of docs/performance.md (issue 12's table and the rows that
 * explain it), measured in one run on this machine, printed as a table and written to
 * test-results/bench.md and bench.json. `npm run bench -- --quick` is a smoke run of the same
 * code paths with fewer iterations; `-- --only=heap` runs the scenarios whose title contains
 * `heap`; `-- --readme` also writes the table into docs/performance.md between its
 * `<!-- bench:start -->` and `<!-- bench:end -->` markers (a full run only; the flag keeps its
 * old name).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleSize } from './scenarios/bundleSize.js';
import { concurrent } from './scenarios/concurrent.js';
import { eventRate } from './scenarios/eventRate.js';
import { fullCycleScenario } from './scenarios/fullCycle.js';
import { heap } from './scenarios/heap.js';
import { overheadParts } from './scenarios/overheadParts.js';
import { refusedOperation } from './scenarios/refusedOperation.js';
import { machineInfo } from './support/machineInfo.js';
import { Progress } from './support/progress.js';
import { writeBenchTable } from './support/readme.js';
import { type BenchReport, toMarkdown, writeReport } from './support/report.js';
import type { ResultRow, Scenario } from './support/results.js';

// Issue 12's rows in its order, then two that explain them: where a cycle's overhead goes, and
// 10 000 workflows at once.
const scenarios: Scenario[] = [
  refusedOperation,
  eventRate,
  fullCycleScenario(0),
  fullCycleScenario(5),
  bundleSize,
  heap,
  overheadParts,
  concurrent,
];

const quick = process.argv.includes('--quick');
// `--only=heap`: the scenarios whose title contains the word, for working on one of them.
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
const selected = only ? scenarios.filter((s) => s.title.includes(only)) : scenarios;
const outDir = fileURLToPath(new URL('../../test-results', import.meta.url));
const progress = new Progress();
const machine = machineInfo();
process.stderr.write(
  `dsm-2fa-guard bench${quick ? ' (quick)' : ''}: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}\n`,
);

const started = performance.now();
const rows: ResultRow[] = [];
const data: Record<string, unknown> = {};
for (const [index, scenario] of selected.entries()) {
  progress.start(index + 1, selected.length, scenario.title);
  const result = await scenario.run(progress, { quick });
  rows.push(...result.rows);
  Object.assign(data, result.data);
}

const report: BenchReport = {
  machine,
  date: new Date().toISOString(),
  wallSeconds: (performance.now() - started) / 1000,
  quick,
  rows,
  data,
};
const files = writeReport(outDir, report);
process.stdout.write(`\n${toMarkdown(report)}\n`);
process.stderr.write(`Written: ${files.markdown}, ${files.json}\n`);
if (process.argv.includes('--readme')) {
  if (quick || only) throw new Error('--readme takes a full run: drop --quick and --only.');
  const page = fileURLToPath(new URL('../../docs/performance.md', import.meta.url));
  writeBenchTable(page, readFileSync(files.markdown, 'utf8'));
  process.stderr.write(`Written: the table of ${page}\n`);
}
const missed = rows.filter((row) => row.met === false).map((row) => row.measure);
if (missed.length > 0) process.stderr.write(`Goals not met: ${missed.length}\n`);
