/**
 * Model-based tests of the settings page (settingsPage.ts) with `dsm-2fa-guard/testing`:
 * every shortest path of the workflow model that the page can take is clicked through the
 * page, against the DSM emulator (in process), under fake time. After every step the testbed
 * checks the workflow and DSM against the model; the checks below check what the page shows.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
// In your app: from 'dsm-2fa-guard/emulator' and 'dsm-2fa-guard/testing'.
import { createEmulatorApp } from '../../src/emulator/index.js';
import {
  eventKey,
  expectationOf,
  fakeTimersControl,
  startWorkflowTestbed,
  type WorkflowModelEvent,
  type WorkflowModelSnapshot,
  type WorkflowTestActions,
  type WorkflowTestbed,
  workflowTestParams,
  workflowTestPaths,
} from '../../src/testing/index.js';
import { ERROR_TEXTS, SettingsPage } from './settingsPage.js';

/** The page has no buttons for a bare challenge, renaming or removing keys. */
const pageCanDo = (event: WorkflowModelEvent) =>
  event.type !== 'CONFIG_OP' || ['generateRecoveryCodes', 'addDevice'].includes(event.kind);

const STATUS = { locked: 'Locked', unlocked: 'Unlocked', sessionExpired: 'Sign in again' };

/** The user's clicks, one per model event the page can take. */
function clicks(page: SettingsPage): WorkflowTestActions['events'] {
  return {
    UNLOCK: async (event, testbed) => {
      page.typePassword(testbed.passwordFor(event));
      await page.submitUnlock();
    },
    LOCK: () => page.clickLock(),
    CONFIG_OP: (event, testbed) =>
      event.kind === 'addDevice'
        ? page.clickAddKey('Model-tested key', (options) =>
            testbed.authenticator.createCredential(options),
          )
        : page.clickRegenerateCodes(),
    APPROVAL_OP: (event, testbed) => {
      const requestId = testbed.emulator.createApprovalRequest({ reviewerEmail: testbed.email });
      return event.kind === 'deny'
        ? page.clickDeny(requestId)
        : page.clickApprove(requestId, (options) => testbed.authenticator.getAssertion(options));
    },
    WAKE: () => page.onVisible(),
  };
}

/** What the page must show in a model state. */
function checkPage(page: SettingsPage, snapshot: WorkflowModelSnapshot) {
  const { client, remaining, warned } = expectationOf(snapshot);
  const view = page.view;
  expect(view.status).toBe(STATUS[client]);
  expect(view.canApprove).toBe(client === 'locked');
  expect(view.canEditKeys).toBe(client === 'unlocked' && remaining === 'positive');
  if (warned) expect(view.warning).not.toBeNull();
  if (client !== 'unlocked') expect(view.recoveryCodes).toBeNull();
  const { expected } = snapshot.context;
  if (expected.kind === 'refused' || expected.kind === 'rejected') {
    expect(view.message).toBe(ERROR_TEXTS[expected.code]);
  }
  if (expected.kind === 'resolved') expect(Object.values(ERROR_TEXTS)).not.toContain(view.message);
}

const time = fakeTimersControl(vi);

describe('the settings page follows the 2FA workflow model', () => {
  // One emulator for the file, in this process (the model is about the page, not the socket;
  // test/model/workflowPaths.test.ts replays the paths over HTTP): each path gets a user of its own.
  const server = createEmulatorApp();
  let testbed: WorkflowTestbed | undefined;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(async () => {
    await testbed?.close();
    vi.useRealTimers();
  });

  for (const path of workflowTestPaths({ strategy: 'shortest', events: pageCanDo })) {
    const name = path.steps
      .slice(1)
      .map((step) => eventKey(step.event))
      .join(' → ');
    it(name || 'shows the locked page first', async () => {
      // A security key (for approvals) costs a few requests: only when the path approves.
      const approves = path.steps.some((step) => step.event.type === 'APPROVAL_OP');
      testbed = await startWorkflowTestbed({ time, on: server, securityKey: approves });
      const page = new SettingsPage(testbed.workflow);
      await path.test(
        workflowTestParams(testbed, {
          events: clicks(page),
          states: { '*': (snapshot) => checkPage(page, snapshot) },
          // The page's text must never show the password or the token either.
          observe: () => ({ 'the page': page.view }),
        }),
      );
      page.dispose();
    });
  }
});
