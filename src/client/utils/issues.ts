import type * as z from 'zod/mini';
import type { DsmValidationIssue } from '../errors/index.js';

type RawIssue = Parameters<z.core.$ZodErrorMap>[0];

/**
 * Messages for zod/mini's issues (a locale would add kilobytes), from the schema alone: never
 * the value received, nor a key the data brought (an unknown field is counted).
 */
export function describeIssue(issue: RawIssue): string {
  return describe(issue, false);
}

/** The same for the caller's own input, whose unknown keys are named. */
export function describeInputIssue(issue: RawIssue): string {
  return describe(issue, true);
}

function describe(issue: RawIssue, nameKeys: boolean): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? `required (${issue.expected})`
        : `expected ${issue.expected}`;
    case 'too_small':
      return issue.origin === 'string' && issue.minimum === 1
        ? 'must not be empty'
        : `must be at least ${issue.minimum}${issue.origin === 'array' ? ' item(s)' : ''}`;
    case 'too_big':
      return `must be at most ${issue.maximum}${issue.origin === 'array' ? ' item(s)' : ''}`;
    case 'invalid_format':
      return `must be a valid ${issue.format === 'regex' ? 'value' : issue.format}`;
    case 'invalid_value':
      return `expected ${issue.values.map((value) => JSON.stringify(value)).join(' or ')}`;
    case 'unrecognized_keys':
      return nameKeys
        ? `unknown field(s): ${issue.keys.map((key) => key.slice(0, 64)).join(', ')}`
        : `${issue.keys.length} unknown field(s)`;
    case 'invalid_union':
      return 'matches none of the documented shapes';
    default:
      return 'invalid';
  }
}

/** What a path segment stands for when the data, not the schema, named it. */
const DYNAMIC_KEY = '<key>';

interface SchemaDef {
  type: string;
  shape?: Record<string, unknown>;
  element?: unknown;
  valueType?: unknown;
  innerType?: unknown;
  options?: readonly unknown[];
  in?: unknown;
  out?: unknown;
  getter?: () => unknown;
  left?: unknown;
  right?: unknown;
  items?: readonly unknown[];
}

function defOf(schema: unknown): SchemaDef | undefined {
  return (schema as { _zod?: { def?: SchemaDef } } | undefined)?._zod?.def;
}

/** The schemas a key leads to from `schema` (several for a union), or none. */
function childSchemas(schema: unknown, key: PropertyKey, depth = 0): unknown[] {
  const def = defOf(schema);
  if (!def || depth > 32) return [];
  switch (def.type) {
    case 'object':
      return typeof key === 'string' && def.shape && Object.hasOwn(def.shape, key)
        ? [def.shape[key]]
        : [];
    case 'array':
      return typeof key === 'number' ? [def.element] : [];
    case 'tuple':
      return typeof key === 'number' && def.items?.[key] ? [def.items[key]] : [];
    case 'union':
      return (def.options ?? []).flatMap((option) => childSchemas(option, key, depth + 1));
    case 'intersection':
      return [def.left, def.right].flatMap((part) => childSchemas(part, key, depth + 1));
    case 'pipe':
      return childSchemas(def.in, key, depth + 1);
    case 'lazy':
      return def.getter ? childSchemas(def.getter(), key, depth + 1) : [];
    default:
      return def.innerType === undefined ? [] : childSchemas(def.innerType, key, depth + 1);
  }
}

/** A record's value schema when `schema` is (or wraps) a record. */
function recordValues(schema: unknown, depth = 0): unknown[] {
  const def = defOf(schema);
  if (!def || depth > 32) return [];
  if (def.type === 'record') return [def.valueType];
  if (def.type === 'union') return (def.options ?? []).flatMap((o) => recordValues(o, depth + 1));
  if (def.type === 'pipe') return recordValues(def.in, depth + 1);
  if (def.type === 'lazy' && def.getter) return recordValues(def.getter(), depth + 1);
  return def.innerType === undefined ? [] : recordValues(def.innerType, depth + 1);
}

/**
 * The issue's path with every key the data chose replaced by `<key>`: a key survives only
 * where the schema itself names it (an object's field) or it is an array index. A response
 * whose record uses the bearer token as a key shows `groups.<key>`, never the token.
 */
function schemaPath(schema: unknown, path: readonly PropertyKey[]): (string | number)[] {
  const safe: (string | number)[] = [];
  let at: unknown[] = [schema];
  for (const key of path) {
    const named = at.flatMap((node) => childSchemas(node, key));
    if (named.length > 0) {
      safe.push(typeof key === 'number' ? key : String(key));
      at = named;
      continue;
    }
    safe.push(typeof key === 'number' ? key : DYNAMIC_KEY);
    at = at.flatMap((node) => recordValues(node));
  }
  return safe;
}

/** zod's issues as `{ path, message }`: schema paths and schema-made messages only. */
export function toValidationIssues(
  schema: unknown,
  issues: readonly z.core.$ZodIssue[],
): DsmValidationIssue[] {
  return issues.map((issue) => ({
    path: schemaPath(schema, issue.path),
    message: issue.message,
  }));
}
