import { afterEach, describe, expect, it } from 'vitest';
import { createDsmClient } from '../../src/client/index.js';
import {
  nextSignInEvent,
  type SignInTestbed,
  startSignInTestbed,
} from '../../src/testing/index.js';
import { createTwoFactorConfig, SessionExpiredError } from '../../src/workflow/index.js';
import { reach } from '../support/reach.js';

let h: SignInTestbed;

afterEach(async () => {
  await h?.close();
});

describe('handing the session to the configuration workflow', () => {
  it('creates the workflow for the signed-in user and session', async () => {
    h = await startSignInTestbed();
    await h.signIn.signIn({ email: h.email, password: h.password });
    const workflow = h.signIn.createTwoFactorConfig({ browserLifecycle: false });
    expect(workflow.userId).toBe(h.signIn.userId);
    await workflow.unlock(h.password);
    expect(h.emulator.lockState(h.signIn.token!.reveal()).unlocked).toBe(true);
    await workflow.dispose();
  });

  it('leaves the workflow sessionExpired by signing in again', async () => {
    h = await startSignInTestbed();
    await h.signIn.signIn({ email: h.email, password: h.password });
    const workflow = h.signIn.createTwoFactorConfig({ browserLifecycle: false });
    const oldToken = h.signIn.token!.reveal();
    h.emulator.expireSession(oldToken);

    // The workflow meets the 401; the sign-in hears of it and says expired.
    const signInExpired = nextSignInEvent(h.signIn, 'sessionExpired');
    await expect(workflow.unlock(h.password)).rejects.toBeInstanceOf(SessionExpiredError);
    expect(workflow.state).toBe('sessionExpired');
    expect(await signInExpired).toEqual({ type: 'sessionExpired', reason: 'server' });
    expect(h.signIn.state).toBe('expired');

    await h.signIn.signIn({ email: h.email, password: h.password });
    expect(workflow.state).toBe('locked');
    await workflow.unlock(h.password);
    const newToken = h.signIn.token!.reveal();
    expect(newToken).not.toBe(oldToken);
    expect(h.emulator.lockState(newToken).unlocked).toBe(true);
    await workflow.dispose();
  });

  it('attaches a workflow created elsewhere, but never hands it another user session', async () => {
    h = await startSignInTestbed();
    const bob = h.emulator.addUser({ email: 'bob@example.com', password: 'bob-password-1' });
    const stale = createDsmClient({ baseUrl: h.baseUrl, token: 'expired-token' });
    const workflow = createTwoFactorConfig({
      client: stale,
      userId: bob.userId,
      browserLifecycle: false,
    });
    const detach = h.signIn.attach(workflow);
    await expect(workflow.unlock('bob-password-1')).rejects.toBeInstanceOf(SessionExpiredError);

    await h.signIn.signIn({ email: h.email, password: h.password });
    expect(workflow.state).toBe('sessionExpired'); // the demo user's session is not Bob's
    await h.signIn.signOut();

    await h.signIn.signIn({ email: 'bob@example.com', password: 'bob-password-1' });
    await reach(workflow, 'locked');
    await workflow.unlock('bob-password-1');
    expect(workflow.state).toBe('unlocked');
    detach();
    await workflow.dispose();
  });

  it('stops feeding a workflow once it is disposed or detached', async () => {
    h = await startSignInTestbed();
    await h.signIn.signIn({ email: h.email, password: h.password });
    const disposed = h.signIn.createTwoFactorConfig({ browserLifecycle: false });
    const detached = h.signIn.createTwoFactorConfig({ browserLifecycle: false });
    await disposed.dispose();
    h.signIn.attach(detached)();
    h.emulator.expireSession(h.signIn.token!.reveal());
    await expect(detached.unlock(h.password)).rejects.toBeInstanceOf(SessionExpiredError);
    expect(h.signIn.state).toBe('signedIn'); // a detached workflow's 401 is not ours to hear
    await h.signIn.signOut();
    await h.signIn.signIn({ email: h.email, password: h.password });
    expect(detached.state).toBe('sessionExpired');
    await detached.dispose();
  });
});
