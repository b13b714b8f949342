import { describe, expectTypeOf, it } from 'vitest';
import type {
  ApprovalRequest,
  CreateCredential,
  Fido2AssertionResult,
  Fido2AttestationResult,
  SecurityKeyErrorCode,
  TabSync,
  TwoFactorConfig,
  User,
} from '../../src/index.js';
import {
  approveWithSecurityKey,
  createCredentialFor,
  getAssertionFor,
  registerSecurityKey,
  type SecurityKeyError,
  syncTabs,
} from '../../src/index.js';

declare const workflow: TwoFactorConfig;

describe('public types of the security-key helpers and the tab sync', () => {
  it('resolves the conveniences to what DSM answers, for any TwoFactorConfig', () => {
    expectTypeOf(registerSecurityKey(workflow, 'YubiKey')).resolves.toEqualTypeOf<User>();
    expectTypeOf(approveWithSecurityKey(workflow, 'id')).resolves.toEqualTypeOf<ApprovalRequest>();
    expectTypeOf(createCredentialFor).returns.resolves.toEqualTypeOf<Fido2AttestationResult>();
    expectTypeOf(getAssertionFor).returns.resolves.toEqualTypeOf<Fido2AssertionResult>();
  });

  it('takes an injected ceremony with an abort signal', () => {
    const create: CreateCredential = async (options, { signal }) => {
      expectTypeOf(options.challenge).toEqualTypeOf<string>();
      expectTypeOf(signal).toEqualTypeOf<AbortSignal>();
      return {
        id: '',
        type: 'public-key',
        response: { clientDataJSON: '', attestationObject: '' },
      };
    };
    void registerSecurityKey(workflow, 'YubiKey', { create });
    // @ts-expect-error: registration takes `create`, not `get`
    void registerSecurityKey(workflow, 'YubiKey', { get: create });
  });

  it('names every ceremony failure by code', () => {
    expectTypeOf<SecurityKeyError['code']>().toEqualTypeOf<SecurityKeyErrorCode>();
    expectTypeOf<SecurityKeyErrorCode>().toEqualTypeOf<
      | 'WEBAUTHN_CANCELLED'
      | 'WEBAUTHN_ALREADY_REGISTERED'
      | 'WEBAUTHN_UNSUPPORTED'
      | 'WEBAUTHN_RP_MISMATCH'
      | 'WEBAUTHN_FAILED'
    >();
  });

  it('accepts a workflow in syncTabs and its result as the approval guard', () => {
    const tabs = syncTabs(workflow);
    expectTypeOf(tabs).toEqualTypeOf<TabSync>();
    expectTypeOf(tabs.unlockedElsewhere).toEqualTypeOf<boolean>();
    void approveWithSecurityKey(workflow, 'id', { tabs });
  });
});
