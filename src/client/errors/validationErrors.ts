import { DsmError } from './DsmError.js';

/** One schema failure: where it is and what was expected. Never the value itself. */
export interface DsmValidationIssue {
  path: (string | number)[];
  message: string;
}

function summarize(issues: readonly DsmValidationIssue[]): string {
  const shown = issues.slice(0, 3).map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    return `${where}: ${issue.message}`;
  });
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
  return `${shown.join('; ')}${more}`;
}

/**
 * Thrown when a DSM response could not be accepted: a success status whose body is not JSON,
 * whose content type is not JSON, or whose JSON fails the operation's schema (derived from DSM's
 * OpenAPI document; unknown extra fields are fine). `operationId` and `status` say which
 * response; `issues` lists what was wrong as `{ path, message }`, never the body's values.
 */
export class DsmResponseValidationError extends DsmError {
  override readonly name: string = 'DsmResponseValidationError';
  declare readonly code: 'INVALID_RESPONSE';
  readonly operationId: string;
  readonly status: number;
  readonly issues: readonly DsmValidationIssue[];

  constructor(operationId: string, status: number, issues: readonly DsmValidationIssue[]) {
    super(
      'INVALID_RESPONSE',
      `DSM's response to ${operationId} (HTTP ${status}) is not what DSM documents: ${summarize(issues)}. ` +
        'Check that the base URL points at DSM and not at a proxy or another service.',
    );
    this.operationId = operationId;
    this.status = status;
    this.issues = issues;
  }
}

/**
 * Thrown before any request is sent when an operation's input fails its schema: an empty
 * password, a device name with a line break, two devices added at once, an id that is not a
 * UUID, a `Secret` that was already cleared. `issues` lists `{ path, message }` without values.
 */
export class DsmRequestValidationError extends DsmError {
  override readonly name: string = 'DsmRequestValidationError';
  declare readonly code: 'INVALID_REQUEST';
  readonly operationId: string;
  readonly issues: readonly DsmValidationIssue[];

  constructor(operationId: string, issues: readonly DsmValidationIssue[]) {
    super(
      'INVALID_REQUEST',
      `Invalid input for ${operationId}, nothing was sent: ${summarize(issues)}.`,
    );
    this.operationId = operationId;
    this.issues = issues;
  }
}
