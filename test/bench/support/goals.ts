import { formatKb, formatRatio } from './results.js';

/** A bar of issue 12's table: `at most` or `at least` the value, with its goal beyond. */
export interface Bar {
  direction: '≤' | '≥';
  value: number;
  beyond: number | null;
  unit: 'ratio' | 'bytes';
}

const at = (direction: Bar['direction'], unit: Bar['unit'], value: number, beyond: number | null) =>
  ({ direction, value, beyond, unit }) satisfies Bar;

/**
 * The bars of issue 12 ("A thin, fast core"), one per row of its table, and the goals beyond
 * them. A row is `met` when its figure reaches the bar. The bundle sizes CI enforces in
 * `npm test` are the budgets in `test/bench/bundle/budgets.ts`, printed beside these.
 */
export const BARS = {
  refusedOperation: at('≤', 'ratio', 5, 2),
  /** Throughput: controller ÷ bare actor, so higher is better. */
  eventRate: at('≥', 'ratio', 0.8, 0.95),
  fullCycleLoopback: at('≤', 'ratio', 1.5, 1.1),
  fullCycleLatency5ms: at('≤', 'ratio', 1.05, null),
  ownGzip: at('≤', 'bytes', 5_000, 4_000),
  totalGzip: at('≤', 'bytes', 22_000, 18_000),
  heap: at('≤', 'ratio', 1.25, 1.15),
} as const;

function show(bar: Bar, value: number): string {
  return `${bar.direction} ${bar.unit === 'bytes' ? formatKb(value) : formatRatio(value)}`;
}

/** The goal cell of a row (`≤ 5.00× (beyond: ≤ 2.00×)`) and whether `figure` meets the bar. */
export function goalOf(bar: Bar, figure: number): { goal: string; met: boolean } {
  const beyond = bar.beyond === null ? '' : ` (beyond: ${show(bar, bar.beyond)})`;
  const met = bar.direction === '≤' ? figure <= bar.value : figure >= bar.value;
  return { goal: `${show(bar, bar.value)}${beyond}`, met };
}
