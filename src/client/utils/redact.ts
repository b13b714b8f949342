import { utf8ToBase64 } from './base64.js';

export const REDACTED = '[redacted]';

/** The forms a secret may take when a server or a proxy echoes it back. */
function variants(secret: string): string[] {
  const forms = new Set([secret, JSON.stringify(secret).slice(1, -1)]);
  for (const encode of [encodeURIComponent, utf8ToBase64]) {
    try {
      forms.add(encode(secret));
    } catch {
      // A lone surrogate cannot be encoded (URIError): the raw forms above still apply.
    }
  }
  return [...forms];
}

/** Below this length a secret is redacted only where it stands alone, not inside words. */
const minInWordLength = 8;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Replaces each secret (raw, URL-encoded, JSON-escaped, base64) in `text` with `[redacted]`.
 * Longer forms go first so that a secret inside another is not half-replaced. A short secret
 * (under 8 characters) is replaced where it is not part of a longer word, so that a password
 * like `pw` is caught when echoed but does not shred DSM's message.
 */
export function redact(text: string, secrets: readonly string[]): string {
  const forms = secrets
    .filter((secret) => secret.length > 0)
    .flatMap(variants)
    .sort((a, b) => b.length - a.length);
  let result = text;
  for (const form of forms) {
    result =
      form.length >= minInWordLength
        ? result.split(form).join(REDACTED)
        : result.replace(
            new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(form)}(?![\\p{L}\\p{N}])`, 'gu'),
            REDACTED,
          );
  }
  return result;
}

/** Cuts text to `max` characters, marking the cut. */
export function truncate(text: string, max = 500): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
