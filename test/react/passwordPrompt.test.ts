import { describe, expect, it, vi } from 'vitest';
import { DEMO_USER } from '../../src/emulator/index.js';
import {
  PasswordNotProvidedError,
  Secret,
  TwoFactorConfigUnlockedError,
  WrongPasswordError,
} from '../../src/index.js';
import { createPasswordPrompt, createPrompt, lockThenRun } from '../../src/react/index.js';
import { signedInPerTest, until } from './signedIn.js';

describe('createPasswordPrompt as onPasswordRequired', () => {
  const world = signedInPerTest();

  it('asks once for concurrent operations, then unlocks and runs them all', async () => {
    const prompt = createPasswordPrompt();
    const workflow = world().createWorkflow({ onPasswordRequired: prompt.request });
    const codes = workflow.generateRecoveryCodes();
    const challenge = workflow.newDeviceChallenge();
    await until(() => prompt.view.open, 'the dialog to open');
    expect(prompt.view).toEqual({ open: true, waiting: 1 });
    expect(world().count('Config2faAuth')).toBe(0);

    prompt.submit(DEMO_USER.password);
    expect(prompt.view.open).toBe(false);
    await expect(codes).resolves.toHaveLength(10);
    await expect(challenge).resolves.toBeTypeOf('object');
    expect(world().count('Config2faAuth')).toBe(1);
    expect(workflow.state).toBe('unlocked');
  });

  it('cancelling rejects every waiting operation with PasswordNotProvidedError, and sends nothing', async () => {
    const prompt = createPasswordPrompt();
    const workflow = world().createWorkflow({ onPasswordRequired: prompt.request });
    const waiting = [workflow.generateRecoveryCodes(), workflow.removeDevice('Desk key')];
    await until(() => prompt.view.open, 'the dialog to open');
    prompt.cancel();
    for (const operation of waiting) {
      await expect(operation).rejects.toBeInstanceOf(PasswordNotProvidedError);
      await expect(operation).rejects.toMatchObject({ code: 'PASSWORD_NOT_PROVIDED' });
    }
    expect(world().count('Config2faAuth')).toBe(0);
    expect(world().count('GenerateRecoveryCodes')).toBe(0);
    expect(workflow.state).toBe('locked');
  });

  it('never closes by itself: a day later it still waits for the person', async () => {
    const prompt = createPasswordPrompt();
    const workflow = world().createWorkflow({ onPasswordRequired: prompt.request });
    let settled = false;
    const codes = workflow.generateRecoveryCodes().finally(() => {
      settled = true;
    });
    await until(() => prompt.view.open, 'the dialog to open');
    await vi.advanceTimersByTimeAsync(24 * 60 * 60 * 1000);
    expect(prompt.view.open).toBe(true);
    expect(settled).toBe(false);
    prompt.cancel();
    await expect(codes).rejects.toBeInstanceOf(PasswordNotProvidedError);
  });

  it('a wrong password rejects the waiting operation with WrongPasswordError, and the next one asks again', async () => {
    const prompt = createPasswordPrompt();
    const workflow = world().createWorkflow({ onPasswordRequired: prompt.request });
    const first = workflow.generateRecoveryCodes();
    await until(() => prompt.view.open, 'the dialog to open');
    prompt.submit(new Secret('not the password'));
    await expect(first).rejects.toBeInstanceOf(WrongPasswordError);

    const second = workflow.generateRecoveryCodes();
    await until(() => prompt.view.open, 'the dialog to open again');
    prompt.submit(DEMO_USER.password);
    await expect(second).resolves.toHaveLength(10);
  });
});

describe('lockThenRun', () => {
  const world = signedInPerTest();

  const newRequest = async () =>
    (
      await world().signIn.client!.createApprovalRequest({
        operation: '/crypto/v1/keys/export',
        method: 'POST',
        description: 'Export the key',
      })
    ).request_id;

  it('asks before locking; a yes locks (terminate sent) and then approves', async () => {
    const workflow = world().createWorkflow();
    const requestId = await newRequest();
    await workflow.unlock(DEMO_USER.password);
    const confirm = createPrompt<boolean>();
    const denied = lockThenRun(workflow, () => workflow.deny(requestId), { confirm });
    await until(() => confirm.view.open, 'the confirmation');
    expect(world().count('Config2faTerminate')).toBe(0);
    confirm.answer(true);
    await expect(denied).resolves.toMatchObject({ status: 'DENIED' });
    expect(world().count('Config2faTerminate')).toBe(1);
    expect(world().emulator.lockState(world().token).unlocked).toBe(false);
  });

  it.each([
    ['a no', (confirm: ReturnType<typeof createPrompt<boolean>>) => confirm.answer(false)],
    ['a cancel', (confirm: ReturnType<typeof createPrompt<boolean>>) => confirm.cancel()],
  ])(
    '%s rejects with TwoFactorConfigUnlockedError, stays unlocked, and sends nothing',
    async (_name, decline) => {
      const workflow = world().createWorkflow();
      const requestId = await newRequest();
      await workflow.unlock(DEMO_USER.password);
      const confirm = createPrompt<boolean>();
      const refused = lockThenRun(workflow, () => workflow.deny(requestId), { confirm });
      await until(() => confirm.view.open, 'the confirmation');
      decline(confirm);
      await expect(refused).rejects.toBeInstanceOf(TwoFactorConfigUnlockedError);
      await expect(refused).rejects.toMatchObject({ code: 'CONFIG_UNLOCKED' });
      expect(workflow.state).toBe('unlocked');
      expect(world().count('Config2faTerminate')).toBe(0);
      expect(world().count('DenyRequest')).toBe(0);
    },
  );

  it('runs at once, without asking, while locked', async () => {
    const workflow = world().createWorkflow();
    const requestId = await newRequest();
    const confirm = createPrompt<boolean>();
    await expect(
      lockThenRun(workflow, () => workflow.deny(requestId), { confirm }),
    ).resolves.toMatchObject({ status: 'DENIED' });
    expect(confirm.view.open).toBe(false);
  });
});

describe('createPrompt', () => {
  it('shares one question between concurrent requests and answers them all', async () => {
    const prompt = createPrompt<string>();
    const seen: boolean[] = [];
    prompt.subscribe(() => seen.push(prompt.view.open));
    const answers = Promise.all([prompt.request(), prompt.request()]);
    expect(prompt.view).toEqual({ open: true, waiting: 2 });
    prompt.answer('yes');
    await expect(answers).resolves.toEqual(['yes', 'yes']);
    expect(prompt.view).toEqual({ open: false, waiting: 0 });
    expect(seen).toEqual([true, true, false]);
    prompt.answer('ignored while closed');
    expect(seen).toHaveLength(3);
  });
});
