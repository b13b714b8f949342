/**
 * One text for one JSON value, whatever order its keys were written in: object keys sorted by
 * UTF-16 code units at every depth, no whitespace, strings and numbers as `JSON.stringify`
 * writes them (deterministic in ECMAScript). What a snapshot's signature covers, so that a
 * store which re-serializes the JSON keeps it valid while any change of a value breaks it.
 *
 * Takes JSON data only (what `JSON.parse` returns). Returns `undefined` for anything else, or
 * for nesting deeper than `maxDepth`, so hostile input can neither throw nor exhaust the stack.
 */
export function canonicalJson(value: unknown, maxDepth = 32): string | undefined {
  return write(value, maxDepth);
}

function write(value: unknown, depthLeft: number): string | undefined {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : undefined;
  if (typeof value !== 'object' || depthLeft === 0) return undefined;
  const parts: string[] = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      const text = write(item, depthLeft - 1);
      if (text === undefined) return undefined;
      parts.push(text);
    }
    return `[${parts.join(',')}]`;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) {
    return undefined;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record).sort()) {
    const text = write(record[key], depthLeft - 1);
    if (text === undefined) return undefined;
    parts.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${parts.join(',')}}`;
}
