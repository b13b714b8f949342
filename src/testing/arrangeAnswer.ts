/**
 * Makes DSM answer a model event the way the event says, by changing the emulator before the
 * user acts: an injected fault, or a real change of server state (another tab of the same
 * session locking or unlocking, the session expiring), so that the server's truth stays right.
 */
import type { ConfigOperationKind } from '../../machines/twoFactorConfig.types.js';
import type { EmulatorApp } from '../emulator/app.js';
import type { DsmOperationId } from '../emulator/operations.js';
import type { WorkflowModelEvent } from './workflowModel.js';

export interface ArrangeContext {
  emulator: EmulatorApp;
  /** The current session's bearer token. */
  token: () => string;
  password: string;
  /** How many attempts the client makes at a terminate (its retry limit + 1). */
  terminateAttempts: number;
}

const configOperationIds: Record<ConfigOperationKind, DsmOperationId> = {
  newDeviceChallenge: 'MfaNewChallenge',
  addDevice: 'MfaNewChallenge',
  removeDevice: 'UpdateUser',
  renameDevice: 'UpdateUser',
  generateRecoveryCodes: 'GenerateRecoveryCodes',
};

/** Another tab of the same session calls DSM directly (it shares the session's lock). */
async function otherTab(context: ArrangeContext, path: string, body?: unknown): Promise<void> {
  const response = await context.emulator.fetch(path, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${context.token()}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`The testbed's other tab got ${response.status} on ${path}.`);
}

export async function arrangeAnswer(
  event: WorkflowModelEvent,
  context: ArrangeContext,
): Promise<void> {
  if (!('answer' in event) || event.answer === 'ok' || event.answer === 'wrongPassword') return;
  const { emulator } = context;
  switch (event.answer) {
    case 'sessionExpired':
      emulator.expireSession(context.token());
      return;
    case 'networkError':
      emulator.injectFault({ kind: 'drop', match: { operationId: 'Config2faAuth' } });
      return;
    case 'serverError':
      emulator.injectFault({
        kind: 'status',
        status: 500,
        match: {
          operationId:
            event.type === 'CONFIG_OP' ? configOperationIds[event.kind] : 'Config2faAuth',
        },
      });
      return;
    case 'retried':
      // Every attempt of one terminate call fails; the workflow's own retry gets through.
      emulator.injectFault({
        kind: 'status',
        status: 503,
        match: { operationId: 'Config2faTerminate' },
        times: context.terminateAttempts,
      });
      return;
    case 'configLocked':
      await otherTab(context, '/sys/v1/session/config_2fa/terminate');
      return;
    case 'configUnlocked':
      await otherTab(context, '/sys/v1/session/config_2fa/auth', { password: context.password });
      return;
  }
}
