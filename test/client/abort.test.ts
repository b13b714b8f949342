import { describe, expect, it } from 'vitest';
import { anySignal, raceAbort } from '../../src/client/utils/abort.js';

describe('anySignal', () => {
  it('aborts when any input aborts, with its reason', () => {
    const a = new AbortController();
    const b = new AbortController();
    const signal = anySignal([a.signal, b.signal]);
    b.abort('b went first');
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('b went first');
  });

  it('works without AbortSignal.any', () => {
    const native = Object.getOwnPropertyDescriptor(AbortSignal, 'any');
    Object.defineProperty(AbortSignal, 'any', { value: undefined, configurable: true });
    try {
      const a = new AbortController();
      const signal = anySignal([a.signal, new AbortController().signal]);
      expect(signal.aborted).toBe(false);
      a.abort('a');
      expect(signal.reason).toBe('a');
      expect(anySignal([AbortSignal.abort('x')]).reason).toBe('x');
    } finally {
      if (native) Object.defineProperty(AbortSignal, 'any', native);
    }
    expect(typeof AbortSignal.any).toBe('function');
  });
});

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
