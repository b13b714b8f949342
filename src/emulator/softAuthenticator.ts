/**
 * A software FIDO2 authenticator for Node tests and examples: it turns DSM's creation and request
 * options into what a browser's `navigator.credentials.create()` / `.get()` would hand back, in
 * DSM's JSON shapes (base64url). It holds a P-256 key per credential and a sign counter, and
 * attests with the `fido-u2f` format using a TEST-ONLY certificate (softAuthenticatorFixture.ts).
 *
 * It accepts DSM's nested rp/user shape (`rp.entity.id`, `user.entity.id`) as well as WebAuthn's
 * flat one, and `alg` as -7 or DSM's `"Es256"`. It is not a security device: its keys live in
 * memory and its attestation proves nothing.
 */
import {
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
  X509Certificate,
} from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';
import type { AttestationFormat } from './options.js';
import {
  TEST_ATTESTATION_CERTIFICATE_PEM,
  TEST_ATTESTATION_PRIVATE_KEY_PEM,
} from './softAuthenticatorFixture.js';
import type { DsmAssertionResult, DsmAttestationResult } from './webauthnTypes.js';

/** Bytes as WebAuthn takes them: base64url (or base64) text, or a buffer. */
export type BinaryInput = string | ArrayBuffer | ArrayBufferView;

interface DescriptorInput {
  id: BinaryInput;
  type?: string;
}

/** Creation options: DSM's nested shape or WebAuthn's flat one. */
export interface CreationOptionsInput {
  rp: { name?: string; id?: string | null; entity?: { id?: string | null } };
  user: {
    name?: string;
    displayName?: string;
    id?: BinaryInput;
    entity?: { id?: BinaryInput; displayName?: string };
  };
  challenge: BinaryInput;
  pubKeyCredParams: ReadonlyArray<{ type?: string; alg: number | string }>;
  excludeCredentials?: readonly DescriptorInput[] | null;
}

export interface RequestOptionsInput {
  challenge: BinaryInput;
  rpId?: string | null;
  allowCredentials?: readonly DescriptorInput[] | null;
}

export interface SoftAuthenticatorOptions {
  /** The web origin the "browser" reports in clientDataJSON. Default `http://localhost`. */
  origin?: string;
  /** The RP id when the options name none. Default: the origin's host name. */
  rpId?: string;
  /** Attestation statement format. Default `fido-u2f` (the only one DSM accepts). */
  attestationFormat?: AttestationFormat;
  /** Reported by `getTransports()`. Default `['usb']`. */
  transports?: string[];
}

/** A credential the authenticator holds (without its private key). */
export interface SoftCredential {
  /** base64url credential id. */
  id: string;
  rpId: string;
  /** base64url user handle from the creation options. */
  userHandle?: string;
  signCount: number;
}

export interface SoftAuthenticator {
  readonly origin: string;
  readonly credentials: readonly SoftCredential[];
  /** Like `navigator.credentials.create()`: a new credential, attested. */
  createCredential(
    options: CreationOptionsInput,
    overrides?: { origin?: string; attestationFormat?: AttestationFormat },
  ): Promise<DsmAttestationResult>;
  /** Like `navigator.credentials.get()`: an assertion from one of the allowed credentials. */
  getAssertion(
    options: RequestOptionsInput,
    overrides?: {
      origin?: string;
      /** Sign with this counter instead of the next one: a cloned or reset key, for tests. */
      signCount?: number;
    },
  ): Promise<DsmAssertionResult>;
}

interface HeldCredential extends SoftCredential {
  rawId: Buffer;
  privateKey: KeyObject;
}

const FLAG_UP = 0x01;
const FLAG_AT = 0x40;
const ES256 = -7;

let attestationKey: KeyObject | undefined;
let attestationCertificate: Buffer | undefined;

function attestationMaterial(): { key: KeyObject; certificate: Buffer } {
  attestationKey ??= createPrivateKey(TEST_ATTESTATION_PRIVATE_KEY_PEM.trim());
  attestationCertificate ??= new X509Certificate(TEST_ATTESTATION_CERTIFICATE_PEM.trim()).raw;
  return { key: attestationKey, certificate: attestationCertificate };
}

function bytes(input: BinaryInput, what: string): Buffer {
  if (typeof input === 'string') {
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(input)) throw new TypeError(`${what} is not base64url.`);
    return Buffer.from(input.replace(/\+/g, '-').replace(/\//g, '_'), 'base64url');
  }
  if (input instanceof ArrayBuffer) return Buffer.from(input);
  if (ArrayBuffer.isView(input))
    return Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  throw new TypeError(`${what} must be base64url text or bytes.`);
}

const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();

function uint32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out;
}

function notAllowed(message: string): DOMException {
  return new DOMException(message, 'NotAllowedError');
}

function clientData(
  type: 'webauthn.create' | 'webauthn.get',
  challenge: BinaryInput,
  origin: string,
) {
  const json = JSON.stringify({
    type,
    challenge: bytes(challenge, 'challenge').toString('base64url'),
    origin,
    crossOrigin: false,
  });
  return Buffer.from(json, 'utf8');
}

function supportsEs256(params: CreationOptionsInput['pubKeyCredParams']): boolean {
  return params.some(
    (p) => p.alg === ES256 || (typeof p.alg === 'string' && p.alg.toLowerCase() === 'es256'),
  );
}

