import {
  type ApprovalRequest,
  createSignIn,
  type SignIn,
  syncTabs,
  type TabSync,
  type TwoFactorConfig,
  type TwoFactorConfigOptions,
  type User,
} from '../../../src/index.js';
import { createPasswordPrompt, type PasswordPrompt } from '../../../src/react/index.js';

type Inspect = TwoFactorConfigOptions['inspect'];

/** What the page reads from DSM besides the workflow (all of it secret-free). */
export interface DsmReads {
  getUser(): Promise<User>;
  getApprovalRequest(requestId: string): Promise<ApprovalRequest>;
  createApprovalRequest(description: string): Promise<ApprovalRequest>;
}

/**
 * A signed-in user: the 2FA workflow of the session, this tab's link to the user's other
 * tabs, and DSM reads. The bearer token stays inside the sign-in controller and its client (a
 * `Secret`): never in React state, storage, or anything the inspector sees. Each tab signs in
 * on its own and keeps its session in memory only.
 */
export interface Session {
  email: string;
  userId: string;
  workflow: TwoFactorConfig;
  tabs: TabSync;
  /** The password dialog a config operation opens when it finds the settings locked. */
  passwordPrompt: PasswordPrompt;
  dsm: DsmReads;
  /** Locks (if unlocked), leaves the other tabs, and stops the workflow. */
  close(): Promise<void>;
}

/**
 * The page's sign-in controller (`src/signIn`): DSM's Authenticate, the second factor, the
 * session keep-alive. Same origin: the dev server proxies `/sys/` to the emulator (or a DSM).
 */
export function createPageSignIn(inspect: Inspect): SignIn {
  return createSignIn({ baseUrl: window.location.origin, ...(inspect && { inspect }) });
}

/** The session of a signed-in controller: its workflow, joined to the user's other tabs. */
export function openSession(signIn: SignIn, email: string, inspect: Inspect): Session {
  const userId = signIn.userId;
  const client = signIn.client;
  if (!userId || !client) throw new Error('Sign in first.');
  // "Ask, then retry": an operation that finds the settings locked opens the page's own
  // password dialog, unlocks with what the user types, and then runs.
  const passwordPrompt = createPasswordPrompt();
  const workflow = signIn.createTwoFactorConfig({
    onPasswordRequired: passwordPrompt.request,
    ...(inspect && { inspect }),
  });
  const tabs = syncTabs(workflow);
  return {
    email,
    userId,
    workflow,
    tabs,
    passwordPrompt,
    dsm: {
      getUser: () => client.getUser(userId),
      getApprovalRequest: (requestId) => client.getApprovalRequest(requestId),
      createApprovalRequest: (description) =>
        client.createApprovalRequest({
          operation: '/crypto/v1/keys/export',
          method: 'POST',
          description,
        }),
    },
    async close() {
      passwordPrompt.cancel();
      await workflow.dispose();
      tabs.close();
    },
  };
}
