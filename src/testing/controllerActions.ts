/**
 * What each model event does when no UI is plugged in: the controller calls an app would make
 * (the security key's part done by the software authenticator), and time moved as the event
 * says.
 */
import type {
  ApprovalOperationKind,
  ConfigOperationKind,
} from '../../machines/twoFactorConfig.types.js';
import type { EmulatorApp } from '../emulator/app.js';
import type { SoftAuthenticator } from '../emulator/softAuthenticator.js';
import type { TwoFactorConfig } from '../workflow/createTwoFactorConfig.js';
import type { WorkflowTestbed } from './testbed.js';
import type { WorkflowModelEvent } from './workflowModel.js';

interface ActionContext {
  workflow: () => TwoFactorConfig;
  emulator: EmulatorApp;
  authenticator: SoftAuthenticator;
  email: string;
}

/** Names of the keys the actions added, so remove and rename have something to act on. */
export class KeyNames {
  #added: string[] = [];
  #serial = 0;

  next(): string {
    this.#serial += 1;
    return `model key ${this.#serial}`;
  }

  added(name: string): void {
    this.#added.push(name);
  }

  renamed(oldName: string, newName: string): void {
    this.#added = this.#added.map((name) => (name === oldName ? newName : name));
  }

  removed(name: string): void {
    this.#added = this.#added.filter((added) => added !== name);
  }

  get last(): string | undefined {
    return this.#added.at(-1);
  }
}

async function addKey(context: ActionContext, keys: KeyNames): Promise<string> {
  const workflow = context.workflow();
  const creation = await workflow.newDeviceChallenge();
  const attestation = await context.authenticator.createCredential(creation);
  const name = keys.next();
  await workflow.addDevice(name, attestation);
  keys.added(name);
  return name;
}

async function runConfigOperation(
  kind: ConfigOperationKind,
  context: ActionContext,
  keys: KeyNames,
): Promise<void> {
  const workflow = context.workflow();
  switch (kind) {
    case 'generateRecoveryCodes':
      await workflow.generateRecoveryCodes();
      return;
    case 'newDeviceChallenge':
      await workflow.newDeviceChallenge();
      return;
    case 'addDevice':
      await addKey(context, keys);
      return;
    case 'renameDevice': {
      // Renames a key the actions added (adding one first if there is none).
      const oldName = keys.last ?? (await addKey(context, keys));
      const newName = keys.next();
      await workflow.renameDevice(oldName, newName);
      keys.renamed(oldName, newName);
      return;
    }
    case 'removeDevice': {
      // Never the approval key the testbed registered: only one the actions added.
      const name = keys.last ?? (await addKey(context, keys));
      await workflow.removeDevice(name);
      keys.removed(name);
      return;
    }
  }
}

async function runApprovalOperation(
  kind: ApprovalOperationKind,
  context: ActionContext,
): Promise<void> {
  const workflow = context.workflow();
  const requestId = context.emulator.createApprovalRequest({ reviewerEmail: context.email });
  switch (kind) {
    case 'approvalChallenge':
      await workflow.approvalChallenge(requestId);
      return;
    case 'approve': {
      const challenge = await workflow.approvalChallenge(requestId);
      const assertion = await context.authenticator.getAssertion(challenge);
      await workflow.approve(requestId, { fido2AuthRequest: assertion });
      return;
    }
    case 'deny':
      await workflow.deny(requestId, 'Denied by a model-based test.');
      return;
  }
}

/** The controller's way of carrying out each model event (no UI). */
export async function runOnController(
  event: WorkflowModelEvent,
  testbed: WorkflowTestbed,
  keys: KeyNames,
): Promise<void> {
  const workflow = testbed.workflow;
  const context = {
    workflow: () => testbed.workflow,
    emulator: testbed.emulator,
    authenticator: testbed.authenticator,
    email: testbed.email,
  };
  switch (event.type) {
    case 'UNLOCK':
      await workflow.unlock(testbed.passwordFor(event));
      return;
    case 'LOCK':
      await workflow.lock();
      return;
    case 'CONFIG_OP':
      return runConfigOperation(event.kind, context, keys);
    case 'APPROVAL_OP':
      return runApprovalOperation(event.kind, context);
    case 'WAIT_FOR_WARNING':
      await testbed.waitForWarning();
      return;
    case 'WAIT_FOR_AUTO_LOCK':
      await testbed.waitForAutoLock();
      return;
    case 'NAP': {
      const { deadline, safetyMarginMs } = workflow.actor.getSnapshot().context;
      // Past the client's deadline by half the safety margin: DSM is still unlocked.
      const toDeadline = Math.max(0, (deadline ?? Date.now()) - Date.now());
      testbed.sleep(toDeadline + Math.max(1, Math.floor(safetyMarginMs / 2)));
      return;
    }
    case 'SLEEP':
      testbed.sleep(3_600_000);
      return;
    case 'WAKE':
      workflow.checkDeadline();
      return;
    case 'RENEW_SESSION':
      await testbed.renewSession();
      return;
  }
}
