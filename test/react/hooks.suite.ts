import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Page, WebError } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import type { RunningBrowser } from '../support/browser.js';

const PASSWORD = 'correct horse battery staple';
// Room for a loaded machine: two cores shared with Chromium, esbuild and other suites.
const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000 });

/** test/react/page bundled for the browser: React, the hooks and the library, in one script. */
async function bundleHookPage(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./page/main.tsx', import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"development"' },
    logLevel: 'error',
  });
  return result.outputFiles[0]?.text ?? '';
}

// No DOM library is installed: the hooks render with react-dom in Debian's Chromium, against
// the emulator. The page is served at the emulator's own origin (Playwright answers its one
// URL), so DSM's API is same-origin and needs no proxy.
/** The React hooks in Chromium, run by test/e2e/chromium.test.ts. */
export function describeReactHooks(chromium: () => RunningBrowser): void {
  describe('the React hooks in Chromium, against the emulator', () => {
    let emulator: RunningEmulator;
    let browser: RunningBrowser;
    let script: string;
    let users = 0;
    const pageErrors: string[] = [];

    const onPageError = (error: WebError) => pageErrors.push(error.error().message);

    beforeAll(async () => {
      browser = chromium();
      emulator = await startEmulator({ port: 0, corsOrigin: [] });
      script = await bundleHookPage();
      // This suite's listener, for its own pages only: the browser is shared.
      browser.context.on('weberror', onPageError);
    });
    afterEach(() => {
      expect(pageErrors.splice(0)).toEqual([]);
    });
    afterAll(async () => {
      browser?.context.off('weberror', onPageError);
      await emulator?.close();
    });

    /** A page of the hooks with fake time (Date, timers), signed in as a fresh user. */
    const signedInPage = async (): Promise<Page> => {
      users += 1;
      const email = `hooks${users}@example.com`;
      emulator.addUser({ email, password: PASSWORD });
      const page = await browser.context.newPage();
      const url = `${emulator.url}/__hooks`;
      await page.route(url, (route) =>
        route.fulfill({
          contentType: 'text/html',
          body: `<!doctype html><html lang="en"><body><div id="root"></div><script type="module">${script.replaceAll('</script', '<\\/script')}</script></body></html>`,
        }),
      );
      await page.clock.install();
      await page.goto(url);
      // Record every text the live region takes, to count what a screen reader would say.
      await page.evaluate(() => {
        const said: string[] = [];
        Object.assign(window, { __said: said });
        new MutationObserver(() => {
          const text = document.querySelector('[role=status]')?.textContent ?? '';
          if (text && text !== said.at(-1)) said.push(text);
        }).observe(document.body, { subtree: true, childList: true, characterData: true });
      });
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await eventually(() => page.getByTestId('sign-in-state').innerText()).toBe('signedIn');
      await eventually(() => page.getByTestId('state').getAttribute('data-state')).toBe('locked');
      return page;
    };

    const results = (page: Page) => page.getByTestId('results').innerText();
    const said = (page: Page) =>
      page.evaluate(() => (window as unknown as { __said: string[] }).__said);
    const secondsShown = async (page: Page) =>
      Number((await page.getByTestId('state').innerText()).split(' ')[1]);

    it('opens one password dialog for two operations; cancelling rejects both with PASSWORD_NOT_PROVIDED', async () => {
      const page = await signedInPage();
      await page.getByRole('button', { name: 'Regenerate twice' }).click();
      await eventually(() => page.getByRole('dialog').count()).toBe(1);
      // The prompt never times out: an hour later it is still there.
      await page.clock.fastForward(60 * 60 * 1000);
      expect(await page.getByRole('dialog').count()).toBe(1);
      await page.getByRole('button', { name: 'Cancel' }).click();
      await eventually(() => results(page)).toBe('PASSWORD_NOT_PROVIDED,PASSWORD_NOT_PROVIDED');
      expect(await page.getByRole('dialog').count()).toBe(0);
      expect(emulator.requests.filter((r) => r.operationId === 'Config2faAuth')).toHaveLength(0);
      await page.close();
    });

    it('asks, then retries: the password unlocks, both operations run, and the countdown ticks', async () => {
      const page = await signedInPage();
      const authBefore = emulator.requests.filter((r) => r.operationId === 'Config2faAuth').length;
      await page.getByRole('button', { name: 'Regenerate twice' }).click();
      await page.getByLabel('Your password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Unlock' }).click();
      await eventually(() => results(page)).toBe('ok,ok');
      expect(emulator.requests.filter((r) => r.operationId === 'Config2faAuth')).toHaveLength(
        authBefore + 1,
      );
      expect(await page.getByTestId('state').getAttribute('data-state')).toBe('unlocked');

      const before = await secondsShown(page);
      const rendersBefore = Number(
        await page.getByTestId('state-only').getAttribute('data-renders'),
      );
      await page.clock.runFor(5_000);
      await eventually(() => secondsShown(page)).toBeLessThanOrEqual(before - 5);
      // A component that asked for no countdown was not rendered by the ticks.
      expect(Number(await page.getByTestId('state-only').getAttribute('data-renders'))).toBe(
        rendersBefore,
      );

      // The warning, then the auto-lock: the live region speaks three times in all.
      await page.clock.fastForward(((await secondsShown(page)) - 50) * 1000);
      await eventually(() => page.getByTestId('state').getAttribute('data-expiring')).toBe('true');
      await page.clock.fastForward(60_000);
      await eventually(() => page.getByTestId('lock-reason').innerText()).toBe('timeout');
      expect(await said(page)).toEqual([
        'The two-factor settings are unlocked for 10 minutes.',
        'Less than a minute left before the two-factor settings lock.',
        'The two-factor settings locked themselves: the time was up.',
      ]);
      await page.close();
    });

    it('"lock, then deny": asks first; keeping it unlocked rejects CONFIG_UNLOCKED, agreeing locks and denies', async () => {
      const page = await signedInPage();
      await page.getByRole('button', { name: 'Regenerate twice' }).click();
      await page.getByLabel('Your password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Unlock' }).click();
      await eventually(() => results(page)).toBe('ok,ok');

      await page.getByRole('button', { name: 'Lock, then deny' }).click();
      await page.getByRole('button', { name: 'Keep unlocked' }).click();
      await eventually(() => results(page)).toBe('ok,ok,CONFIG_UNLOCKED');
      expect(await page.getByTestId('state').getAttribute('data-state')).toBe('unlocked');

      await page.getByRole('button', { name: 'Lock, then deny' }).click();
      await page.getByRole('button', { name: 'Lock and continue' }).click();
      await eventually(() => results(page)).toBe('ok,ok,CONFIG_UNLOCKED,ok');
      expect(await page.getByTestId('state').getAttribute('data-state')).toBe('locked');
      expect(await page.getByTestId('lock-reason').innerText()).toBe('user');
      await page.close();
    });
  });
}
