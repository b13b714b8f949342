import { readFileSync, writeFileSync } from 'node:fs';

const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

/**
 * Puts the bench table into the README between its markers, so the Performance section is
 * what `npm run bench -- --readme` measured, never typed by hand.
 */
export function writeReadmeTable(readmePath: string, markdown: string): void {
  const text = readFileSync(readmePath, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start === -1 || end < start) {
    throw new Error(`${readmePath} has no ${START} … ${END} markers for the bench table.`);
  }
  const block = `${START}\n${markdown.trim()}\n${END}`;
  writeFileSync(readmePath, text.slice(0, start) + block + text.slice(end + END.length));
}
