/**
 * The operations the workflow may send only in one state, from the client's one operation
 * table (src/client/operations.ts), for the checks of invariant 2.
 */
import { operationIdsSentWhile } from '../../src/client/operations.js';

/** Sent only while unlocked and before the deadline: the config operations. */
export const CONFIG_OPERATION_IDS: ReadonlySet<string> = new Set(operationIdsSentWhile('unlocked'));
/** Sent only while locked: the approval operations. */
export const APPROVAL_OPERATION_IDS: ReadonlySet<string> = new Set(operationIdsSentWhile('locked'));
