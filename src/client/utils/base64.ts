/** Standard base64 of a string's UTF-8 bytes (RFC 7617 Basic credentials), browser and Node. */
export function utf8ToBase64(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
