// The fault matrix: every DSM operation the workflow sends × every fault the emulator injects.
// What each cell proves is in faultMatrix.ts; the rule that predicts it in faultMatrix.cases.ts.
import { OPERATIONS } from './faultMatrix.cases.js';
import { defineFaultMatrix } from './faultMatrix.js';

defineFaultMatrix(OPERATIONS.map((row) => row.operationId));
