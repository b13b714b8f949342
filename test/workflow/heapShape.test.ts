/**
 * What a restored workflow keeps costs the same whatever the process held before it. A process
 * with many XState actors pending timers (a back end restoring thousands of workflows) has used
 * up V8's shape transitions from `{}` (each actor's timer key is unique), and an object built
 * from `{}`, or an object literal first run after that, falls into dictionary mode: about 0.6 KB
 * more for every workflow (the bench's heap rows, bare actors first, measure the whole of it).
 * The restore input each workflow keeps must not be such an object. Shapes are the process's,
 * so the check runs in a fresh one (support/heapShapeCheck.ts).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { bundleScript } from '../support/nodeScript.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

it('builds the restore input with a shape of its own, even once the transitions from {} are used up', async () => {
  const script = await bundleScript('test/workflow/support/heapShapeCheck.ts');
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--allow-natives-syntax', ...script.argv],
      { cwd: root, timeout: 30_000 },
    );
    expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}')).toEqual({
      // The premise: the transitions from `{}` are used up, as many live actors leave them.
      usedUp: true,
      restoreFast: true,
      state: 'unlocked',
      held: 5_000,
    });
  } finally {
    await script.remove();
  }
});
