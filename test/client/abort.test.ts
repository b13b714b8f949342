import { describe, expect, it } from 'vitest';
import { raceAbort } from '../../src/client/transport.js';

describe('raceAbort', () => {
  it('rejects with the reason even if the promise never settles', async () => {
    const controller = new AbortController();
    const result = raceAbort(new Promise(() => {}), controller.signal);
    controller.abort('stop');
    await expect(result).rejects.toBe('stop');
  });

  it('passes the value through', async () => {
    await expect(raceAbort(Promise.resolve(1), new AbortController().signal)).resolves.toBe(1);
  });
});
