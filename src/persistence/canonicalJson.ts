/**
 * One text for one JSON value, whatever order its keys were written in: object keys sorted by
 * UTF-16 code units at every depth, no whitespace, strings and numbers as `JSON.stringify`
 * writes them (deterministic in ECMAScript). What a snapshot's signature covers, so that a
 * store which re-serializes the JSON keeps it valid while any change of a value breaks it.
 *
 * Takes JSON data only (what `JSON.parse` returns). Returns `undefined` for anything else, or
 * for nesting deeper than `depthLeft`, so hostile input can neither throw nor exhaust the stack.
 */
export function canonicalJson(value: unknown, depthLeft = 32): string | undefined {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : undefined;
  if (typeof value !== 'object' || depthLeft === 0) return undefined;
  const isArray = Array.isArray(value);
  const prototype = Object.getPrototypeOf(value);
  if (!isArray && prototype !== Object.prototype && prototype !== null) return undefined;
  const parts: string[] = [];
  const keys = isArray ? value.keys() : Object.keys(value).sort();
  for (const key of keys) {
    const text = canonicalJson((value as Record<PropertyKey, unknown>)[key], depthLeft - 1);
    if (text === undefined) return undefined;
    parts.push(isArray ? text : `${JSON.stringify(key)}:${text}`);
  }
  return isArray ? `[${parts.join(',')}]` : `{${parts.join(',')}}`;
}
