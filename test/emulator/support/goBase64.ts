/**
 * Go's `encoding/base64` decoders, as strict as DSM's Go client (sdkms-client-go) is: it decodes
 * `Blob` with `StdEncoding` and `Base64UrlSafe` with `URLEncoding`, and refuses anything else with
 * `illegal base64 data at input byte N`. Also the `Raw*` (unpadded) encodings, and Go's `Strict()`
 * check that unused trailing bits are zero. Newlines, which Go skips, are refused: nothing the
 * emulator sends has them.
 */
export type GoEncoding = 'StdEncoding' | 'URLEncoding' | 'RawStdEncoding' | 'RawURLEncoding';

const STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Go's `base64.CorruptInputError`. */
export class GoCorruptInputError extends Error {
  constructor(readonly offset: number) {
    super(`illegal base64 data at input byte ${offset}`);
    this.name = 'GoCorruptInputError';
  }
}

/** Decodes like Go's `enc.Strict().DecodeString(text)`; throws `GoCorruptInputError`. */
export function goDecode(encoding: GoEncoding, text: string): Uint8Array {
  const alphabet = encoding.endsWith('URLEncoding') ? URL_SAFE : STD;
  const padded = !encoding.startsWith('Raw');
  const firstPad = text.indexOf('=');
  const data = firstPad === -1 ? text : text.slice(0, firstPad);
  for (let i = 0; i < data.length; i++) {
    if (!alphabet.includes(data.charAt(i))) throw new GoCorruptInputError(i);
  }
  const rest = data.length % 4;
  if (rest === 1) throw new GoCorruptInputError(data.length);
  if (padded) {
    const padding = text.length - data.length;
    // A padded quantum is 2 data characters and "==", or 3 and "="; a full one has none.
    const wanted = rest === 0 ? 0 : 4 - rest;
    if (padding !== wanted || text.slice(data.length) !== '='.repeat(padding)) {
      throw new GoCorruptInputError(data.length + Math.min(padding, wanted));
    }
  } else if (firstPad !== -1) {
    throw new GoCorruptInputError(firstPad);
  }
  // Strict(): the bits of the last character that do not make a whole byte must be zero.
  if (rest !== 0) {
    const last = alphabet.indexOf(data.charAt(data.length - 1));
    const unusedBits = rest === 2 ? 4 : 2;
    if ((last & ((1 << unusedBits) - 1)) !== 0) throw new GoCorruptInputError(data.length - 1);
  }
  return new Uint8Array(Buffer.from(data, alphabet === STD ? 'base64' : 'base64url'));
}

/** Whether Go's decoder for `encoding` takes `text`. */
export function goAccepts(encoding: GoEncoding, text: string): boolean {
  try {
    goDecode(encoding, text);
    return true;
  } catch {
    return false;
  }
}
