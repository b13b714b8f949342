import { createBrowserInspector } from '@statelyai/inspect';

export type BrowserInspector = ReturnType<typeof createBrowserInspector>;

/**
 * `?inspect` attaches the Stately inspector. It is created before the workflow (so it sees the
 * actor from the start) but opened on a click: browsers block pop-ups opened without one. It
 * receives what XState inspects, serialized to JSON, where the password and recovery codes are
 * `Secret`s and read `[redacted]`; the token never enters the machine.
 */
export function inspectorFromUrl(search: string): BrowserInspector | null {
  if (!new URLSearchParams(search).has('inspect')) return null;
  return createBrowserInspector({ autoStart: false });
}
