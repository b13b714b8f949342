import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's chromium: the only browser these tests use; nothing is ever downloaded. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Pages in the browser's own process: no renderer or GPU process to start per page, about a
  // fifth less CPU for the same tests on a 2-core machine. Every page here is on localhost.
  '--single-process',
];

/**
 * Whether the end-to-end tests can run. Missing chromium skips them locally; under CI
 * (`CI` set) the caller must fail instead, so a broken setup never passes as "skipped".
 */
export function chromiumAvailability(): { available: boolean; mustFail: boolean; reason: string } {
  const available = existsSync(CHROMIUM_PATH);
  return {
    available,
    mustFail: !available && Boolean(process.env.CI),
    reason: `${CHROMIUM_PATH} is missing (apt-get install chromium)`,
  };
}

export interface RunningBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Chromium, headless, on a fresh profile in a temp dir that is removed on `close()`.
 * (Playwright takes the profile dir through `launchPersistentContext`, not `--user-data-dir`.)
 */
export async function launchChromium(): Promise<RunningBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'dsm-2fa-guard-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1000, height: 640 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * A virtual security key for one page, through the DevTools protocol's WebAuthn domain:
 * U2F protocol, so it attests with `fido-u2f`, the only format DSM accepts; presence is
 * simulated, so no touch is needed.
 */
export async function addVirtualSecurityKey(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'u2f',
      transport: 'usb',
      hasResidentKey: false,
      hasUserVerification: false,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
}
