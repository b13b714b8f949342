/** Standard base64 of bytes, browser and Node. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * Whether `text` is base64 in one alphabet, standard or URL-safe, padded or not. DSM's document
 * has two binary types (`Blob`: standard base64, padded; `Base64UrlSafe`: base64url) and which
 * padding DSM sends is not documented, so every binary field is read in all four forms.
 */
export function isBase64Text(text: string): boolean {
  const data = text.replace(/={1,2}$/, '');
  if (data.length % 4 === 1) return false;
  // Padding, when present, completes the last quantum exactly.
  if (data.length !== text.length && text.length % 4 !== 0) return false;
  return /^[A-Za-z0-9+/]*$/.test(data) || /^[A-Za-z0-9_-]*$/.test(data);
}

/** Any form `isBase64Text` accepts, as unpadded base64url: the form WebAuthn's JSON takes. */
export function toBase64Url(text: string): string {
  return text.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}
