import type { Progress } from './progress.js';

/** One line of the results table. Ratios are the library's cost ÷ the baseline's (1× = same). */
export interface ResultRow {
  measure: string;
  /** The library's figure. */
  library: string;
  /** The baseline's figure, named (`raw fetch: 1.2 ms`), or `—`. */
  baseline: string;
  ratio: string;
  /** The goal, or `—`. */
  goal: string;
  /** Whether the goal is met; null when there is none. */
  met: boolean | null;
}

export interface ScenarioResult {
  rows: ResultRow[];
  /** The raw figures, for bench.json. */
  data: Record<string, unknown>;
}

export interface ScenarioOptions {
  /** A short smoke run (`npm run bench -- --quick`): fewer iterations, same code paths. */
  quick: boolean;
}

export interface Scenario {
  title: string;
  run(progress: Progress, options: ScenarioOptions): Promise<ScenarioResult>;
}

export function formatRatio(ratio: number): string {
  return `${ratio.toFixed(2)}×`;
}

export function formatMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  return ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(2)} ms`;
}

export function formatUs(us: number): string {
  return `${us.toFixed(us >= 10 ? 1 : 2)} µs`;
}

export function formatKb(bytes: number): string {
  return `${(bytes / 1000).toFixed(2)} kB`;
}

export function formatRate(perSecond: number): string {
  return perSecond >= 10_000 ? `${(perSecond / 1000).toFixed(0)} k/s` : `${perSecond.toFixed(0)}/s`;
}
