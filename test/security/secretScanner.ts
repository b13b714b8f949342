/**
 * Collects everything a secret could leak into, surface by surface, and finds the secrets in
 * it in every form a server, a logger or a serializer might give them.
 */
import { format, inspect } from 'node:util';

/** The forms a secret takes on its way out: raw, JSON-escaped, URL-encoded, base64. */
export function formsOf(secret: string): string[] {
  const forms = new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]);
  forms.add(Buffer.from(secret, 'utf8').toString('base64'));
  forms.add(Buffer.from(secret, 'utf8').toString('base64url'));
  return [...forms];
}

/** Every way a value is shown: JSON, `util.inspect` (deep), `String`, and an error's stack. */
export function renderings(value: unknown): string[] {
  const shown = [inspect(value, { depth: 8, getters: true })];
  try {
    shown.push(JSON.stringify(value) ?? '');
  } catch {
    // Circular values have no JSON form; inspect covered them.
  }
  if (value instanceof Error) {
    shown.push(String(value), value.stack ?? '');
    const toJSON = (value as { toJSON?: () => unknown }).toJSON;
    if (typeof toJSON === 'function') shown.push(JSON.stringify(toJSON.call(value)));
  } else if (typeof value === 'string') {
    shown.push(value);
  }
  return shown;
}

export class SecretScanner {
  readonly #surfaces = new Map<string, string[]>();
  readonly #secrets = new Map<string, string>();

  /** A secret to look for, by a name that says what it is (never printed itself). */
  secret(name: string, value: string): void {
    this.#secrets.set(name, value);
  }

  /** Adds what `value` shows, under a surface name. */
  add(surface: string, value: unknown): void {
    const list = this.#surfaces.get(surface) ?? [];
    list.push(...renderings(value));
    this.#surfaces.set(surface, list);
  }

  /** Captures `console.*` output (what libraries log) into the `console` surface. */
  captureConsole(): () => void {
    const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
    const originals = methods.map((method) => console[method]);
    for (const method of methods) {
      console[method] = (...args: unknown[]) => this.add('console', format(...args));
    }
    return () => {
      methods.forEach((method, i) => {
        console[method] = originals[i]!;
      });
    };
  }

  /** Each surface with all the text it showed. */
  surfaces(): Array<[surface: string, text: string]> {
    return [...this.#surfaces].map(([surface, texts]) => [surface, texts.join('\n')]);
  }

  /** How much text each surface holds, to prove the scan looked at something. */
  sizes(): Record<string, number> {
    return Object.fromEntries(
      [...this.#surfaces].map(([surface, texts]) => [surface, texts.join('\n').length]),
    );
  }

  /** `surface: secret name (form n)` for every occurrence; empty when clean. */
  findings(): string[] {
    const found: string[] = [];
    for (const [surface, texts] of this.#surfaces) {
      const text = texts.join('\n');
      for (const [name, value] of this.#secrets) {
        formsOf(value).forEach((form, index) => {
          if (text.includes(form)) found.push(`${surface}: ${name} (form ${index})`);
        });
      }
    }
    return found;
  }
}
