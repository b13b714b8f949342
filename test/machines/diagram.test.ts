import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { twoFactorConfigMachine } from '../../machines/twoFactorConfig.js';
import { toMermaid } from '../support/mermaid.js';

const readme = new URL('../../README.md', import.meta.url);
const START = '<!-- diagram:twoFactorConfig:start -->';
const END = '<!-- diagram:twoFactorConfig:end -->';

describe('the README state diagram', () => {
  it('is the one generated from twoFactorConfigMachine (UPDATE_DIAGRAM=1 rewrites it)', () => {
    const text = readFileSync(readme, 'utf8');
    const start = text.indexOf(START);
    const end = text.indexOf(END);
    expect(start, 'README has the diagram markers').toBeGreaterThan(-1);
    const block = `${START}\n\`\`\`mermaid\n${toMermaid(twoFactorConfigMachine)}\n\`\`\`\n${END}`;
    const current = text.slice(start, end + END.length);
    if (process.env.UPDATE_DIAGRAM === '1' && current !== block) {
      writeFileSync(readme, text.replace(current, block));
      return;
    }
    expect(current).toBe(block);
  });
});
