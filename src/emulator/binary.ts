/**
 * DSM's two binary string types, as the emulator writes and reads them.
 *
 * - `Blob` (an inline `type: string, format: byte` in DSM's OpenAPI document, such as
 *   `allowed_mfa_methods[].fido2.challenge_token`): RFC 4648 standard base64 with `=` padding.
 *   DSM's Go client decodes it with `base64.StdEncoding`, which refuses anything else.
 * - `Base64UrlSafe` (a `$ref` to `#/components/schemas/Base64UrlSafe`: WebAuthn's challenge,
 *   `user.id`, credential ids): base64url, padded or not as the option `base64UrlPadding` says.
 *
 * Inside the emulator every Base64UrlSafe value is kept unpadded (as WebAuthn's clientDataJSON
 * carries the challenge); the padding is added only on the way out. What clients send is read in
 * either alphabet, padded or not.
 */
import { randomBytes } from 'node:crypto';

/** A fresh random `Blob`: `bytes` random bytes as padded standard base64. */
export function randomBlob(bytes = 32): string {
  return randomBytes(bytes).toString('base64');
}

/** An unpadded base64url value in the wire form of a `Base64UrlSafe` field. */
export function base64UrlOnWire(unpadded: string, padded: boolean): string {
  return padded ? unpadded.padEnd(Math.ceil(unpadded.length / 4) * 4, '=') : unpadded;
}

/** base64 or base64url, padded or not, as unpadded base64url; undefined if it is neither. */
export function toBase64Url(value: unknown): string | undefined {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) return undefined;
  return value.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}
