// Several tabs of one user, kept in step through BroadcastChannel.
import { DEFAULT_AUTO_LOCK_MS } from '../../machines/twoFactorConfig.js';
import type { TwoFactorConfigStateName } from '../../machines/twoFactorConfig.types.js';
import { type Clock, systemClock } from '../workflow/clock.js';

/**
 * What tabs of one user tell each other: only states and times, never a secret, so anything
 * listening on the channel learns nothing it could use.
 */
export const TAB_MESSAGE_KIND = 'dsm-2fa-guard/tabs';

interface Envelope {
  kind: typeof TAB_MESSAGE_KIND;
  v: 1;
  from: string;
  /** DSM's user id: tabs of another user on the same origin ignore the message. */
  userId: string;
}

type TabMessageBody =
  | { type: 'hello' }
  | { type: 'unlocked'; deadline: number; serverLockBy: number | null }
  /** Terminate in flight: every tab locks now. */
  | { type: 'locking'; serverLockBy: number | null }
  | { type: 'locked' };

export type TabMessage = Envelope & TabMessageBody;

export type TabMessageType = TabMessage['type'];

const isTime = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0;

/** The message, if `data` is one of ours; otherwise `null`. */
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

/** Another tab of the same user whose configuration is unlocked, or locking. */
export interface OtherTab {
  tabId: string;
  state: 'unlocked' | 'locking';
  deadline: number | null;
  /** When DSM has certainly locked that tab's unlock, even if the tab never says so. */
  trustUntil: number;
}

/** A `BroadcastChannel`, or anything shaped like one. */
export interface TabChannel {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  close(): void;
}

/** The part of a `TwoFactorConfig` the tab sync drives. */
export interface TabSyncWorkflow {
  readonly userId: string;
  readonly state: TwoFactorConfigStateName;
  subscribe(
    listener: (view: { state: TwoFactorConfigStateName; deadline: number | null }) => void,
  ): () => void;
  persist(): { serverLockBy: number | null };
  checkDeadline(): void;
  lock(): Promise<void>;
}

export interface TabSyncOptions {
  /** The channel, or its name. Default: a `BroadcastChannel` named `dsm-2fa-guard:<userId>`. */
  channel?: TabChannel | string;
  /** This tab's id in messages. Default: a random UUID. */
  tabId?: string;
  /** For forgetting silent tabs. Default: the system clock. */
  clock?: Clock;
  /** How long to trust an unlock whose tab sent no `serverLockBy`. Default 600 000 ms. */
  fallbackTrustMs?: number;
}

export interface TabSyncView {
  /** Other tabs of this user whose configuration is unlocked, or locking until DSM confirms. */
  others: readonly OtherTab[];
  /**
   * True while another tab holds an unlock: the security key is in configuration mode, so
   * this tab must not offer FIDO2 approval (DSM would refuse it, and the refusal locks).
   */
  unlockedElsewhere: boolean;
}

export interface TabSync {
  readonly tabId: string;
  readonly view: TabSyncView;
  readonly unlockedElsewhere: boolean;
  subscribe(listener: (view: TabSyncView) => void): () => void;
  /** Stops listening (and closes the channel if `syncTabs` opened it). */
  close(): void;
}

/**
 * Keeps the tabs of one user in step through a `BroadcastChannel`: each announces its unlock,
 * lock and deadline; when one starts locking, the others lock; while another is unlocked,
 * `unlockedElsewhere` is true (no approvals); every message is a cue to `checkDeadline()`.
 */
