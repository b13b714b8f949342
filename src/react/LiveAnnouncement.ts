import { createElement, type ReactElement } from 'react';

/**
 * A polite live region (`role="status"`) for `useTwoFactorConfig(...).announcement`. Render
 * it from the start (screen readers watch a region that already exists) and keep it visible
 * or visually hidden through `className`; its text changes only at the milestones.
 */
export function LiveAnnouncement({
  text,
  className,
}: {
  text: string;
  className?: string;
}): ReactElement {
  return createElement(
    'div',
    { role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true', className },
    text,
  );
}
