import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { FORBIDDEN_INPUTS } from './budgets.js';

/** The import an app writes; `dsm-2fa-guard` resolves to this checkout's `src/index.ts`. */
export const BUNDLE_ENTRY =
  "import { createTwoFactorConfig } from 'dsm-2fa-guard';\nexport { createTwoFactorConfig };\n";

const root = fileURLToPath(new URL('../../..', import.meta.url));

export interface BundleSizes {
  /** The whole bundle, every dependency included. */
  minBytes: number;
  gzipBytes: number;
  /** The same bundle with every package left external: the library's own code. */
  ownMinBytes: number;
  ownGzipBytes: number;
  /** Minified bytes of the whole bundle, by package or by folder of this repo. */
  minBytesBySource: Record<string, number>;
  /** Forbidden inputs or `node:` imports found in the bundle's metafile (should be none). */
  leaks: string[];
  /** Imports the whole bundle leaves unresolved (should be none: every dependency is in it). */
  externalImports: string[];
}

async function bundle(packagesExternal: boolean) {
  const result = await build({
    absWorkingDir: root,
    stdin: { contents: BUNDLE_ENTRY, resolveDir: root, loader: 'ts', sourcefile: 'entry.ts' },
    alias: { 'dsm-2fa-guard': './src/index.ts' },
    bundle: true,
    minify: true,
    treeShaking: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    // Kept external so that a leak shows up in the metafile instead of failing the build.
    external: ['node:*'],
    ...(packagesExternal && { packages: 'external' as const }),
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  const output = Object.values(result.metafile.outputs)[0]!;
  return { code, metafile: result.metafile, output };
}

/** `node_modules/@scope/name/…` → `@scope/name`; `src/workflow/x.ts` → `src/workflow`. */
function sourceOf(path: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
  if (pkg) return pkg[1]!;
  const parts = path.split('/');
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

function findLeaks(metafile: Metafile): string[] {
  const leaks: string[] = [];
  for (const [path, input] of Object.entries(metafile.inputs)) {
    for (const forbidden of FORBIDDEN_INPUTS) {
      if (forbidden.pattern.test(path)) leaks.push(`${forbidden.name}: ${path}`);
    }
    for (const imported of input.imports) {
      if (imported.path.startsWith('node:')) leaks.push(`${imported.path} imported by ${path}`);
    }
  }
  return leaks;
}

/**
 * Bundles `import { createTwoFactorConfig } from 'dsm-2fa-guard'` for a browser the way an app's
 * bundler would (esbuild, minified, tree-shaken, every dependency included) and measures it.
 */
export async function measureBrowserBundle(): Promise<BundleSizes> {
  const [whole, own] = await Promise.all([bundle(false), bundle(true)]);
  const minBytesBySource: Record<string, number> = {};
  for (const [path, input] of Object.entries(whole.output.inputs)) {
    if (input.bytesInOutput === 0) continue;
    const source = sourceOf(path);
    minBytesBySource[source] = (minBytesBySource[source] ?? 0) + input.bytesInOutput;
  }
  return {
    minBytes: whole.code.byteLength,
    gzipBytes: gzipSync(whole.code, { level: 9 }).byteLength,
    ownMinBytes: own.code.byteLength,
    ownGzipBytes: gzipSync(own.code, { level: 9 }).byteLength,
    minBytesBySource,
    leaks: findLeaks(whole.metafile),
    externalImports: whole.output.imports.map((imported) => imported.path),
  };
}
