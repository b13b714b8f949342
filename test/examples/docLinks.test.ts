/**
 * The README's links work on the npm registry (absolute, into the repository) and, like the
 * links of the pages in docs/, name files and headings that exist.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const REPOSITORY =
  /^https:\/\/(?:github\.com\/dsm-2fa-guard\/dsm-2fa-guard\/blob|raw\.githubusercontent\.com\/dsm-2fa-guard\/dsm-2fa-guard)\/main\/(.+)$/;

const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const exists = (path: string) => existsSync(fileURLToPath(new URL(path, root)));

/** The targets of the Markdown links and images in `text`, outside code. */
function linkTargets(text: string): string[] {
  const prose = text.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] ?? '');
}

/** GitHub's anchors for a Markdown file's headings. */
function anchorsOf(text: string): Set<string> {
  const headings = text.replace(/```[\s\S]*?```/g, '').matchAll(/^#+ (.+)$/gm);
  return new Set(
    [...headings].map((match) =>
      (match[1] ?? '')
        .toLowerCase()
        .replace(/[^\w\s-]/g, '')
        .replace(/\s/g, '-'),
    ),
  );
}

/** A link of `from` as `{ file, anchor }` in the repository, or null when it leads outside. */
function resolve(from: string, target: string): { file: string; anchor?: string } | null {
  const repository = REPOSITORY.exec(target)?.[1];
  if (!repository && /^[a-z]+:/.test(target)) return null;
  const [path = '', anchor] = (repository ?? target).split('#');
  const file = repository ? path : path ? posix.join(posix.dirname(from), path) : from;
  return anchor === undefined ? { file } : { file, anchor };
}

const pages = ['README.md', ...readdirSync(new URL('docs/', root)).map((name) => `docs/${name}`)];

describe('links in the README and docs/', () => {
  it('the README links only absolutely or to its own headings, so they work on the registry', () => {
    for (const target of linkTargets(read('README.md'))) {
      expect(target, target).toMatch(/^(https:\/\/|#)/);
    }
  });

  it.each(pages)('%s links to files and headings that exist', (page) => {
    for (const target of linkTargets(read(page))) {
      const link = resolve(page, target);
      if (!link) continue;
      expect(exists(link.file), `${page}: ${target}`).toBe(true);
      if (link.anchor && link.file.endsWith('.md') && exists(link.file)) {
        expect(anchorsOf(read(link.file)).has(link.anchor), `${page}: ${target}`).toBe(true);
      }
    }
  });
});
