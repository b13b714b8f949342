import { BUNDLE_BUDGETS } from '../bundle/budgets.js';
import { measureBrowserBundle } from '../bundle/measureBundle.js';
import { formatKb, type Scenario } from '../support/results.js';

/** The browser bundle's size, as `test/bench/bundle.test.ts` enforces it in `npm test`. */
export const bundleSize: Scenario = {
  title: 'browser bundle (esbuild, minified, gzip -9)',
  async run(progress) {
    const sizes = await measureBrowserBundle();
    progress.end(`${formatKb(sizes.gzipBytes)} min+gzip, own code ${formatKb(sizes.ownGzipBytes)}`);
    const leaks = sizes.leaks.length === 0 ? 'none' : sizes.leaks.join('; ');
    return {
      rows: [
        {
          measure:
            "Browser bundle of `import { createTwoFactorConfig } from 'dsm-2fa-guard'`, every dependency (min+gzip)",
          library: formatKb(sizes.gzipBytes),
          baseline: `${formatKb(sizes.minBytes)} minified; emulator/testing/hono/node: leaked: ${leaks}`,
          ratio: '—',
          goal: `≤ ${formatKb(BUNDLE_BUDGETS.totalGzip)}`,
          met: sizes.gzipBytes <= BUNDLE_BUDGETS.totalGzip && sizes.leaks.length === 0,
        },
        {
          measure: 'The library’s own code in it (dependencies external, min+gzip)',
          library: formatKb(sizes.ownGzipBytes),
          baseline: `${formatKb(sizes.ownMinBytes)} minified`,
          ratio: '—',
          goal: `≤ ${formatKb(BUNDLE_BUDGETS.ownGzipGoal)}`,
          met: sizes.ownGzipBytes <= BUNDLE_BUDGETS.ownGzipGoal,
        },
      ],
      data: { bundle: sizes },
    };
  },
};
