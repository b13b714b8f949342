/**
 * Bad input, fuzzed with fast-check through the public API and the raw actor: passwords,
 * device names, unknown operations, malformed and forged events, stored snapshots and client
 * options. Each gets a typed error (a stable `code`), nothing crashes, no request goes out for
 * input that cannot be valid, and the workflow's state is what it was.
 */
import { inspect } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVAL_OPERATIONS, CONFIG_OPERATIONS } from '../../machines/twoFactorConfig.types.js';
import { createDsmClient, Secret } from '../../src/client/index.js';
import type { Fido2AttestationResult } from '../../src/client/schemas.js';
import { DEMO_USER } from '../../src/emulator/index.js';
import { startWorkflowTestbed, type WorkflowTestbed } from '../../src/testing/index.js';
import {
  createTwoFactorConfig,
  type PersistedTwoFactorConfig,
  restoreTwoFactorConfig,
  type TwoFactorConfig,
} from '../../src/workflow/index.js';
import { ON_REAL_TIME } from '../support/fakeClock.js';

const PASSWORD = DEMO_USER.password;
const KNOWN_KINDS: readonly string[] = [...CONFIG_OPERATIONS, ...APPROVAL_OPERATIONS];

/**
 * Any code point, lone surrogates included. (fast-check's own `unit: 'binary'` is the same set,
 * but building it costs a second of CPU each time a file defines it.)
 */
const anyCodePoint = fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c));

