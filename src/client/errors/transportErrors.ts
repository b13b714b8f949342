import { DsmError } from './DsmError.js';

/**
 * Thrown when no HTTP response arrived: DNS failure, refused or reset connection, TLS failure,
 * a proxy that dropped the request. `operationId` names the operation; `cause` holds a plain
 * `Error` with the low-level message and, when there was one, its `code` (e.g. `ECONNREFUSED`),
 * redacted like everything else. Idempotent operations are retried before this is thrown.
 */
export class DsmNetworkError extends DsmError {
  override readonly name: string = 'DsmNetworkError';
  declare readonly code: 'NETWORK';
  readonly operationId: string;

  constructor(operationId: string, origin: string, cause: Error) {
    const detail = 'code' in cause && typeof cause.code === 'string' ? cause.code : cause.message;
    super(
      'NETWORK',
      `Could not reach DSM at ${origin} for ${operationId} (${detail}). Check the base URL and the network.`,
      { cause },
    );
    this.operationId = operationId;
  }
}

/**
 * Thrown when one attempt got no complete response (headers and body) within `timeoutMs`
 * (the client's `timeoutMs`, default 30 000). The request may still have reached DSM: a timed-out
 * `config2faAuth` may have unlocked the configuration. Timeouts are not retried.
 */
export class DsmTimeoutError extends DsmError {
  override readonly name: string = 'DsmTimeoutError';
  declare readonly code: 'TIMEOUT';
  readonly operationId: string;
  readonly timeoutMs: number;

  constructor(operationId: string, timeoutMs: number) {
    super(
      'TIMEOUT',
      `DSM did not answer ${operationId} within ${timeoutMs} ms. Check the network, or raise timeoutMs.`,
    );
    this.operationId = operationId;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * Thrown when the caller's `AbortSignal` fired, before the request was sent, while it was in
 * flight, or while waiting to retry. Like a timeout, an aborted request may have reached DSM.
 */
export class DsmAbortedError extends DsmError {
  override readonly name: string = 'DsmAbortedError';
  declare readonly code: 'ABORTED';
  readonly operationId: string;

  constructor(operationId: string) {
    super('ABORTED', `${operationId} was aborted by its caller's AbortSignal.`);
    this.operationId = operationId;
  }
}
