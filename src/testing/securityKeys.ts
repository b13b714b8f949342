/**
 * The testbed user's security keys: software authenticators that act together as one, the
 * way a person holding several keys picks up the right one. DSM lists the user's registered
 * credentials in `excludeCredentials` when it asks for a new one, and an authenticator that
 * holds one of them refuses (as a real key does): so a new credential comes from a key that
 * holds none of them, a fresh one when every key does.
 */
// Through the emulator's entry: without its optional peers, a typed error names them.
import {
  type BinaryInput,
  type CreationOptionsInput,
  createSoftAuthenticator,
  type SoftAuthenticator,
  type SoftAuthenticatorOptions,
} from '../emulator/index.js';

/** A credential id as base64url text, however it was given. */
function base64url(id: BinaryInput): string {
  if (typeof id === 'string') return Buffer.from(id, 'base64url').toString('base64url');
  if (id instanceof ArrayBuffer) return Buffer.from(id).toString('base64url');
  return Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('base64url');
}

const idsOf = (descriptors: CreationOptionsInput['excludeCredentials']): Set<string> =>
  new Set((descriptors ?? []).map((descriptor) => base64url(descriptor.id)));

/**
 * Several software security keys behind one `SoftAuthenticator`: `createCredential` uses a
 * key that holds none of the excluded credentials (adding a key when every one holds one),
 * `getAssertion` signs with the key that holds an allowed credential, and `credentials` lists
 * every key's.
 */
export function createSecurityKeys(options: SoftAuthenticatorOptions = {}): SoftAuthenticator {
  const keys: SoftAuthenticator[] = [];
  const holdsAny = (key: SoftAuthenticator, ids: Set<string>) =>
    key.credentials.some((credential) => ids.has(credential.id));

  return {
    origin: createSoftAuthenticator(options).origin,
    get credentials() {
      return keys.flatMap((key) => key.credentials);
    },
    createCredential(creation, overrides) {
      const excluded = idsOf(creation?.excludeCredentials);
      let key = keys.find((candidate) => !holdsAny(candidate, excluded));
      if (!key) {
        key = createSoftAuthenticator(options);
        keys.push(key);
      }
      return key.createCredential(creation, overrides);
    },
    getAssertion(request, overrides) {
      const allowed = idsOf(request?.allowCredentials);
      const key =
        keys.find((candidate) => allowed.size === 0 || holdsAny(candidate, allowed)) ??
        // No key holds one: let a key refuse as an authenticator does (NotAllowedError).
        keys[0] ??
        createSoftAuthenticator(options);
      return key.getAssertion(request, overrides);
    },
  };
}
