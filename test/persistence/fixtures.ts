/** Persisted snapshots of both kinds, as fast-check arbitraries, and JSON alterations of them. */
import fc from 'fast-check';
import { createSnapshotKey, type SnapshotKeyMaterials } from '../../src/persistence/seal.js';
import type { PersistedSignIn } from '../../src/signIn/index.js';
import type { PersistedTwoFactorConfig } from '../../src/workflow/index.js';

export const KEY = `${'k'.repeat(16)}0123456789abcdef0123456789abcdef`; // 48 bytes
export const OTHER_KEY = new Uint8Array(32).fill(7);

/** The `snapshotKey` option made from key material (none: none). */
export const asKey = (material?: SnapshotKeyMaterials) =>
  material === undefined ? undefined : createSnapshotKey(material);

const time = fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 });
const userId = fc.uuid();

export const workflowSnapshot: fc.Arbitrary<PersistedTwoFactorConfig> = fc.oneof(
  fc.record({
    format: fc.constant('dsm-2fa-guard/two-factor-config' as const),
    version: fc.constant(1 as const),
    userId,
    state: fc.constant('unlocked' as const),
    deadline: time,
    serverLockBy: time,
    lockReason: fc.constant(null),
    savedAt: time,
  }),
  fc.record({
    format: fc.constant('dsm-2fa-guard/two-factor-config' as const),
    version: fc.constant(1 as const),
    userId,
    state: fc.constantFrom('locking' as const, 'locked' as const, 'sessionExpired' as const),
    deadline: fc.constant(null),
    serverLockBy: fc.option(time, { nil: null }),
    lockReason: fc.constantFrom('user' as const, 'timeout' as const, 'server' as const, null),
    savedAt: time,
  }),
);

const session = { userId, sessionIdleMs: fc.integer({ min: 60_000, max: 86_400_000 }) };

export const signInSnapshot: fc.Arbitrary<PersistedSignIn> = fc.oneof(
  fc.record({
    format: fc.constant('dsm-2fa-guard/sign-in' as const),
    version: fc.constant(1 as const),
    state: fc.constant('awaitingSecondFactor' as const),
    ...session,
    method: fc.constant(null),
    idleDeadline: time,
    lastRefreshAt: fc.constant(null),
    secondFactor: fc.record({
      methods: fc.subarray(['fido2' as const, 'recoveryCode' as const], { minLength: 1 }),
    }),
    expiryReason: fc.constant(null),
    savedAt: time,
  }),
  fc.record({
    format: fc.constant('dsm-2fa-guard/sign-in' as const),
    version: fc.constant(1 as const),
    state: fc.constant('signedIn' as const),
    ...session,
    method: fc.constantFrom('password' as const, 'fido2' as const, 'recoveryCode' as const),
    idleDeadline: time,
    lastRefreshAt: time,
    secondFactor: fc.constant(null),
    expiryReason: fc.constant(null),
    savedAt: time,
  }),
);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

/** Every path into a JSON value, containers included (the root is `[]`). */
export function pathsOf(value: Json, prefix: Path = []): Path[] {
  const paths: Path[] = [prefix];
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      paths.push(...pathsOf(item, [...prefix, i]));
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...prefix, key]));
  }
  return paths;
}

/** A deep copy of `value` with `change` applied to the container or value at `path`. */
export function alterAt(value: Json, path: Path, change: (target: Json) => Json): Json {
  if (path.length === 0) return change(value);
  const [head, ...rest] = path;
  const copy = structuredClone(value) as Record<string | number, Json>;
  copy[head as string] = alterAt(copy[head as string] as Json, rest, change);
  return copy as Json;
}

/** One alteration of one place: a new value, a field dropped, or a field added. */
export type Alteration =
  | { kind: 'replace'; pick: number; with: Json }
  | { kind: 'drop'; pick: number }
  | { kind: 'add'; pick: number; name: string; with: Json };

export const alteration: fc.Arbitrary<Alteration> = fc.oneof(
  fc.record({
    kind: fc.constant('replace' as const),
    pick: fc.nat(),
    with: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  }),
  fc.record({ kind: fc.constant('drop' as const), pick: fc.nat() }),
  fc.record({
    kind: fc.constant('add' as const),
    pick: fc.nat(),
    name: fc.string({ minLength: 1, maxLength: 8 }),
    with: fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<Json>,
  }),
);

/**
 * Applies an alteration to a signed snapshot, leaving `signature` alone (changing that is the
 * forgery itself). Returns undefined when it would change nothing (a value replaced by an
 * equal one, a name that exists), so the property only sees real alterations.
 */
export function alter(signed: Json, change: Alteration): Json | undefined {
  const paths = pathsOf(signed).filter((path) => path[0] !== 'signature');
  const objects = paths.filter((path) => isObject(valueAt(signed, path)));
  if (change.kind === 'add') {
    const path = objects[change.pick % objects.length]!;
    const target = valueAt(signed, path) as Record<string, Json>;
    if (Object.hasOwn(target, change.name)) return undefined;
    return alterAt(signed, path, (t) => ({ ...(t as object), [change.name]: change.with }));
  }
  const leaves = paths.filter((path) => path.length > 0);
  const path = leaves[change.pick % leaves.length]!;
  const parentPath = path.slice(0, -1);
  const name = path.at(-1)!;
  if (change.kind === 'drop') {
    return alterAt(signed, parentPath, (parent) => {
      if (Array.isArray(parent)) return parent.filter((_, i) => i !== name);
      const { [name]: _dropped, ...rest } = parent as Record<string, Json>;
      return rest;
    });
  }
  if (JSON.stringify(valueAt(signed, path)) === JSON.stringify(change.with)) return undefined;
  return alterAt(signed, path, () => change.with);
}

function valueAt(value: Json, path: Path): Json {
  return path.reduce<Json>((v, key) => (v as Record<string, Json>)[key as string] as Json, value);
}

function isObject(value: Json): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The same JSON with every object's keys in reverse order, at every depth. */
export function reverseKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, Json>)
      .reverse()
      .map(([k, v]) => [k, reverseKeys(v)]),
  );
}

export type { Json };
