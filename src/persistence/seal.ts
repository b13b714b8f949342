import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToBase64, toBase64Url } from '../client/utils/base64.js';
import { InvalidInputError } from '../workflow/errors.js';
import type { SnapshotKey, SnapshotVerdict } from './signer.js';

/**
 * Key material: at least 32 bytes, or a string of at least 32 UTF-8 bytes (`openssl rand -hex
 * 32` works). Keep it where the snapshots are not: a secret manager, never the store.
 */
export type SnapshotKeyMaterial = Uint8Array | string;

/** One key, or a list for rotation: `persist()` signs with the first; a restore accepts any. */
export type SnapshotKeyMaterials = SnapshotKeyMaterial | readonly SnapshotKeyMaterial[];

/** The shortest key accepted: HMAC-SHA-256's output size, as RFC 2104 recommends. */
export const MIN_SNAPSHOT_KEY_BYTES = 32;

const MAX_KEYS = 16;
const SIGNATURE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * The `snapshotKey` option from key material: one key, or a list for rotation. Throws
 * `InvalidInputError`, whose message never holds the key.
 */
export function createSnapshotKey(keys: SnapshotKeyMaterials): SnapshotKey {
  const ring = readKeyMaterial(keys);
  const key: SnapshotKey & { toJSON(): string } = {
    seal<T extends object>(snapshotKind: string, snapshot: T): T {
      // Through JSON first, so the signature covers exactly what a store will keep.
      const data = JSON.parse(JSON.stringify(snapshot)) as Record<string, unknown>;
      delete data.signature;
      const signature = signSnapshot(snapshotKind, data, ring[0]!);
      if (signature === undefined) throw new InvalidInputError('A snapshot must be JSON data.');
      return { ...snapshot, signature };
    },
    verify: (snapshotKind, data) => verifySnapshot(snapshotKind, data, ring),
    toJSON: () => '[snapshot key]',
  };
  Object.defineProperty(key, Symbol.for('nodejs.util.inspect.custom'), {
    value: () => '[snapshot key]',
  });
  return Object.freeze(key);
}

function readKeyMaterial(input: unknown): readonly Uint8Array[] {
  const invalid = (message: string) => new InvalidInputError(message);
  const list = Array.isArray(input) ? input : [input];
  if (list.length === 0 || list.length > MAX_KEYS) {
    throw invalid(`createSnapshotKey takes one key or a list of 1 to ${MAX_KEYS} keys.`);
  }
  return list.map((key: unknown) => {
    const bytes =
      typeof key === 'string'
        ? new TextEncoder().encode(key)
        : key instanceof Uint8Array
          ? Uint8Array.from(key)
          : undefined;
    if (bytes === undefined) {
      throw invalid('A snapshot key must be a Uint8Array or a string (or a list of them).');
    }
    if (bytes.length < MIN_SNAPSHOT_KEY_BYTES) {
      throw invalid(
        `A snapshot key must be at least ${MIN_SNAPSHOT_KEY_BYTES} bytes long (a string counts its UTF-8 bytes).`,
      );
    }
    return bytes;
  });
}

/**
 * Unpadded base64url HMAC-SHA-256 over a domain label, the snapshot kind (so a signature never
 * verifies as another kind) and the canonical JSON; `undefined` for what is not JSON data.
 */
function signSnapshot(
  kind: string,
  data: Record<string, unknown>,
  key: Uint8Array,
): string | undefined {
  const canonical = canonicalJson(data);
  if (canonical === undefined) return undefined;
  const message = new TextEncoder().encode(
    `dsm-2fa-guard snapshot signature v1\n${kind}\n${canonical}`,
  );
  return toBase64Url(bytesToBase64(hmac(sha256, key, message)));
}

/** Checks a parsed snapshot's signature against every key, in constant time. */
function verifySnapshot(
  kind: string,
  data: Record<string, unknown>,
  keys: readonly Uint8Array[],
): SnapshotVerdict {
  const { signature, ...content } = data;
  if (signature === undefined) return 'unsigned';
  if (typeof signature !== 'string' || !SIGNATURE_PATTERN.test(signature)) return 'forged';
  let matched = false;
  for (const key of keys) {
    const expected = signSnapshot(kind, content, key);
    if (expected === undefined) return 'forged';
    // No early exit: every key costs the same, whichever matched.
    matched = equalInConstantTime(expected, signature) || matched;
  }
  return matched ? 'valid' : 'forged';
}

/** Compares two strings of the same length without a data-dependent branch or early exit. */
function equalInConstantTime(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/**
 * One text for one JSON value, whatever its key order (keys sorted by UTF-16 code units at every
 * depth, no whitespace): what a signature covers, so a store may re-serialize. `undefined` for
 * anything but JSON data, or nesting deeper than `depthLeft`: hostile input can neither throw
 * nor exhaust the stack.
 */
export function canonicalJson(value: unknown, depthLeft = 32): string | undefined {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : undefined;
  if (typeof value !== 'object' || depthLeft === 0) return undefined;
  const isArray = Array.isArray(value);
  const prototype = Object.getPrototypeOf(value);
  if (!isArray && prototype !== Object.prototype && prototype !== null) return undefined;
  const parts: string[] = [];
  const keys = isArray ? value.keys() : Object.keys(value).sort();
  for (const key of keys) {
    const text = canonicalJson((value as Record<PropertyKey, unknown>)[key], depthLeft - 1);
    if (text === undefined) return undefined;
    parts.push(isArray ? text : `${JSON.stringify(key)}:${text}`);
  }
  return isArray ? `[${parts.join(',')}]` : `{${parts.join(',')}}`;
}