export function createSoftAuthenticator(options: SoftAuthenticatorOptions = {}): SoftAuthenticator {
  const origin = options.origin ?? 'http://localhost';
  const defaultRpId = options.rpId ?? new URL(origin).hostname;
  const defaultFormat = options.attestationFormat ?? 'fido-u2f';
  const transports = options.transports ?? ['usb'];
  const held: HeldCredential[] = [];

  return {
    origin,
    get credentials() {
      return held.map(({ id, rpId, userHandle, signCount }) => ({
        id,
        rpId,
        ...(userHandle !== undefined && { userHandle }),
        signCount,
      }));
    },

    async createCredential(creation, overrides = {}) {
      if (!creation || typeof creation !== 'object' || !creation.rp || !creation.user) {
        throw new TypeError('createCredential needs creation options with rp, user and challenge.');
      }
      if (!Array.isArray(creation.pubKeyCredParams) || !supportsEs256(creation.pubKeyCredParams)) {
        throw new DOMException('Only ES256 (alg -7) is supported.', 'NotSupportedError');
      }
      const rpId = creation.rp.id ?? creation.rp.entity?.id ?? defaultRpId;
      const excluded = (creation.excludeCredentials ?? []).map((d) =>
        bytes(d.id, 'excludeCredentials.id'),
      );
      if (held.some((c) => c.rpId === rpId && excluded.some((id) => id.equals(c.rawId)))) {
        throw new DOMException(
          'This authenticator already holds an excluded credential.',
          'InvalidStateError',
        );
      }
      const userId = creation.user.id ?? creation.user.entity?.id;
      const format = overrides.attestationFormat ?? defaultFormat;

      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const jwk = publicKey.export({ format: 'jwk' });
      const x = Buffer.from(jwk.x ?? '', 'base64url');
      const y = Buffer.from(jwk.y ?? '', 'base64url');
      const rawId = randomBytes(32);
      const coseKey = isoCBOR.encode(
        new Map<number, number | Uint8Array>([
          [1, 2], // kty: EC2
          [3, ES256], // alg
          [-1, 1], // crv: P-256
          [-2, x],
          [-3, y],
        ]),
      );
      const rpIdHash = sha256(Buffer.from(rpId, 'utf8'));
      const credentialLength = Buffer.alloc(2);
      credentialLength.writeUInt16BE(rawId.length);
      const authData = Buffer.concat([
        rpIdHash,
        Buffer.from([FLAG_UP | FLAG_AT]),
        uint32(0),
        Buffer.alloc(16), // AAGUID: zero, as fido-u2f requires
        credentialLength,
        rawId,
        coseKey,
      ]);
      const clientDataJSON = clientData(
        'webauthn.create',
        creation.challenge,
        overrides.origin ?? origin,
      );
      const clientDataHash = sha256(clientDataJSON);

      let attStmt: Map<string, unknown>;
      if (format === 'fido-u2f') {
        const { key, certificate } = attestationMaterial();
        const signatureBase = Buffer.concat([
          Buffer.from([0x00]),
          rpIdHash,
          clientDataHash,
          rawId,
          Buffer.concat([Buffer.from([0x04]), x, y]),
        ]);
        attStmt = new Map<string, unknown>([
          ['sig', sign('sha256', signatureBase, key)],
          ['x5c', [certificate]],
        ]);
      } else if (format === 'packed') {
        // Self attestation: signed by the credential's own key.
        attStmt = new Map<string, unknown>([
          ['alg', ES256],
          ['sig', sign('sha256', Buffer.concat([authData, clientDataHash]), privateKey)],
        ]);
      } else {
        attStmt = new Map();
      }
      const attestationObject = isoCBOR.encode(
        new Map<string, unknown>([
          ['fmt', format],
          ['attStmt', attStmt],
          ['authData', authData],
        ]) as Parameters<typeof isoCBOR.encode>[0],
      );

      const id = rawId.toString('base64url');
      held.push({
        id,
        rawId,
        rpId,
        privateKey,
        signCount: 0,
        ...(userId !== undefined && { userHandle: bytes(userId, 'user.id').toString('base64url') }),
      });
      return {
        id,
        type: 'public-key',
        response: {
          clientDataJSON: clientDataJSON.toString('base64url'),
          attestationObject: Buffer.from(attestationObject).toString('base64url'),
          getTransports: [...transports],
        },
      };
    },

    async getAssertion(request, overrides = {}) {
      if (!request || typeof request !== 'object' || request.challenge === undefined) {
        throw new TypeError('getAssertion needs request options with a challenge.');
      }
      const rpId = request.rpId ?? defaultRpId;
      const allowed = (request.allowCredentials ?? []).map((d) =>
        bytes(d.id, 'allowCredentials.id'),
      );
      const credential = held.find(
        (c) =>
          c.rpId === rpId && (allowed.length === 0 || allowed.some((id) => id.equals(c.rawId))),
      );
      if (!credential) throw notAllowed(`No credential for ${rpId} among the allowed ones.`);
      credential.signCount = overrides.signCount ?? credential.signCount + 1;
      const authData = Buffer.concat([
        sha256(Buffer.from(rpId, 'utf8')),
        Buffer.from([FLAG_UP]),
        uint32(credential.signCount),
      ]);
      const clientDataJSON = clientData(
        'webauthn.get',
        request.challenge,
        overrides.origin ?? origin,
      );
      const signature = sign(
        'sha256',
        Buffer.concat([authData, sha256(clientDataJSON)]),
        credential.privateKey,
      );
      return {
        id: credential.id,
        type: 'public-key',
        response: {
          clientDataJSON: clientDataJSON.toString('base64url'),
          authenticatorData: authData.toString('base64url'),
          signature: signature.toString('base64url'),
          ...(credential.userHandle !== undefined && { userHandle: credential.userHandle }),
        },
      };
    },
  };
}
