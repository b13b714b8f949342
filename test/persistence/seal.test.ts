/**
 * Signed snapshots as a class: every single alteration of a signed snapshot of either kind is
 * refused, key order is not an alteration, and the signature is the only thing signing adds.
 */
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, createSnapshotKey } from '../../src/persistence/seal.js';
import { sealSnapshot } from '../../src/persistence/signer.js';
import {
  fromPersistedSignIn,
  InvalidSignInSnapshotError,
  type PersistedSignIn,
  SIGN_IN_SNAPSHOT_FORMAT,
  SignInInvalidInputError,
} from '../../src/signIn/index.js';
import {
  fromPersisted,
  InvalidInputError,
  InvalidSnapshotError,
  type PersistedTwoFactorConfig,
  SNAPSHOT_FORMAT,
} from '../../src/workflow/index.js';
import {
  alter,
  alteration,
  asKey,
  type Json,
  KEY,
  OTHER_KEY,
  reverseKeys,
  signInSnapshot,
  workflowSnapshot,
} from './fixtures.js';

const keys = createSnapshotKey(KEY);
const signWorkflow = (s: PersistedTwoFactorConfig) => sealSnapshot(SNAPSHOT_FORMAT, s, keys);
const signSignIn = (s: PersistedSignIn) => sealSnapshot(SIGN_IN_SNAPSHOT_FORMAT, s, keys);

const kinds = [
  {
    name: 'the 2FA workflow snapshot',
    snapshots: workflowSnapshot as fc.Arbitrary<object>,
    sign: signWorkflow as (s: object) => object,
    restore: (value: unknown, snapshotKey?: Uint8Array | string | (Uint8Array | string)[]) =>
      fromPersisted(value, userIdOf(value), { snapshotKey: asKey(snapshotKey) }),
    Refusal: InvalidSnapshotError,
    BadKey: InvalidInputError,
  },
  {
    name: 'the sign-in snapshot',
    snapshots: signInSnapshot as fc.Arbitrary<object>,
    sign: signSignIn as (s: object) => object,
    restore: (value: unknown, snapshotKey?: Uint8Array | string | (Uint8Array | string)[]) =>
      fromPersistedSignIn(value, { snapshotKey: asKey(snapshotKey) }),
    Refusal: InvalidSignInSnapshotError,
    BadKey: SignInInvalidInputError,
  },
] as const;

/** The user a restore expects: the one the snapshot names (foreign users are tested apart). */
function userIdOf(value: unknown): string {
  const data = typeof value === 'string' ? JSON.parse(value) : value;
  const userId = (data as { userId?: unknown } | undefined)?.userId;
  return typeof userId === 'string' ? userId : 'nobody';
}

function refusal(fn: () => unknown): { code?: string; reason?: string; message?: string } {
  try {
    fn();
  } catch (error) {
    return error as { code?: string; reason?: string };
  }
  throw new Error('expected a refusal, but the snapshot was accepted');
}

