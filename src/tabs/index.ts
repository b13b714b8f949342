// Several tabs of one user, kept in step through BroadcastChannel.
export {
  parseTabMessage,
  TAB_MESSAGE_KIND,
  type TabMessage,
  type TabMessageType,
} from './messages.js';
export type { OtherTab } from './otherTabs.js';
export {
  syncTabs,
  type TabChannel,
  type TabSync,
  type TabSyncOptions,
  type TabSyncView,
  type TabSyncWorkflow,
} from './syncTabs.js';
