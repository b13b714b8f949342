/**
 * The README's runnable snippets: each follows a marker `<!-- snippet:NAME … -->` and is the
 * first ```ts block after it. They are run as written; only their imports are mapped, the way
 * the package's `exports` map `dsm-2fa-guard/*` (to the sources here instead of `dist/`).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('../../', import.meta.url);
const source = (path: string) => fileURLToPath(new URL(path, root));

const PACKAGE_IMPORTS: Record<string, string> = {
  'dsm-2fa-guard': source('src/index.ts'),
  'dsm-2fa-guard/emulator': source('src/emulator/index.ts'),
  'dsm-2fa-guard/machine': source('machines/index.ts'),
  'dsm-2fa-guard/store': source('src/store/index.ts'),
  'dsm-2fa-guard/testing': source('src/testing/index.ts'),
};

/** The first ```ts block after `<!-- snippet:NAME`. */
export function readmeSnippet(name: string): string {
  const readme = readFileSync(new URL('README.md', root), 'utf8');
  const at = readme.indexOf(`<!-- snippet:${name} `);
  if (at === -1) throw new Error(`README.md has no <!-- snippet:${name} … --> marker.`);
  const fence = /```ts\n([\s\S]*?)\n```/.exec(readme.slice(at));
  if (!fence?.[1]) throw new Error(`README.md has no \`\`\`ts block after the ${name} marker.`);
  return fence[1];
}

/**
 * Writes the snippet, imports mapped, as a module inside the repository (under the git-ignored
 * test-results/, so that `vitest` and the sources resolve from it) and returns its path.
 * `local` maps the snippet's own relative imports (`./settingsPage.js`) to files of the tests.
 */
export function writeSnippetModule(name: string, local: Record<string, string> = {}): string {
  const imports: Record<string, string> = { ...PACKAGE_IMPORTS };
  for (const [specifier, path] of Object.entries(local)) imports[specifier] = source(path);
  const code = readmeSnippet(name).replace(/from '([^']+)'/g, (whole, specifier: string) =>
    imports[specifier] ? `from '${imports[specifier]}'` : whole,
  );
  const dir = new URL(`test-results/readme-snippets-${process.pid}/`, root);
  mkdirSync(dir, { recursive: true });
  const file = new URL(`${name}.ts`, dir);
  writeFileSync(file, code);
  return fileURLToPath(file);
}
