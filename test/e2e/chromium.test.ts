/**
 * Everything that runs in Debian's Chromium, on one browser launched once: the example page
 * (webPage.suite.ts) and the React hooks (test/react/hooks.suite.ts). This file runs in a
 * process of its own (vitest.config.ts says why).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { describeReactHooks } from '../react/hooks.suite.js';
import { chromiumAvailability, launchChromium, type RunningBrowser } from '../support/browser.js';
import { describeExamplePage } from './webPage.suite.js';

const chromium = chromiumAvailability();

if (chromium.mustFail) {
  it('runs the browser tests in Chromium (CI is set, so a missing browser fails)', () => {
    throw new Error(`Cannot run the browser tests: ${chromium.reason}.`);
  });
}

describe.skipIf(!chromium.available)(
  `in Chromium${chromium.available ? '' : ` (skipped: ${chromium.reason})`}`,
  () => {
    let browser: RunningBrowser | undefined;
    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(() => browser?.close());
    const shared = () => {
      if (!browser) throw new Error('Chromium did not start.');
      return browser;
    };
    describeExamplePage(shared);
    describeReactHooks(shared);
  },
);
