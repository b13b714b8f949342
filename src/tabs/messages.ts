/**
 * What tabs of one user tell each other about the 2FA-configuration lock. Only states and
 * times: never a password, a token or a recovery code, so any tab (or extension) listening on
 * the channel learns nothing it could use.
 */
export const TAB_MESSAGE_KIND = 'dsm-2fa-guard/tabs';

interface Envelope {
  kind: typeof TAB_MESSAGE_KIND;
  v: 1;
  /** The sending tab. */
  from: string;
  /** DSM's user id: tabs of another user on the same origin ignore the message. */
  userId: string;
}

/** What a message says, without its envelope. */
export type TabMessageBody =
  /** A new tab asks the others where they stand. */
  | { type: 'hello' }
  /** The sender's configuration is unlocked until `deadline`; DSM locks by `serverLockBy`. */
  | { type: 'unlocked'; deadline: number; serverLockBy: number | null }
  /** The sender is locking (terminate in flight): every tab locks now. */
  | { type: 'locking'; serverLockBy: number | null }
  /** The sender is locked again (DSM confirmed, or the session ended). */
  | { type: 'locked' };

export type TabMessage = Envelope & TabMessageBody;

export type TabMessageType = TabMessage['type'];

const isTime = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0;

/** The message, if `data` is one of ours; `null` for anything else on the channel. */
export function parseTabMessage(data: unknown): TabMessage | null {
  const m = Object(data) as Record<string, unknown>;
  if (m.kind !== TAB_MESSAGE_KIND || m.v !== 1) return null;
  if (typeof m.from !== 'string' || typeof m.userId !== 'string') return null;
  const envelope = { kind: TAB_MESSAGE_KIND, v: 1, from: m.from, userId: m.userId } as const;
  const serverLockBy = isTime(m.serverLockBy) ? m.serverLockBy : null;
  switch (m.type) {
    case 'hello':
    case 'locked':
      return { ...envelope, type: m.type };
    case 'unlocked':
      return isTime(m.deadline)
        ? { ...envelope, type: 'unlocked', deadline: m.deadline, serverLockBy }
        : null;
    case 'locking':
      return { ...envelope, type: 'locking', serverLockBy };
    default:
      return null;
  }
}
