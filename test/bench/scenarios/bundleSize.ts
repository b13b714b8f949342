import { BUNDLE_BUDGETS } from '../bundle/budgets.js';
import { measureBrowserBundle } from '../bundle/measureBundle.js';
import { BARS, goalOf } from '../support/goals.js';
import { formatKb, formatRatio, type Scenario } from '../support/results.js';

/**
 * The browser bundle of `import { createTwoFactorConfig } from 'dsm-2fa-guard'` (esbuild,
 * minified, gzip -9): the library's own code, then the whole of it. The goal column holds
 * issue 12's bars; the budgets `test/bench/bundle.test.ts` enforces in `npm test` are printed
 * beside the figures.
 */
export const bundleSize: Scenario = {
  title: 'browser bundle (esbuild, minified, gzip -9)',
  async run(progress) {
    const sizes = await measureBrowserBundle();
    progress.end(`${formatKb(sizes.gzipBytes)} min+gzip, own code ${formatKb(sizes.ownGzipBytes)}`);
    const leaks = sizes.leaks.length === 0 ? 'none' : sizes.leaks.join('; ');
    const total = goalOf(BARS.totalGzip, sizes.gzipBytes);
    return {
      rows: [
        {
          measure:
            "The library’s own code in the browser bundle of `import { createTwoFactorConfig } from 'dsm-2fa-guard'` (dependencies external, min+gzip)",
          library: formatKb(sizes.ownGzipBytes),
          baseline: `${formatKb(sizes.ownMinBytes)} minified; CI ceiling ${formatKb(BUNDLE_BUDGETS.ownGzipCeiling)}`,
          // No second program to divide by: the ratio is to issue 12's bar.
          ratio: `${formatRatio(sizes.ownGzipBytes / BARS.ownGzip.value)} of the bar`,
          ...goalOf(BARS.ownGzip, sizes.ownGzipBytes),
        },
        {
          measure: 'That bundle with every dependency (min+gzip)',
          library: formatKb(sizes.gzipBytes),
          baseline: `${formatKb(sizes.minBytes)} minified; CI budget ${formatKb(BUNDLE_BUDGETS.totalGzip)}; emulator/testing/hono/node leaked: ${leaks}`,
          ratio: `${formatRatio(sizes.gzipBytes / BARS.totalGzip.value)} of the bar`,
          goal: total.goal,
          met: total.met && sizes.leaks.length === 0,
        },
      ],
      data: { bundle: sizes },
    };
  },
};
