/** Signed 2FA-workflow snapshots through `createTwoFactorConfig`, against the emulator. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEMO_USER } from '../../src/emulator/index.js';
import { createSnapshotKey } from '../../src/persistence/seal.js';
import { startWorkflowTestbed, type WorkflowTestbed } from '../../src/testing/index.js';
import { ON_REAL_TIME, useFakeClock } from '../support/fakeClock.js';
import { asKey, KEY, OTHER_KEY } from './fixtures.js';

let h: WorkflowTestbed;
afterEach(async () => {
  await h?.close();
  vi.useRealTimers();
});

describe('2FA workflow snapshots with a snapshotKey', () => {
  it('restores its own signed snapshot, and refuses one whose deadline was moved', async () => {
    useFakeClock();
    h = await startWorkflowTestbed({ ...ON_REAL_TIME, workflow: { snapshotKey: asKey(KEY) } });
    await h.workflow.unlock(DEMO_USER.password);
    const stored = h.workflow.persist();
    expect(stored.signature).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(h.createWorkflow({ snapshot: JSON.stringify(stored) }).state).toBe('unlocked');

    // Two minutes on, the deadline moved one minute later is still inside one window from
    // now, so no plausibility check can tell: only the signature can.
    vi.setSystemTime(Date.now() + 120_000);
    const later = {
      ...stored,
      deadline: stored.deadline! + 60_000,
      serverLockBy: stored.serverLockBy! + 60_000,
    };
    expect(() => h.createWorkflow({ snapshot: later })).toThrow(
      expect.objectContaining({ code: 'INVALID_SNAPSHOT', reason: 'forged' }),
    );
    expect(h.createWorkflow({ snapshot: later, snapshotKey: undefined }).state).toBe('unlocked');
  });

  it("refuses another user's signed snapshot, one signed with another key, and an unsigned one", async () => {
    h = await startWorkflowTestbed({ ...ON_REAL_TIME, workflow: { snapshotKey: asKey(KEY) } });
    await h.workflow.unlock(DEMO_USER.password);
    const stored = h.workflow.persist();
    expect(() => h.createWorkflow({ snapshot: stored, userId: 'another-user' })).toThrow(
      expect.objectContaining({ reason: 'foreign' }),
    );
    expect(() => h.createWorkflow({ snapshot: stored, snapshotKey: asKey(OTHER_KEY) })).toThrow(
      expect.objectContaining({ reason: 'forged' }),
    );
    const { signature: _, ...unsigned } = stored;
    expect(() => h.createWorkflow({ snapshot: unsigned })).toThrow(
      expect.objectContaining({ reason: 'unsigned' }),
    );
    // Rotation: the new key first, the old one still accepted; persist() signs with the new.
    const rotated = h.createWorkflow({ snapshot: stored, snapshotKey: asKey([OTHER_KEY, KEY]) });
    expect(rotated.state).toBe('unlocked');
    expect(() =>
      h.createWorkflow({ snapshot: rotated.persist(), snapshotKey: asKey(OTHER_KEY) }),
    ).not.toThrow();
  });

  it('puts no secret in a signed snapshot, and refuses a bad key with INVALID_INPUT', async () => {
    h = await startWorkflowTestbed({ ...ON_REAL_TIME, workflow: { snapshotKey: asKey(KEY) } });
    await h.workflow.unlock(DEMO_USER.password);
    const text = JSON.stringify(h.workflow.persist());
    for (const secret of [DEMO_USER.password, h.token.reveal(), KEY])
      expect(text).not.toContain(secret);
    for (const material of [new Uint8Array(16), '', [] as string[]]) {
      expect(() => createSnapshotKey(material)).toThrow(
        expect.objectContaining({ code: 'INVALID_INPUT' }),
      );
    }
    // Key material where a key is expected: a typed error, and the material is not echoed.
    for (const snapshotKey of [KEY, new Uint8Array(32), {}]) {
      expect(() => h.createWorkflow({ snapshotKey: snapshotKey as never })).toThrow(
        expect.objectContaining({
          code: 'INVALID_INPUT',
          message: expect.not.stringContaining(KEY),
        }),
      );
    }
  });
});