describe.each(kinds)('$name, signed with a snapshotKey', (kind) => {
  it('restores what persist() signed, as an object and as JSON text', () => {
    fc.assert(
      fc.property(kind.snapshots, (snapshot) => {
        const signed = kind.sign(snapshot);
        expect(() => kind.restore(signed, KEY)).not.toThrow();
        expect(() => kind.restore(JSON.stringify(signed), KEY)).not.toThrow();
        expect(kind.restore(signed, KEY)).toEqual(kind.restore(snapshot));
      }),
    );
  });

  it('refuses every single-field alteration: a value changed, a field dropped or added, at any depth', () => {
    // The userId the workflow expects is read from the original, not from the altered copy.
    fc.assert(
      fc.property(kind.snapshots, alteration, (snapshot, change) => {
        const signed = kind.sign(snapshot) as unknown as Json;
        const altered = alter(signed, change);
        fc.pre(altered !== undefined);
        const error = refusal(() =>
          kind.name.includes('workflow')
            ? fromPersisted(altered, (snapshot as PersistedTwoFactorConfig).userId, {
                snapshotKey: asKey(KEY),
              })
            : kind.restore(altered, KEY),
        );
        expect(error).toBeInstanceOf(kind.Refusal);
        expect(error.code).toBe('INVALID_SNAPSHOT');
      }),
      { numRuns: 500 },
    );
  });

  it('says forged for an altered value that still fits the schema', () => {
    fc.assert(
      fc.property(kind.snapshots, fc.integer({ min: 1, max: 1_000 }), (snapshot, shift) => {
        const signed = kind.sign(snapshot) as { savedAt: number };
        const error = refusal(() =>
          kind.restore({ ...signed, savedAt: signed.savedAt + shift }, KEY),
        );
        expect(error.reason).toBe('forged');
      }),
    );
  });

  it('accepts the same snapshot with its keys reordered at every depth', () => {
    fc.assert(
      fc.property(kind.snapshots, (snapshot) => {
        const signed = kind.sign(snapshot) as unknown as Json;
        const reordered = JSON.stringify(reverseKeys(signed));
        expect(reordered).not.toBe(JSON.stringify(signed));
        expect(kind.restore(reordered, KEY)).toEqual(kind.restore(signed, KEY));
      }),
    );
  });

  it('refuses a snapshot signed with another key, and an unsigned one, when a key is set', () => {
    fc.assert(
      fc.property(kind.snapshots, (snapshot) => {
        expect(refusal(() => kind.restore(kind.sign(snapshot), OTHER_KEY)).reason).toBe('forged');
        expect(refusal(() => kind.restore(snapshot, KEY)).reason).toBe('unsigned');
        const { signature: _, ...stripped } = kind.sign(snapshot) as { signature?: string };
        expect(refusal(() => kind.restore(stripped, KEY)).reason).toBe('unsigned');
      }),
    );
  });

  it('refuses a signature that is not one (wrong type, length or alphabet)', () => {
    const snapshot = fc.sample(kind.snapshots, { numRuns: 1, seed: 1 })[0]!;
    const signed = kind.sign(snapshot) as { signature: string };
    for (const signature of [
      '',
      42,
      null,
      signed.signature.slice(1),
      `${signed.signature}A`,
      `${signed.signature.slice(0, -1)}=`,
      signed.signature.toUpperCase() === signed.signature ? 'x' : signed.signature.toUpperCase(),
    ]) {
      expect(refusal(() => kind.restore({ ...signed, signature }, KEY)).reason).toBe('forged');
    }
  });

  it('accepts, during a key rotation, a snapshot signed with any key of the list', () => {
    const snapshot = fc.sample(kind.snapshots, { numRuns: 1, seed: 2 })[0]!;
    expect(() => kind.restore(kind.sign(snapshot), [OTHER_KEY, KEY])).not.toThrow();
    expect(refusal(() => kind.restore(kind.sign(snapshot), [OTHER_KEY])).reason).toBe('forged');
  });

  it('without a key, restores as before: the signature is neither needed nor checked', () => {
    const snapshot = fc.sample(kind.snapshots, { numRuns: 1, seed: 3 })[0]!;
    expect(kind.restore(snapshot)).toEqual(kind.restore(kind.sign(snapshot), KEY));
    expect(() => kind.restore({ ...kind.sign(snapshot), savedAt: 1 })).not.toThrow();
  });

  it('adds a signature and nothing else: 43 base64url characters that hold no key', () => {
    fc.assert(
      fc.property(kind.snapshots, (snapshot) => {
        const { signature, ...rest } = kind.sign(snapshot) as { signature: string };
        expect(rest).toEqual(snapshot);
        expect(signature).toMatch(/^[A-Za-z0-9_-]{43}$/);
        const text = JSON.stringify(kind.sign(snapshot));
        expect(text).not.toContain(KEY);
        expect(text).not.toContain(KEY.slice(16, 32));
        expect(text).not.toContain(btoa(KEY).slice(0, 20));
      }),
    );
  });

  it('refuses a bad key with INVALID_INPUT, and never repeats the key in the message', () => {
    const short = 's3cret-but-only-31-bytes-long!!';
    for (const bad of [short, new Uint8Array(31), [], 42, [KEY, 'short'], { key: KEY }]) {
      const error = refusal(() => createSnapshotKey(bad as never));
      expect(error).toBeInstanceOf(InvalidInputError);
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).not.toContain(short);
    }
    // Key material handed straight to a restore, where a key is expected: refused too.
    for (const bad of [KEY, new Uint8Array(32), { kind: 'dsm-2fa-guard/snapshot-key' }]) {
      const error = refusal(() =>
        kind.name.includes('workflow')
          ? fromPersisted(undefined, 'someone', { snapshotKey: bad as never })
          : fromPersistedSignIn(undefined, { snapshotKey: bad as never }),
      );
      expect(error).toBeInstanceOf(kind.BadKey);
      expect(error.message).not.toContain(KEY);
    }
  });
});