/** Strings that stress encoders: lone surrogates, astral symbols, controls, RTL marks, NUL. */
const unusualText = fc.oneof(
  fc.string({ unit: anyCodePoint, maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('\uD800', '\uDFFF', '\u0000', '\u202E evil', '𝔭𝔞𝔰𝔰', 'e\u0301', '\uFEFF', '%00'),
);

/** Everything observable about the workflow: its state, context, and the request count. */
function fingerprint(h: WorkflowTestbed, workflow: TwoFactorConfig) {
  const snapshot = workflow.actor.getSnapshot();
  return {
    status: snapshot.status,
    value: JSON.stringify(snapshot.value),
    context: JSON.stringify(snapshot.context),
    requests: h.emulator.requests.length,
  };
}

/** The typed error a call rejects with; fails the property if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<{ code?: unknown }> {
  const outcome = await promise.then(
    () => ({ resolved: true as const }),
    (error: unknown) => ({ resolved: false as const, error }),
  );
  if (outcome.resolved) throw new Error('expected a rejection, but the call resolved');
  expect(outcome.error).toBeInstanceOf(Error);
  return outcome.error as { code?: unknown };
}

describe('bad input to a workflow (fuzzed)', () => {
  let h: WorkflowTestbed;
  beforeAll(async () => {
    h = await startWorkflowTestbed({ ...ON_REAL_TIME, emulator: { rateLimit: false } });
  });
  afterAll(() => h.close());

  it('refuses blank, over-long, non-string and cleared passwords with INVALID_INPUT and no request', async () => {
    const cleared = new Secret(PASSWORD);
    cleared.clear();
    const notAPassword = fc.oneof(
      fc.constant(''),
      fc.stringMatching(/^\s{1,20}$/),
      fc.integer({ min: 4097, max: 100_000 }).map((n) => 'p'.repeat(n)),
      fc.anything().filter((value) => typeof value !== 'string'),
      fc.constant(new Secret('')),
      fc.constant(cleared),
    );
    await fc.assert(
      fc.asyncProperty(notAPassword, async (password) => {
        const before = fingerprint(h, h.workflow);
        const error = await rejection(h.workflow.unlock(password as string));
        expect(error.code).toBe('INVALID_INPUT');
        expect(fingerprint(h, h.workflow)).toEqual(before);
      }),
      { numRuns: 60 },
    );
  });

  it('answers every other wrong password, huge or unusual, with WRONG_PASSWORD and no echo', async () => {
    const wrong = fc
      .oneof(
        unusualText,
        fc.integer({ min: 1_000, max: 4_096 }).map((n) => 'p'.repeat(n)),
        fc.string({ minLength: 1, maxLength: 200 }),
      )
      .filter(
        (password) =>
          password.trim().length > 0 && password.length <= 4096 && password !== PASSWORD,
      );
    await fc.assert(
      fc.asyncProperty(wrong, async (password) => {
        const error = await rejection(h.workflow.unlock(password));
        expect(error.code).toBe('WRONG_PASSWORD');
        expect(h.workflow.state).toBe('locked');
        expect(h.serverUnlocked()).toBe(false);
        if (password.trim().length >= 6) {
          const shown = [JSON.stringify(error), inspect(error), String(error)].join('\n');
          expect(shown).not.toContain(password);
        }
      }),
      { numRuns: 25 },
    );
  });

  describe('while unlocked', () => {
    let attestation: Fido2AttestationResult;
    beforeAll(async () => {
      await h.workflow.unlock(PASSWORD);
      // A well-formed attestation, so that only the name can be wrong.
      const { createSoftAuthenticator } = await import('../../src/emulator/index.js');
      attestation = await createSoftAuthenticator().createCredential(
        await h.workflow.newDeviceChallenge(),
      );
    });

    /** Names DSM's pattern `^[^\n]*[^\s\n][^\n]*$` (maxLength 4096) refuses, and non-strings. */
    const badName = fc.oneof(
      fc.constant(''),
      fc.stringMatching(/^\s{1,20}$/),
      fc
        .tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }))
        .map(([a, b]) => `${a}\n${b}`),
      fc.integer({ min: 4097, max: 20_000 }).map((n) => 'k'.repeat(n)),
      fc.anything().filter((value) => typeof value !== 'string'),
    );

    it('refuses device names that break the OpenAPI pattern, before any request', async () => {
      await fc.assert(
        fc.asyncProperty(
          badName,
          fc.constantFrom('add', 'remove', 'renameFrom', 'renameTo'),
          async (name, call) => {
            const before = fingerprint(h, h.workflow);
            const n = name as string;
            const pending =
              call === 'add'
                ? h.workflow.addDevice(n, attestation)
                : call === 'remove'
                  ? h.workflow.removeDevice(n)
                  : call === 'renameFrom'
                    ? h.workflow.renameDevice(n, 'Desk key')
                    : h.workflow.renameDevice('Desk key', n);
            const error = await rejection(pending);
            // The controller's own check, or the client's schema: either way nothing was sent.
            expect(['INVALID_INPUT', 'INVALID_REQUEST']).toContain(error.code);
            expect(fingerprint(h, h.workflow)).toEqual(before);
          },
        ),
        { numRuns: 80 },
      );
    });

    it('lets names that fit the pattern through, whatever their script, and DSM answers', async () => {
      const fits = unusualText.filter(
        (name) => /^[^\n]*[^\s\n][^\n]*$/.test(name) && name.trim() !== '',
      );
      await fc.assert(
        fc.asyncProperty(fits, async (name) => {
          // No such device: DSM's 400, a typed error, and the workflow stays unlocked.
          const error = await rejection(h.workflow.removeDevice(name));
          expect(error.code).toBe('BAD_REQUEST');
          expect(h.workflow.state).toBe('unlocked');
        }),
        { numRuns: 25 },
      );
    });
  });
});

