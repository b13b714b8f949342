// Run by heapShape.test.ts in a fresh `node --allow-natives-syntax`: V8's shapes
// are the process's, so the check needs a process of its own. Prints what it found as JSON.

import { createTwoFactorConfig, restoreTwoFactorConfig } from '../../../src/workflow/index.js';
import { fromPersisted } from '../../../src/workflow/persistence.js';
import { noopClient } from '../../bench/support/noopClient.js';

const hasFastProperties = new Function('value', 'return %HasFastProperties(value)') as (
  value: object,
) => boolean;

const first = createTwoFactorConfig({
  client: noopClient,
  userId: 'user-1',
  browserLifecycle: false,
});
await first.unlock('password');
const snapshot = first.persist();
first.actor.stop();

// Objects from `{}` with a unique key each, as XState's scheduled timers are.
const held = Array.from({ length: 5_000 }, (_, i) => {
  const scheduled: Record<string, number> = {};
  scheduled[`x:${i}.auto-lock.${i}`] = i;
  return scheduled;
});
// The proof that the transitions are used up: a literal first built now is in dictionary mode.
const late = new Function('a', 'b', 'c', 'd', 'return { kind: a, at: b, until: c, why: d }');
const usedUp = !hasFastProperties(late('x', Date.now() + 5e5, Date.now() + 6e5, null));

const restore = fromPersisted(snapshot, 'user-1');
const restoreFast = restore !== null && hasFastProperties(restore);

const workflow = restoreTwoFactorConfig({
  client: noopClient,
  userId: 'user-1',
  snapshot,
  browserLifecycle: false,
});
const state = workflow.state;
workflow.actor.stop();
console.log(JSON.stringify({ usedUp, restoreFast, state, held: held.length }));