describe('refusals carry no snapshot content', () => {
  it.each(kinds)(
    '$name: any field or key set to anything leaves no byte of it in the refusal (message, JSON, inspect)',
    (kind) => {
      const marker = 'MARKER-5d2e8a';
      // Values and keys that carry the marker, in every JSON shape.
      const hostileValue = fc.oneof(
        fc.string().map((text) => `${text}${marker}${text}`),
        fc.constant([marker]),
        fc.dictionary(fc.constant(marker), fc.constant(marker)),
        fc.record({ nested: fc.constant({ [marker]: marker }) }),
      );
      fc.assert(
        fc.property(
          kind.snapshots,
          fc.array(
            fc.tuple(
              fc.oneof(
                fc.constantFrom(
                  'userId',
                  'state',
                  'format',
                  'version',
                  'deadline',
                  'secondFactor',
                  'method',
                  'signature',
                  'savedAt',
                ),
                fc.constant(marker),
              ),
              hostileValue,
            ),
            { minLength: 1, maxLength: 4 },
          ),
          fc.boolean(),
          fc.boolean(),
          (snapshot, edits, signed, asText) => {
            const edited: Record<string, unknown> = {
              ...(signed ? kind.sign(snapshot) : snapshot),
            };
            for (const [key, value] of edits) edited[key] = value;
            for (const snapshotKey of [undefined, KEY]) {
              let error: unknown;
              try {
                kind.restore(asText ? JSON.stringify(edited) : edited, snapshotKey);
              } catch (thrown) {
                error = thrown;
              }
              if (error === undefined) continue;
              for (const text of [
                (error as Error).message,
                JSON.stringify(error),
                inspect(error, { depth: 5 }),
              ]) {
                expect(text).not.toContain(marker);
              }
            }
          },
        ),
        { numRuns: 200 },
      );
    },
  );

  it('names only schema fields and library text, whatever the snapshot holds', () => {
    const marker = 'MARKER-9f3b1c';
    const hostile = {
      format: 'dsm-2fa-guard/two-factor-config',
      version: 1,
      userId: marker,
      state: marker,
      deadline: marker,
      [marker]: marker,
      savedAt: 1,
    };
    for (const value of [hostile, JSON.stringify(hostile), { ...hostile, version: 99 }]) {
      for (const snapshotKey of [undefined, asKey(KEY)]) {
        const error = refusal(() => fromPersisted(value, 'someone', { snapshotKey }));
        expect(error.message).not.toContain(marker);
        expect(error.message).not.toContain('99');
      }
    }
  });

  it('calls a snapshot of the other kind foreign, with or without a key', () => {
    const [workflow] = fc.sample(workflowSnapshot, { numRuns: 1, seed: 4 });
    const [signIn] = fc.sample(signInSnapshot, { numRuns: 1, seed: 4 });
    for (const snapshotKey of [undefined, asKey(KEY)]) {
      expect(
        refusal(() => fromPersistedSignIn(signWorkflow(workflow!), { snapshotKey })),
      ).toMatchObject({
        reason: 'foreign',
      });
      expect(
        refusal(() => fromPersisted(signSignIn(signIn!), signIn!.userId!, { snapshotKey })),
      ).toMatchObject({ reason: 'foreign' });
      expect(
        refusal(() => fromPersisted(signWorkflow(workflow!), 'another-user', { snapshotKey })),
      ).toMatchObject({ reason: 'foreign' });
    }
  });
});

describe('canonicalJson', () => {
  it('is one text per JSON value, whatever the key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const json = value as Json;
        expect(canonicalJson(reverseKeys(json))).toBe(canonicalJson(json));
        expect(JSON.parse(canonicalJson(json)!)).toEqual(JSON.parse(JSON.stringify(json)));
      }),
    );
  });

  it('refuses what is not JSON data, and nesting deeper than its bound, without throwing', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    for (const value of [undefined, () => 1, Number.NaN, new Date(0), 1n, deep, { a: deep }]) {
      expect(canonicalJson(value)).toBeUndefined();
    }
  });
});
