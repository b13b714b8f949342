/** Type tests for `dsm-2fa-guard/testing` (checked by `tsc --noEmit`). */
import { expectTypeOf, vi } from 'vitest';
import {
  fakeTimersControl,
  type TimeControl,
  type UiAction,
  type WorkflowModelEvent,
  type WorkflowTestActions,
} from '../../src/testing/index.js';

// vitest's `vi` is enough to drive the testbed's time.
expectTypeOf(fakeTimersControl(vi)).toEqualTypeOf<TimeControl>();

// A UI action gets its own event, narrowed by type.
const addKey: UiAction<'CONFIG_OP'> = (event) => {
  expectTypeOf(event.kind).toEqualTypeOf<
    'newDeviceChallenge' | 'addDevice' | 'removeDevice' | 'renameDevice' | 'generateRecoveryCodes'
  >();
  expectTypeOf(event.answer).toEqualTypeOf<
    'ok' | 'serverError' | 'configLocked' | 'sessionExpired'
  >();
};
const actions: WorkflowTestActions = { events: { CONFIG_OP: addKey } };
void actions;

// An event the model does not have is a compile error.
// @ts-expect-error: no such model event
const wrong: WorkflowTestActions = { events: { REBOOT: () => {} } };
void wrong;

// Model events are a closed union.
// @ts-expect-error: UNLOCK needs DSM's answer
const unlock: WorkflowModelEvent = { type: 'UNLOCK' };
void unlock;
