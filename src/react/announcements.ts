import type { LockReason } from '../../machines/twoFactorConfig.types.js';

/**
 * A moment worth telling a screen-reader user about. The countdown itself is not one: a live
 * region that changed every second would talk over everything else on the page.
 */
export type LockMilestone =
  | { kind: 'unlocked'; remainingMs: number }
  | { kind: 'expiring'; remainingMs: number }
  | { kind: 'locked'; reason: LockReason };

// Partial, so a reason added later still reads (as the plain sentence) rather than as nothing.
const LOCKED: Partial<Record<LockReason, string>> = {
  timeout: 'The two-factor settings locked themselves: the time was up.',
  server: 'DSM locked the two-factor settings.',
  session: 'The DSM session ended, so the two-factor settings are locked.',
};

function minutes(ms: number): string {
  const count = Math.max(1, Math.ceil(ms / 60_000));
  return count === 1 ? 'a minute' : `${count} minutes`;
}

/** The default (English) text of each milestone; pass your own `announce` to translate. */
export function announceInEnglish(milestone: LockMilestone): string {
  switch (milestone.kind) {
    case 'unlocked':
      return `The two-factor settings are unlocked for ${minutes(milestone.remainingMs)}.`;
    case 'expiring':
      return `Less than ${minutes(milestone.remainingMs)} left before the two-factor settings lock.`;
    case 'locked':
      return LOCKED[milestone.reason] ?? 'The two-factor settings are locked.';
  }
}
