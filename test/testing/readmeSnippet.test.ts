/**
 * The README's model-testing snippet, taken from README.md as it is and run against a minimal
 * page (readmeSnippet/settingsPage.ts). Only its imports are mapped, as the package's
 * `exports` map them: `dsm-2fa-guard/*` to the sources, `./settingsPage.js` to that page.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

const root = new URL('../../', import.meta.url);
const MARKER = '<!-- snippet:model-testing (run by test/testing/readmeSnippet.test.ts) -->';

/** The first ```ts block after the marker. */
function extractSnippet(markdown: string): string {
  const at = markdown.indexOf(MARKER);
  if (at === -1) throw new Error(`README.md has no ${MARKER} marker.`);
  const fence = /```ts\n([\s\S]*?)\n```/.exec(markdown.slice(at));
  if (!fence?.[1]) throw new Error('README.md has no ```ts block after the model-testing marker.');
  return fence[1];
}

const IMPORTS: Record<string, string> = {
  'dsm-2fa-guard/emulator': fileURLToPath(new URL('src/emulator/index.ts', root)),
  'dsm-2fa-guard/testing': fileURLToPath(new URL('src/testing/index.ts', root)),
  'dsm-2fa-guard': fileURLToPath(new URL('src/index.ts', root)),
  './settingsPage.js': fileURLToPath(new URL('test/testing/readmeSnippet/settingsPage.ts', root)),
};

function mapImports(code: string): string {
  return code.replace(/from '([^']+)'/g, (whole, specifier: string) =>
    IMPORTS[specifier] ? `from '${IMPORTS[specifier]}'` : whole,
  );
}

describe('the README model-testing snippet, run verbatim against a minimal page', async () => {
  const snippet = extractSnippet(readFileSync(new URL('README.md', root), 'utf8'));
  // Inside the repository (git-ignored), so that `vitest` and the sources resolve from it.
  const dir = new URL(`test-results/readme-snippet-${process.pid}/`, root);
  mkdirSync(dir, { recursive: true });
  const file = new URL('modelTesting.ts', dir);
  writeFileSync(file, mapImports(snippet));
  // Its `it`s, hooks and top-level `await` run in this suite.
  await import(fileURLToPath(file));
});
