import { DsmError } from '../client/errors/DsmError.js';
import { UnexpectedFailureError } from './errors.js';

/** What an operation's caller receives: DSM's result, or the error exactly as it was thrown. */
export type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * The failure the machine may see: one of the library's own errors, whose message, JSON and
 * inspect forms hold only text the library wrote (DSM's text stays behind their accessor).
 * Anything else is replaced, so no foreign text reaches a snapshot, an event or the inspector.
 */
export function toMachineFailure(error: unknown): DsmError {
  if (error instanceof DsmError) return error;
  return new UnexpectedFailureError();
}
