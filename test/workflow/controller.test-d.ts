import { describe, expectTypeOf, it } from 'vitest';
import type { TwoFactorConfigEvent } from '../../machines/index.js';
import type {
  ApprovalRequest,
  DsmError,
  DsmErrorCode,
  Fido2CreationOptions,
  Fido2RequestOptions,
  LockReason,
  OperationKind,
  PersistedTwoFactorConfig,
  TwoFactorConfig,
  TwoFactorConfigEventOf,
  TwoFactorConfigStateName,
  User,
} from '../../src/index.js';
import { createTwoFactorConfig, isDsmError } from '../../src/index.js';

declare const workflow: TwoFactorConfig;

describe('public types of the workflow', () => {
  it('names exactly five states', () => {
    expectTypeOf(workflow.state).toEqualTypeOf<TwoFactorConfigStateName>();
    expectTypeOf<TwoFactorConfigStateName>().toEqualTypeOf<
      'locked' | 'unlocking' | 'unlocked' | 'locking' | 'sessionExpired'
    >();
  });

  it('types each emitted event by its name', () => {
    workflow.on('locked', (event) => {
      expectTypeOf(event.reason).toEqualTypeOf<LockReason>();
    });
    workflow.on('unlocked', (event) => {
      expectTypeOf(event.deadline).toEqualTypeOf<number>();
    });
    workflow.on('deviceAdded', (event) => {
      expectTypeOf(event.name).toEqualTypeOf<string>();
    });
    expectTypeOf<TwoFactorConfigEventOf<'expiring'>>().toHaveProperty('remainingMs');
    // Failures are the library's own errors, so `error.code` compiles and narrows.
    workflow.on('unlockFailed', (event) => {
      expectTypeOf(event.error).toEqualTypeOf<DsmError>();
      expectTypeOf(event.error.code).toEqualTypeOf<DsmErrorCode>();
    });
    workflow.on('operationFailed', ({ error, kind }) => {
      expectTypeOf(error).toEqualTypeOf<DsmError>();
      expectTypeOf(kind).toEqualTypeOf<OperationKind>();
      if (isDsmError(error, 'FORBIDDEN')) expectTypeOf(error.reason).toBeString();
    });
    // Results go to the caller's promise only: the event says which operation succeeded.
    workflow.on('operationSucceeded', (event) => {
      expectTypeOf(event).toEqualTypeOf<{
        type: 'operationSucceeded';
        opId: string;
        kind: OperationKind;
      }>();
    });
    // @ts-expect-error: no such event
    workflow.on('unlockedd', () => {});
  });

  it('resolves operations to their DSM results', () => {
    expectTypeOf(workflow.generateRecoveryCodes()).resolves.toEqualTypeOf<string[]>();
    expectTypeOf(workflow.unlock('x')).resolves.toEqualTypeOf<{ deadline: number }>();
    expectTypeOf(workflow.addDevice).returns.resolves.toEqualTypeOf<User>();
    expectTypeOf(
      workflow.newDeviceChallenge,
    ).returns.resolves.toEqualTypeOf<Fido2CreationOptions>();
    expectTypeOf(workflow.approvalChallenge).returns.resolves.toEqualTypeOf<Fido2RequestOptions>();
    expectTypeOf(workflow.deny).returns.resolves.toEqualTypeOf<ApprovalRequest>();
    expectTypeOf(workflow.persist()).toEqualTypeOf<PersistedTwoFactorConfig>();
    // @ts-expect-error: renameDevice needs both names
    void workflow.renameDevice('only one');
    // @ts-expect-error: approve needs a proof object
    void workflow.approve('request-id');
  });

  it('accepts only the machine events on the raw actor', () => {
    expectTypeOf<TwoFactorConfigEvent['type']>().toEqualTypeOf<
      | 'unlock'
      | 'lock'
      | 'operation'
      | 'checkDeadline'
      | 'sessionRenewed'
      | 'sessionEnded'
      | 'dispose'
    >();
    // @ts-expect-error: not an event of the machine
    workflow.actor.send({ type: 'unlockNow' });
    // @ts-expect-error: an operation needs an id and a request
    workflow.actor.send({ type: 'operation' });
  });

  it('requires a client and a user id', () => {
    // @ts-expect-error: options are required
    createTwoFactorConfig({});
  });
});
