/**
 * The README's first program, taken from README.md as it is and run against the emulator it
 * starts: it prints what the README says it prints, and leaves DSM locked.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { writeSnippetModule } from './readmeSnippets.js';

describe('the README first program, run as written', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('unlocks, regenerates the codes, locks, and is refused while locked', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      lines.push(args.join(' '));
    });
    await import(writeSnippetModule('first-program'));
    expect(lines).toEqual([
      'unlocked, 595 s left',
      '10 new recovery codes',
      'locked (user)',
      'CONFIG_LOCKED',
    ]);
  });
});
