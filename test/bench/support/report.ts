import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MachineInfo } from './machineInfo.js';
import type { ResultRow } from './results.js';

export interface BenchReport {
  machine: MachineInfo;
  date: string;
  wallSeconds: number;
  quick: boolean;
  rows: ResultRow[];
  data: Record<string, unknown>;
}

function goalCell(row: ResultRow): string {
  if (row.met === null) return row.goal;
  return `${row.goal}: ${row.met ? 'met' : '**not met**'}`;
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|');
}

/** The results table in Markdown, with the machine it ran on and how to reproduce it. */
export function toMarkdown(report: BenchReport): string {
  const { machine } = report;
  const header = [
    '| measure | dsm-2fa-guard | baseline | ratio | goal |',
    '| --- | --- | --- | --- | --- |',
  ];
  const lines = report.rows.map(
    (row) =>
      `| ${[row.measure, row.library, row.baseline, row.ratio, goalCell(row)].map(escapeCell).join(' | ')} |`,
  );
  return [
    ...header,
    ...lines,
    '',
    `Measured by \`npm run bench${report.quick ? ' -- --quick' : ''}\`` +
      `${report.quick ? ' (a smoke run: too few iterations to quote)' : ''} on ${report.date.slice(0, 10)}: ` +
      `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}, ` +
      `${machine.platform}, xstate ${machine.xstate}; load average ${machine.loadAverage} at the start; ` +
      `${report.wallSeconds.toFixed(0)} s in all.`,
    'Ratios are the library’s cost ÷ the baseline’s (events per second: the library’s rate ÷ the ' +
      'bare actor’s, as issue 12 states it; bundle sizes: the size ÷ the bar), each pair measured in the same run (interleaved where ' +
      'both are timed); absolute figures vary from machine to machine and run to run. Goals: issue ' +
      '12’s bar, and its goal beyond; “met” is against the bar.',
    'Reproduce: `npm ci && npm run bench` (writes `test-results/bench.md` and `bench.json`).',
    '',
  ].join('\n');
}

/** Writes `bench.md` and `bench.json` into `dir` (created if missing). */
export function writeReport(dir: string, report: BenchReport): { markdown: string; json: string } {
  mkdirSync(dir, { recursive: true });
  const markdown = join(dir, 'bench.md');
  const json = join(dir, 'bench.json');
  writeFileSync(markdown, toMarkdown(report));
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  return { markdown, json };
}
