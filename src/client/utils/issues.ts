import type * as z from 'zod/mini';
import type { DsmValidationIssue } from '../errors/validationErrors.js';

type RawIssue = Parameters<z.core.$ZodErrorMap>[0];

/**
 * Messages for zod's issues. zod/mini ships without messages (a locale would add kilobytes to
 * the browser bundle), and these name what was expected, never the value that was received.
 */
export function describeIssue(issue: RawIssue): string {
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
      return `unknown field(s): ${issue.keys.join(', ')}`;
    case 'invalid_union':
      return 'matches none of the documented shapes';
    default:
      return 'invalid';
  }
}

/** zod's issues as `{ path, message }`, without values. */
export function toValidationIssues(issues: readonly z.core.$ZodIssue[]): DsmValidationIssue[] {
  return issues.map((issue) => ({
    path: issue.path.map((key) => (typeof key === 'number' ? key : String(key))),
    message: issue.message,
  }));
}