describe('raw events sent straight to the actor (fuzzed)', () => {
  let h: WorkflowTestbed;
  beforeAll(async () => {
    h = await startWorkflowTestbed({ ...ON_REAL_TIME, emulator: { rateLimit: false } });
  });
  afterAll(() => h.close());

  /** Anything but a well-formed event: garbage, wrong payloads, forged XState events. */
  const malformed = fc.oneof(
    fc.anything(),
    fc
      .record({ type: fc.string() })
      .filter((e) => !['lock', 'checkDeadline', 'sessionRenewed', 'dispose'].includes(e.type)),
    fc.record({
      type: fc.constantFrom(
        'xstate.init',
        'xstate.done.actor.config2faAuth',
        'xstate.error.actor.config2faAuth',
        'xstate.done.actor.configOperation',
        'xstate.done.actor.config2faTerminate',
        'xstate.stop',
      ),
      output: fc.anything(),
      error: fc.anything(),
    }),
    fc.record({ type: fc.constant('unlock'), password: fc.anything() }),
    fc.record({ type: fc.constant('operation'), opId: fc.anything(), operation: fc.anything() }),
  );

  const rejectsEveryMalformedEvent = async (workflow: TwoFactorConfig) => {
    await fc.assert(
      fc.asyncProperty(malformed, async (event) => {
        const before = fingerprint(h, workflow);
        let thrown: unknown;
        try {
          workflow.actor.send(event as never);
        } catch (error) {
          thrown = error;
        }
        await new Promise((resolve) => setImmediate(resolve));
        expect(thrown).toMatchObject({ code: 'INVALID_INPUT' });
        expect(fingerprint(h, workflow)).toEqual(before);
      }),
      { numRuns: 100 },
    );
  };

  it('refuses malformed and forged events while locked, and the actor lives on', async () => {
    await rejectsEveryMalformedEvent(h.workflow);
    expect(h.workflow.actor.getSnapshot().status).toBe('active');
    await expect(h.workflow.unlock(PASSWORD)).resolves.toMatchObject({
      deadline: expect.any(Number),
    });
  });

  it('refuses them while unlocked, so a forged answer cannot end the window', async () => {
    await h.workflow.unlock(PASSWORD);
    await rejectsEveryMalformedEvent(h.workflow);
    expect(h.workflow.state).toBe('unlocked');
    await h.workflow.lock();
  });

  it('refuses a forged Config2faAuth answer while the real one is in flight', async () => {
    h.emulator.injectFault({ kind: 'hang', match: { operationId: 'Config2faAuth' } });
    const unlocking = h.workflow.unlock(PASSWORD).catch((error: unknown) => error);
    const held = () => h.emulator.requests.some((r) => r.fault === 'hang');
    while (!held()) await new Promise((resolve) => setImmediate(resolve));
    const forged = {
      type: 'xstate.done.actor.config2faAuth',
      output: { sentAt: Date.now(), answeredAt: Date.now() },
    };
    expect(() => h.workflow.actor.send(forged as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
    expect(h.workflow.state).toBe('unlocking');
    await h.workflow.lock();
    expect(await unlocking).toMatchObject({ code: 'INTERRUPTED' });
    expect(h.serverUnlocked()).toBe(false);
  });

  it('refuses unknown operation kinds in every state with UNKNOWN_OPERATION, sending nothing', async () => {
    const unknownKind = fc.string({ maxLength: 30 }).filter((kind) => !KNOWN_KINDS.includes(kind));
    const refusals: string[] = [];
    h.workflow.on('operationRefused', (event) => refusals.push(event.code));
    for (const state of ['locked', 'unlocked'] as const) {
      if (state === 'unlocked') await h.workflow.unlock(PASSWORD);
      await fc.assert(
        fc.asyncProperty(unknownKind, fc.anything(), async (kind, input) => {
          const before = fingerprint(h, h.workflow);
          refusals.length = 0;
          h.workflow.actor.send({
            type: 'operation',
            opId: 'fuzz',
            operation: { kind, input },
          } as never);
          expect(refusals).toEqual(['UNKNOWN_OPERATION']);
          expect(fingerprint(h, h.workflow)).toEqual(before);
        }),
        { numRuns: 40 },
      );
      expect(h.workflow.state).toBe(state);
    }
    await h.workflow.lock();
  });
});

describe('stored snapshots and options (fuzzed)', () => {
  let h: WorkflowTestbed;
  let unlocked: PersistedTwoFactorConfig;
  beforeAll(async () => {
    h = await startWorkflowTestbed(ON_REAL_TIME);
    const source = h.createWorkflow();
    await source.unlock(PASSWORD);
    unlocked = source.persist();
    await source.dispose();
  });
  afterAll(() => h.close());

  const restore = (snapshot: unknown) =>
    restoreTwoFactorConfig({
      client: h.client,
      userId: h.userId,
      browserLifecycle: false,
      snapshot: snapshot as string,
    });

  /** Creates a workflow and disposes it at once; returns the error code, or the state. */
  const outcomeOf = async (create: () => TwoFactorConfig) => {
    let workflow: TwoFactorConfig;
    try {
      workflow = create();
    } catch (error) {
      expect(error).toBeInstanceOf(Error);
      return { code: (error as { code?: unknown }).code };
    }
    const state = workflow.state;
    const deadline = workflow.deadline;
    workflow.actor.stop();
    return { state, deadline };
  };

  it('refuses corrupt snapshots (any JSON, any value) with INVALID_SNAPSHOT', async () => {
    // `undefined` means "no snapshot": a fresh, locked workflow.
    const corrupt = fc.oneof(fc.anything(), fc.json(), fc.string()).filter((v) => v !== undefined);
    await fc.assert(
      fc.asyncProperty(corrupt, async (snapshot) => {
        const outcome = await outcomeOf(() => restore(snapshot));
        expect(outcome).toEqual({ code: 'INVALID_SNAPSHOT' });
      }),
      { numRuns: 100 },
    );
  });

  it('refuses every snapshot from a future version, naming the upgrade', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2 }), fc.boolean(), async (version, asText) => {
        const future = { ...unlocked, version, newField: { anything: true } };
        expect(() => restore(asText ? JSON.stringify(future) : future)).toThrow(/newer.*Upgrade/);
      }),
      { numRuns: 30 },
    );
  });

  it('restores a tampered snapshot as a typed error or as a state it can honour', async () => {
    const keys = Object.keys(unlocked) as (keyof PersistedTwoFactorConfig)[];
    const tampered = fc
      .record({
        key: fc.constantFrom(...keys),
        value: fc.oneof(fc.anything(), fc.double(), fc.integer()),
      })
      .map(({ key, value }) => ({ ...unlocked, [key]: value }));
    await fc.assert(
      fc.asyncProperty(tampered, async (snapshot) => {
        const outcome = await outcomeOf(() => restore(snapshot));
        if ('code' in outcome) {
          expect(outcome.code).toBe('INVALID_SNAPSHOT');
          return;
        }
        // Whatever it restored, it never claims longer than DSM's own window from now.
        if (outcome.state === 'unlocked') {
          expect(outcome.deadline).toBeLessThanOrEqual(Date.now() + 600_000);
        }
      }),
      { numRuns: 120 },
    );
  });

  it('refuses bad workflow options with INVALID_INPUT', async () => {
    const badNumber = fc.oneof(
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1, -0.5),
      fc.double({ max: -Number.MIN_VALUE }),
    );
    const option = fc.constantFrom('autoLockMs', 'safetyMarginMs', 'expiringWarningMs');
    await fc.assert(
      fc.asyncProperty(option, badNumber, async (name, value) => {
        const outcome = await outcomeOf(() =>
          createTwoFactorConfig({ client: h.client, userId: h.userId, [name]: value }),
        );
        expect(outcome).toEqual({ code: 'INVALID_INPUT' });
      }),
      { numRuns: 40 },
    );
    for (const userId of ['', '   ', 42, undefined, 'x'.repeat(5_000)]) {
      expect(
        await outcomeOf(() =>
          createTwoFactorConfig({ client: h.client, userId: userId as string }),
        ),
      ).toEqual({
        code: 'INVALID_INPUT',
      });
    }
    expect(await outcomeOf(() => createTwoFactorConfig({ userId: h.userId } as never))).toEqual({
      code: 'INVALID_INPUT',
    });
  });

  it('refuses bad client options: non-https remote URLs, junk URLs, timeouts', () => {
    const remote = fc
      .tuple(fc.constantFrom('http', 'ftp', 'ws', 'file', 'javascript'), fc.domain())
      .map(([scheme, host]) => `${scheme}://${host}`)
      .filter((url) => !/^https?:\/\/(localhost|127\.)/.test(url));
    fc.assert(
      fc.property(fc.oneof(remote, fc.string()), (baseUrl) => {
        let code: unknown;
        try {
          createDsmClient({ baseUrl });
        } catch (error) {
          code = (error as { code?: unknown }).code;
        }
        // A bare string may happen to be a valid https URL; nothing else gets through.
        if (!/^https:\/\//i.test(baseUrl)) expect(code).toBe('INSECURE_BASE_URL');
      }),
      { numRuns: 100 },
    );
    for (const timeoutMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31]) {
      expect(() => createDsmClient({ baseUrl: 'https://dsm.example', timeoutMs })).toThrow(
        expect.objectContaining({ code: 'INVALID_OPTIONS', option: 'timeoutMs' }),
      );
    }
  });
});
