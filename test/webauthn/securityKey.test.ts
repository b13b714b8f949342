import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createSoftAuthenticator,
  DEMO_USER,
  type SoftAuthenticator,
} from '../../src/emulator/index.js';
import { startWorkflowTestbed, type WorkflowTestbed } from '../../src/testing/index.js';
import {
  approveWithSecurityKey,
  type CreateCredential,
  type GetAssertion,
  registerSecurityKey,
} from '../../src/webauthn/index.js';
import { ON_REAL_TIME, useFakeClock } from '../support/fakeClock.js';

const PASSWORD = DEMO_USER.password;

describe('security keys through the workflow, with the software authenticator', () => {
  let h: WorkflowTestbed;
  let key: SoftAuthenticator;
  let create: CreateCredential;
  let get: GetAssertion;

  beforeEach(async () => {
    useFakeClock();
    h = await startWorkflowTestbed(ON_REAL_TIME);
    key = createSoftAuthenticator();
    create = vi.fn((options) => key.createCredential(options));
    get = vi.fn((options) => key.getAssertion(options));
  });
  afterEach(async () => {
    await h.close();
    vi.useRealTimers();
  });

  const registered = async (name = 'YubiKey') => {
    await h.workflow.unlock(PASSWORD);
    await registerSecurityKey(h.workflow, name, { create });
    await h.workflow.lock();
  };

  it('registers a key: challenge, create, add device; DSM verifies the attestation', async () => {
    await h.workflow.unlock(PASSWORD);
    const user = await registerSecurityKey(h.workflow, 'YubiKey', { create });
    expect(user.mfa_devices).toEqual([expect.objectContaining({ name: 'YubiKey', type: 'Fido2' })]);
    expect(h.emulator.user(DEMO_USER.email)?.devices).toEqual([
      expect.objectContaining({ name: 'YubiKey', format: 'fido-u2f', transports: ['usb'] }),
    ]);
    expect(h.emitted).toContainEqual(
      expect.objectContaining({ type: 'deviceAdded', name: 'YubiKey' }),
    );
  });

  it('refuses to register while locked, without a request and without a prompt', async () => {
    h.emulator.clearRequests();
    await expect(registerSecurityKey(h.workflow, 'YubiKey', { create })).rejects.toMatchObject({
      code: 'CONFIG_LOCKED',
    });
    expect(h.requestCount()).toBe(0);
    expect(create).not.toHaveBeenCalled();
  });

  it('refuses a blank or multi-line name before asking DSM for a challenge', async () => {
    await h.workflow.unlock(PASSWORD);
    const before = h.requestCount();
    for (const name of ['', '   ', 'two\nlines']) {
      await expect(registerSecurityKey(h.workflow, name, { create })).rejects.toMatchObject({
        code: 'INVALID_INPUT',
      });
    }
    expect(h.requestCount()).toBe(before);
  });

  it('asks for the password once and then registers, when the app supplies onPasswordRequired', async () => {
    const onPasswordRequired = vi.fn(() => PASSWORD);
    const workflow = h.createWorkflow({ onPasswordRequired });
    await registerSecurityKey(workflow, 'YubiKey', { create });
    expect(onPasswordRequired).toHaveBeenCalledTimes(1);
    expect(h.emulator.user(DEMO_USER.email)?.devices).toHaveLength(1);
  });

  it('a cancelled prompt rejects WEBAUTHN_CANCELLED, adds nothing, and stays unlocked', async () => {
    await h.workflow.unlock(PASSWORD);
    const cancelled: CreateCredential = async () => {
      throw new DOMException(
        'The operation either timed out or was not allowed.',
        'NotAllowedError',
      );
    };
    await expect(
      registerSecurityKey(h.workflow, 'YubiKey', { create: cancelled }),
    ).rejects.toMatchObject({
      name: 'SecurityKeyCancelledError',
      code: 'WEBAUTHN_CANCELLED',
    });
    expect(h.requestCount('UpdateUser')).toBe(0);
    expect(h.workflow.state).toBe('unlocked');
  });

  it('a key registered already rejects WEBAUTHN_ALREADY_REGISTERED (DSM lists it in excludeCredentials)', async () => {
    await h.workflow.unlock(PASSWORD);
    await registerSecurityKey(h.workflow, 'YubiKey', { create });
    await expect(registerSecurityKey(h.workflow, 'Same key', { create })).rejects.toMatchObject({
      code: 'WEBAUTHN_ALREADY_REGISTERED',
    });
    expect(h.requestCount('UpdateUser')).toBe(1);
  });

  it('aborts the prompt and rejects CONFIG_LOCKED when the configuration locks while it is open', async () => {
    await h.workflow.unlock(PASSWORD);
    let signal: AbortSignal | undefined;
    const waitsForTouch: CreateCredential = (_options, context) => {
      signal = context.signal;
      return new Promise((_resolve, reject) =>
        context.signal.addEventListener('abort', () =>
          reject(new DOMException('aborted', 'AbortError')),
        ),
      );
    };
    const registering = expect(
      registerSecurityKey(h.workflow, 'YubiKey', { create: waitsForTouch }),
    ).rejects.toMatchObject({ code: 'CONFIG_LOCKED' });
    await vi.waitFor(() => expect(signal).toBeDefined());
    await h.workflow.lock();
    await registering;
    expect(signal?.aborted).toBe(true);
    expect(h.requestCount('UpdateUser')).toBe(0);
  });

  it("the caller's signal cancels the prompt with WEBAUTHN_CANCELLED", async () => {
    await h.workflow.unlock(PASSWORD);
    const controller = new AbortController();
    const waitsForTouch: CreateCredential = (_options, context) =>
      new Promise((_resolve, reject) => {
        context.signal.addEventListener('abort', () => reject(new DOMException('x', 'AbortError')));
        controller.abort();
      });
    await expect(
      registerSecurityKey(h.workflow, 'YubiKey', {
        create: waitsForTouch,
        signal: controller.signal,
      }),
    ).rejects.toMatchObject({ code: 'WEBAUTHN_CANCELLED' });
    expect(h.workflow.state).toBe('unlocked');
  });

  it('approves a request with the key: challenge, get, approve; DSM verifies the assertion', async () => {
    await registered();
    const requestId = h.emulator.createApprovalRequest({ reviewerEmail: DEMO_USER.email });
    const approval = await approveWithSecurityKey(h.workflow, requestId, { get });
    expect(approval.status).toBe('APPROVED');
    expect(h.emulator.user(DEMO_USER.email)?.devices[0]?.counter).toBeGreaterThan(0);
  });

  it('refuses to approve while unlocked, without a request and without a prompt', async () => {
    await registered();
    const requestId = h.emulator.createApprovalRequest({ reviewerEmail: DEMO_USER.email });
    await h.workflow.unlock(PASSWORD);
    h.emulator.clearRequests();
    await expect(approveWithSecurityKey(h.workflow, requestId, { get })).rejects.toMatchObject({
      code: 'CONFIG_UNLOCKED',
    });
    expect(h.requestCount()).toBe(0);
    expect(get).not.toHaveBeenCalled();
  });

  it('refuses to approve while another tab reports the configuration unlocked', async () => {
    await registered();
    const requestId = h.emulator.createApprovalRequest({ reviewerEmail: DEMO_USER.email });
    h.emulator.clearRequests();
    const tabs = { unlockedElsewhere: true };
    await expect(
      approveWithSecurityKey(h.workflow, requestId, { get, tabs }),
    ).rejects.toMatchObject({
      code: 'CONFIG_UNLOCKED',
      message: expect.stringMatching(/another tab/),
    });
    expect(h.requestCount()).toBe(0);
  });

  it('locks first and then approves, when the workflow has lockBeforeApproval', async () => {
    await registered();
    const workflow = h.createWorkflow({ lockBeforeApproval: true });
    await workflow.unlock(PASSWORD);
    const requestId = h.emulator.createApprovalRequest({ reviewerEmail: DEMO_USER.email });
    const approval = await approveWithSecurityKey(workflow, requestId, { get });
    expect(approval.status).toBe('APPROVED');
    expect(workflow.state).toBe('locked');
    expect(h.serverUnlocked()).toBe(false);
  });

  it('aborts the prompt and sends no approval when the configuration unlocks while it is open', async () => {
    await registered();
    const requestId = h.emulator.createApprovalRequest({ reviewerEmail: DEMO_USER.email });
    let release: (() => void) | undefined;
    const slowTouch: GetAssertion = (options, context) =>
      new Promise((resolve, reject) => {
        context.signal.addEventListener('abort', () => reject(new DOMException('x', 'AbortError')));
        release = () => resolve(key.getAssertion(options));
      });
    const approving = expect(
      approveWithSecurityKey(h.workflow, requestId, { get: slowTouch }),
    ).rejects.toMatchObject({ code: 'CONFIG_UNLOCKED' });
    await vi.waitFor(() => expect(release).toBeDefined());
    await h.workflow.unlock(PASSWORD);
    release?.();
    await approving;
    expect(h.requestCount('ApproveRequest')).toBe(0);
    expect(h.emulator.approvalRequest(requestId)?.status).toBe('PENDING');
  });
});
