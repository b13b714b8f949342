import type { Fido2CreationOptions, Fido2RequestOptions } from './schemas.js';
import { toBase64Url } from './utils/base64.js';

/** A credential descriptor in WebAuthn's JSON form. */
export interface WebAuthnCredentialDescriptorJSON {
  id: string;
  type: 'public-key';
  transports?: string[];
}

/** `PublicKeyCredentialCreationOptionsJSON` (WebAuthn Level 3, binary fields base64url). */
export interface WebAuthnCreationOptionsJSON {
  rp: { id?: string; name: string };
  user: { id: string; name: string; displayName: string };
  challenge: string;
  pubKeyCredParams: { type: 'public-key'; alg: number }[];
  timeout?: number;
  excludeCredentials: WebAuthnCredentialDescriptorJSON[];
  authenticatorSelection?: {
    authenticatorAttachment?: 'platform' | 'cross-platform';
    residentKey?: 'discouraged' | 'preferred' | 'required';
    requireResidentKey?: boolean;
    userVerification?: 'required' | 'preferred' | 'discouraged';
  };
  attestation: 'none' | 'indirect' | 'direct' | 'enterprise';
  extensions?: { appid?: string; appidExclude?: string };
}

/** `PublicKeyCredentialRequestOptionsJSON`. */
export interface WebAuthnRequestOptionsJSON {
  challenge: string;
  timeout?: number;
  rpId?: string;
  allowCredentials?: WebAuthnCredentialDescriptorJSON[];
  userVerification?: 'required' | 'preferred' | 'discouraged';
  extensions?: { appid?: string; appidExclude?: string };
}

/** Drops `null`s: DSM writes absent options as `null`, WebAuthn wants them left out. */
function defined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], null> } {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== null && v !== undefined),
  ) as { [K in keyof T]: Exclude<T[K], null> };
}

function descriptors(
  list: Fido2CreationOptions['excludeCredentials'] | undefined,
): WebAuthnCredentialDescriptorJSON[] {
  return (list ?? []).map(({ id, type, transports }) => {
    const descriptor = { id: toBase64Url(id), type };
    return transports ? { ...descriptor, transports } : descriptor;
  });
}

/**
 * DSM's creation options (nested `rp.entity` / `user.entity`, `alg: "Es256"`, or already
 * flat) in the flat WebAuthn shape `navigator.credentials.create()` expects, with `alg: -7`.
 */
export function toWebAuthnCreationOptions(
  options: Fido2CreationOptions,
): WebAuthnCreationOptionsJSON {
  const rp =
    'entity' in options.rp
      ? defined({ id: options.rp.entity.id, name: options.rp.name ?? options.rp.entity.id ?? '' })
      : defined({ id: options.rp.id, name: options.rp.name });
  const user =
    'entity' in options.user
      ? { ...options.user.entity, name: options.user.name ?? options.user.entity.displayName }
      : options.user;
  const selection = options.authenticatorSelection;
  return defined({
    rp,
    user: { id: toBase64Url(user.id), name: user.name, displayName: user.displayName },
    challenge: toBase64Url(options.challenge),
    pubKeyCredParams: options.pubKeyCredParams.map(({ type, alg }) => ({
      type,
      alg: alg === 'Es256' ? -7 : alg,
    })),
    timeout: options.timeout,
    excludeCredentials: descriptors(options.excludeCredentials),
    authenticatorSelection: selection ? defined(selection) : undefined,
    attestation: options.attestation,
    extensions: options.extensions ? defined(options.extensions) : undefined,
  });
}

/** DSM's request options with `null`s dropped and binary fields in base64url. */
export function toWebAuthnRequestOptions(options: Fido2RequestOptions): WebAuthnRequestOptionsJSON {
  return defined({
    challenge: toBase64Url(options.challenge),
    timeout: options.timeout,
    rpId: options.rpId,
    allowCredentials: options.allowCredentials ? descriptors(options.allowCredentials) : undefined,
    userVerification: options.userVerification,
    extensions: options.extensions ? defined(options.extensions) : undefined,
  });
}
