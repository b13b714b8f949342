import { describe, expectTypeOf, it } from 'vitest';
import type {
  LockReason,
  Secret,
  TwoFactorConfig,
  TwoFactorConfigOptions,
} from '../../src/index.js';
import {
  createPasswordPrompt,
  createPrompt,
  lockThenRun,
  type TwoFactorConfigState,
  useTwoFactorConfig,
} from '../../src/react/index.js';

describe('dsm-2fa-guard/react types', () => {
  it('a password prompt is an onPasswordRequired', () => {
    const prompt = createPasswordPrompt();
    expectTypeOf(prompt.request).toExtend<
      NonNullable<TwoFactorConfigOptions['onPasswordRequired']>
    >();
    expectTypeOf(prompt.request).returns.resolves.toEqualTypeOf<Secret<string> | undefined>();
    // @ts-expect-error a password is a string or a Secret
    prompt.submit(42);
  });

  it('the hook gives typed state, reasons and operations', () => {
    expectTypeOf<TwoFactorConfigState['lastLockReason']>().toEqualTypeOf<LockReason | null>();
    expectTypeOf<TwoFactorConfigState['remainingMs']>().toEqualTypeOf<number>();
    expectTypeOf<TwoFactorConfigState['generateRecoveryCodes']>().toEqualTypeOf<
      TwoFactorConfig['generateRecoveryCodes']
    >();
    expectTypeOf(useTwoFactorConfig)
      .parameter(1)
      .toEqualTypeOf<
        { countdown?: boolean; confirmLock?: ReturnType<typeof createPrompt<boolean>> } | undefined
      >();
  });

  it('lockThenRun returns what the task returns, and asks only a yes/no prompt', () => {
    const workflow = {} as TwoFactorConfig;
    expectTypeOf(lockThenRun(workflow, async () => 7)).resolves.toEqualTypeOf<number>();
    // @ts-expect-error the confirmation answers yes or no
    void lockThenRun(workflow, async () => 7, { confirm: createPrompt<string>() });
  });
});
