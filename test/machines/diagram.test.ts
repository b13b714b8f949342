import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AnyStateMachine } from 'xstate';
import { signInMachine } from '../../machines/signIn.js';
import { twoFactorConfigMachine } from '../../machines/twoFactorConfig.js';
import { toMermaid } from '../support/mermaid.js';

/** The diagrams live in the statecharts page of the docs. */
const doc = new URL('../../docs/statecharts.md', import.meta.url);
const markers = (name: string) => ({
  START: `<!-- diagram:${name}:start -->`,
  END: `<!-- diagram:${name}:end -->`,
});

/** The generated block, markers included, as docs/statecharts.md must hold it. */
function diagramBlock(name: string, machine: AnyStateMachine): string {
  const { START, END } = markers(name);
  return `${START}\n\`\`\`mermaid\n${toMermaid(machine)}\n\`\`\`\n${END}`;
}

/** Compares the page's block with the generated one; UPDATE_DIAGRAM=1 rewrites it. */
function checkDiagram(name: string, machine: AnyStateMachine): void {
  const { START, END } = markers(name);
  const text = readFileSync(doc, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  expect(start, `docs/statecharts.md has the ${name} diagram markers`).toBeGreaterThan(-1);
  expect(end, `the ${name} end marker follows its start`).toBeGreaterThan(start);
  const block = diagramBlock(name, machine);
  const current = text.slice(start, end + END.length);
  if (process.env.UPDATE_DIAGRAM === '1' && current !== block) {
    writeFileSync(doc, text.replace(current, block));
    return;
  }
  expect(current).toBe(block);
}

describe('the state diagrams in docs/statecharts.md', () => {
  it('is the one generated from twoFactorConfigMachine (UPDATE_DIAGRAM=1 rewrites it)', () => {
    checkDiagram('twoFactorConfig', twoFactorConfigMachine);
  });

  it('is the one generated from signInMachine (UPDATE_DIAGRAM=1 rewrites it)', (context) => {
    const { START, END } = markers('signIn');
    const text = readFileSync(doc, 'utf8');
    context.skip(
      !text.includes(START) && !text.includes(END),
      `docs/statecharts.md has no ${START} / ${END} markers yet: the sign-in diagram is not checked until they are added.`,
    );
    checkDiagram('signIn', signInMachine);
  });
});
