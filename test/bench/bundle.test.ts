import { describe, expect, it } from 'vitest';
import { logDetail } from '../support/detail.js';
import { BUNDLE_BUDGETS } from './bundle/budgets.js';
import { type BundleSizes, measureBrowserBundle } from './bundle/measureBundle.js';

const kB = (bytes: number) => `${(bytes / 1000).toFixed(2)} kB`;

describe('browser bundle budget: import { createTwoFactorConfig } from dsm-2fa-guard', () => {
  let sizes: BundleSizes;

  it('bundles for a browser with every dependency and nothing left external', async () => {
    sizes = await measureBrowserBundle();
    const bySource = Object.entries(sizes.minBytesBySource)
      .sort(([, a], [, b]) => b - a)
      .map(([source, bytes]) => `${source} ${kB(bytes)}`)
      .join(', ');
    // The breakdown is printed when asked (TEST_DETAIL=1) or when a budget below will fail.
    const over =
      sizes.gzipBytes > BUNDLE_BUDGETS.totalGzip ||
      sizes.ownGzipBytes > BUNDLE_BUDGETS.ownGzipCeiling;
    (over ? console.info : logDetail)(
      `bundle: ${kB(sizes.gzipBytes)} min+gzip (budget ${kB(BUNDLE_BUDGETS.totalGzip)}), ` +
        `${kB(sizes.minBytes)} min; own code ${kB(sizes.ownGzipBytes)} min+gzip (${sizes.ownGzipBytes} B) ` +
        `(goal ${kB(BUNDLE_BUDGETS.ownGzipGoal)}, ceiling ${kB(BUNDLE_BUDGETS.ownGzipCeiling)}); ` +
        `minified by source: ${bySource}`,
    );
    expect(sizes.externalImports).toEqual([]);
  });

  it('keeps the emulator, the testing entry, hono, @simplewebauthn/server and node: out', () => {
    expect(sizes.leaks).toEqual([]);
  });

  it(`stays within ${kB(BUNDLE_BUDGETS.totalGzip)} min+gzip`, () => {
    expect(sizes.gzipBytes).toBeLessThanOrEqual(BUNDLE_BUDGETS.totalGzip);
  });

  it(`keeps the library's own code within ${kB(BUNDLE_BUDGETS.ownGzipCeiling)} min+gzip`, () => {
    expect(sizes.ownGzipBytes).toBeLessThanOrEqual(BUNDLE_BUDGETS.ownGzipCeiling);
  });
});
