/**
 * A repository script (`src/emulator/cli.ts`, `examples/walkthrough.ts`, …) bundled by esbuild
 * for plain `node`, for tests that run it as a process. Running the TypeScript through tsx
 * costs each process about a second of CPU in transforms; the bundle starts in a fraction of
 * that. The code is the same: esbuild is what tsx compiles with, packages stay external and
 * resolve from node_modules, and source maps point at the repository's files.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cache = join(root, 'node_modules/.cache/dsm-2fa-guard/scripts');

export interface BundledScript {
  /** The bundle, to run as `node --enable-source-maps <file>`. */
  file: string;
  /** `node` arguments that run it: source maps on, so a stack names the repository's files. */
  argv: string[];
  remove(): Promise<void>;
}

/**
 * Bundles `entry` (a path from the repository's root). `import.meta.url` in the bundle is the
 * entry's own URL, so a module beside the entry (a Vite config finding its folder) still finds
 * its files; a module elsewhere in the bundle that reads `import.meta` is refused, since its
 * paths would be wrong.
 */
export async function bundleScript(entry: string): Promise<BundledScript> {
  await mkdir(cache, { recursive: true });
  const dir = await mkdtemp(join(cache, 'script-'));
  const file = join(dir, 'script.js');
  const entryPath = join(root, entry);
  try {
    const { metafile } = await build({
      absWorkingDir: root,
      entryPoints: { script: entryPath },
      outdir: dir,
      // A module imported dynamically stays a chunk of its own, loaded when imported, as it
      // is from source (the emulator reaches its optional peers that way).
      splitting: true,
      outExtension: { '.js': '.js' },
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: 'inline',
      define: { 'import.meta.url': JSON.stringify(pathToFileURL(entryPath).href) },
      metafile: true,
      logLevel: 'error',
    });
    for (const input of Object.keys(metafile.inputs)) {
      const path = join(root, input);
      if (dirname(path) === dirname(entryPath)) continue;
      if ((await readFile(path, 'utf8')).includes('import.meta')) {
        throw new Error(`${input} reads import.meta: bundled beside ${entry}, its paths break.`);
      }
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    file,
    argv: ['--enable-source-maps', file],
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
