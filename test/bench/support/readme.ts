import { readFileSync, writeFileSync } from 'node:fs';

const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

/**
 * Puts the bench table into docs/performance.md between its markers, so the page shows what
 * `npm run bench -- --readme` measured, never typed by hand. (The README links to that page.)
 */
export function writeBenchTable(pagePath: string, markdown: string): void {
  const text = readFileSync(pagePath, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start === -1 || end < start) {
    throw new Error(`${pagePath} has no ${START} … ${END} markers for the bench table.`);
  }
  const block = `${START}\n${markdown.trim()}\n${END}`;
  writeFileSync(pagePath, text.slice(0, start) + block + text.slice(end + END.length));
}
