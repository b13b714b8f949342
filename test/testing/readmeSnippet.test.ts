/**
 * The README's model-testing snippet, taken from README.md as it is and run against a minimal
 * page (readmeSnippet/settingsPage.ts): every path it generates is a test of this suite.
 */
import { describe } from 'vitest';
import { writeSnippetModule } from '../examples/readmeSnippets.js';

describe('the README model-testing snippet, run as written against a minimal page', async () => {
  const file = writeSnippetModule('model-testing', {
    './settingsPage.js': 'test/testing/readmeSnippet/settingsPage.ts',
  });
  // Its `it`s, hooks and top-level `await` run in this suite.
  await import(file);
});