export function syncTabs(workflow: TabSyncWorkflow, options: TabSyncOptions = {}): TabSync {
  // `randomUUID` exists only in secure contexts; a tab id is no secret.
  const tabId =
    options.tabId ??
    globalThis.crypto?.randomUUID?.() ??
    `tab-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const clock = options.clock ?? systemClock;
  const fallbackTrustMs = options.fallbackTrustMs ?? DEFAULT_AUTO_LOCK_MS;
  const ownsChannel = typeof options.channel !== 'object';
  const channel: TabChannel =
    typeof options.channel === 'object'
      ? options.channel
      : new BroadcastChannel(options.channel ?? `dsm-2fa-guard:${workflow.userId}`);

  const listeners = new Set<(view: TabSyncView) => void>();
  let view: TabSyncView = { others: [], unlockedElsewhere: false };
  const changed = () => {
    const list = [...others.values()].map(({ tab }) => tab);
    view = { others: list, unlockedElsewhere: list.length > 0 };
    for (const listener of listeners) listener(view);
  };
  // The other tabs that hold an unlock, each forgotten at `locked` or at its `trustUntil`.
  const others = new Map<string, { tab: OtherTab; timer: unknown }>();
  const forget = (tabId: string) => {
    const entry = others.get(tabId);
    if (entry) clock.clearTimeout(entry.timer);
    return others.delete(tabId);
  };
  const remember = (tab: OtherTab) => {
    forget(tab.tabId);
    const delay = Math.max(0, tab.trustUntil - clock.now());
    const timer = clock.setTimeout(() => forget(tab.tabId) && changed(), delay);
    others.set(tab.tabId, { tab, timer });
    changed();
  };

  let closed = false;
  const post = (body: TabMessageBody) => {
    if (closed) return;
    channel.postMessage({
      kind: TAB_MESSAGE_KIND,
      v: 1,
      from: tabId,
      userId: workflow.userId,
      ...body,
    });
  };
  const serverLockBy = () => workflow.persist().serverLockBy;

  let previous: TwoFactorConfigStateName = workflow.state;
  let announcedDeadline: number | null = null;
  const unsubscribe = workflow.subscribe(({ state, deadline }) => {
    if (state === 'unlocked' && deadline !== null && deadline !== announcedDeadline) {
      announcedDeadline = deadline;
      post({ type: 'unlocked', deadline, serverLockBy: serverLockBy() });
    }
    if (state !== 'unlocked') announcedDeadline = null;
    if (state === 'locking' && previous !== 'locking') {
      post({ type: 'locking', serverLockBy: serverLockBy() });
    }
    // A failed unlock (unlocking → locked) held nothing, so it says nothing.
    const held = previous === 'unlocked' || previous === 'locking';
    if ((state === 'locked' || state === 'sessionExpired') && held) post({ type: 'locked' });
    previous = state;
  });

  const lockThisTab = () => {
    if (workflow.state === 'unlocked' || workflow.state === 'unlocking') {
      workflow.lock().catch(() => {});
    }
  };

  const onMessage = (event: MessageEvent) => {
    const message = parseTabMessage(event.data);
    if (!message || message.from === tabId || message.userId !== workflow.userId) return;
    workflow.checkDeadline();
    switch (message.type) {
      case 'hello': {
        const state = workflow.state;
        const deadline = state === 'unlocked' ? announcedDeadline : null;
        if (deadline !== null) post({ type: 'unlocked', deadline, serverLockBy: serverLockBy() });
        if (state === 'locking') post({ type: 'locking', serverLockBy: serverLockBy() });
        return;
      }
      case 'unlocked':
        remember({
          tabId: message.from,
          state: 'unlocked',
          deadline: message.deadline,
          trustUntil: message.serverLockBy ?? message.deadline + fallbackTrustMs,
        });
        return;
      case 'locking':
        remember({
          tabId: message.from,
          state: 'locking',
          deadline: null,
          trustUntil: message.serverLockBy ?? clock.now() + fallbackTrustMs,
        });
        lockThisTab();
        return;
      case 'locked':
        if (forget(message.from)) changed();
        lockThisTab();
        return;
    }
  };
  channel.addEventListener('message', onMessage);
  post({ type: 'hello' });

  return {
    tabId,
    get view() {
      return view;
    },
    get unlockedElsewhere() {
      return view.unlockedElsewhere;
    },
    subscribe(listener) {
      listeners.add(listener);
      listener(view);
      return () => listeners.delete(listener);
    },
    close() {
      if (closed) return;
      closed = true;
      unsubscribe();
      channel.removeEventListener('message', onMessage);
      for (const tabId of [...others.keys()]) forget(tabId);
      listeners.clear();
      if (ownsChannel) channel.close();
    },
  };
}
