/**
 * The emulator's options, their defaults, and their validation.
 *
 * Every behaviour that no public source pins down (docs/emulator.md, "Deviations from DSM") is an
 * option here, with the documented assumption as its default, so a test can flip it when real DSM
 * turns out to behave otherwise.
 */

/** Attestation statement formats the emulator can verify. */
export type AttestationFormat = 'fido-u2f' | 'packed' | 'none';

/** A user to seed. */
export interface EmulatorUserInput {
  email: string;
  password: string;
  /** A UUID; random by default. */
  userId?: string;
  firstName?: string;
  lastName?: string;
  /** Unused recovery codes the user starts with. Default: none until GenerateRecoveryCodes. */
  recoveryCodes?: readonly string[];
}

/** An app to seed, for `Authorization: Basic <api key>` sign-in. */
export interface EmulatorAppInput {
  name?: string;
  /** A UUID; random by default. */
  appId?: string;
  /** Default: base64(`${appId}:<random secret>`), DSM's API key shape. */
  apiKey?: string;
}

export interface RateLimitOptions {
  /** Wrong passwords allowed in the window; the next attempt gets 429. */
  maxAttempts: number;
  /** The sliding window, in ms. */
  windowMs: number;
}

/** What reviewers of an approval request created through the API must provide. */
export interface ApprovalPolicyOptions {
  requires2fa: boolean;
  requiresPassword: boolean;
}

/** Which WebAuthn origins (from clientDataJSON) are accepted. */
export type OriginPolicy = readonly string[] | ((origin: string) => boolean);

/**
 * Which browser origins CORS lets in: none (`false`), `'*'`, a list, or a predicate. Any origin
 * let in can drive the emulator from a web page, so name only pages you trust.
 */
export type CorsOriginPolicy = false | '*' | readonly string[] | ((origin: string) => boolean);

export interface EmulatorOptions {
  /** TCP port (startEmulator only). 0 picks a free one. Host is always 127.0.0.1. */
  port?: number;
  /** Seeded users. Default: the demo user (`DEMO_USER`). */
  users?: readonly EmulatorUserInput[];
  /** Seeded apps. Default: the demo app (`DEMO_APP`). */
  apps?: readonly EmulatorAppInput[];
  /** Auto-lock of the 2FA configuration, measured from the successful unlock. Default 600 000. */
  autoLockMs?: number;
  /** Idle expiry of user sessions. Default 86 400 000 (24 h). */
  sessionIdleMs?: number;
  /** Idle expiry of app sessions. Default 600 000 (10 min). */
  appSessionIdleMs?: number;
  /** The time source. Default `Date.now` (read at each call, so fake timers move it). */
  clock?: () => number;
  /** WebAuthn relying party id. Default `'localhost'`. */
  rpId?: string;
  /** WebAuthn relying party name. */
  rpName?: string;
  /** Accepted WebAuthn origins. Default: any http(s) origin on localhost or 127.0.0.1. */
  origins?: OriginPolicy;
  /**
   * CORS origins. Default `false`: no CORS headers at all, so no other origin's page can read an
   * answer (serve pages through a proxy on their own origin instead, as examples/web does).
   */
  corsOrigin?: CorsOriginPolicy;
  /** Serve the `/__emulator/` control surface (it needs `controlToken`). Default true. */
  controlSurface?: boolean;
  /**
   * The token every `/__emulator/` request must carry in `X-Emulator-Token`. Default: a fresh
   * random one per emulator (`emulator.controlToken`; `npm run emulator` prints it). At least 16
   * characters.
   */
  controlToken?: string;
  /**
   * Whether `Base64UrlSafe` fields (WebAuthn's challenge, `user.id`, credential ids) go out with
   * `=` padding. Default true: DSM's Go client decodes them with `base64.URLEncoding`, which
   * refuses unpadded input, so a DSM that talks to its own SDK must send them padded. `false` sends
   * WebAuthn's unpadded form. `Blob` fields (`challenge_token`) are always padded standard base64.
   */
  base64UrlPadding?: boolean;
  /** How many DSM requests the request log keeps; older ones are dropped. Default 10 000. */
  requestLogLimit?: number;
  /** How long an issued FIDO2 challenge stays usable. Default 300 000. */
  challengeTtlMs?: number;
  /** The account id (`acct_id`) of approval requests. */
  accountId?: string;
  /** Reviewer requirements of approval requests created through the API. */
  approvalPolicy?: Partial<ApprovalPolicyOptions>;
  /** Lifetime of an approval request. Default 86 400 000. */
  approvalExpiryMs?: number;

  // The assumptions (docs/emulator.md, "Deviations from DSM").
  /** Status for a wrong password on Config2faAuth (and ApproveRequest). Default 401. */
  wrongPasswordStatus?: number;
  /** Status for a config operation while locked. Default 403. */
  configLockedStatus?: number;
  /** Status for using the FIDO2 device (MfaChallenge, approval) while unlocked. Default 403. */
  configUnlockedStatus?: number;
  /** Status for a bearer call on a session whose second factor is pending. Default 403. */
  secondFactorPendingStatus?: 401 | 403;
  /** Status for a wrong recovery code or an unverifiable assertion at sign-in. Default 400. */
  wrongSecondFactorStatus?: number;
  /** Status of Config2faTerminate while already locked. Default 204 (idempotent). */
  terminateWhenLockedStatus?: number;
  /** Whether a second Config2faAuth restarts the auto-lock window. Default true. */
  reunlockRestartsWindow?: boolean;
  /** Whether the unlock belongs to a session or to the user. Default `'session'`. */
  lockScope?: 'session' | 'user';
  /** Wrong-password rate limit, or false for none. Default 5 in 300 000 ms. */
  rateLimit?: RateLimitOptions | false;
  /** Whether Config2faAuth tells the deadline (`expires_in`, `expires_at`). Default false: `{}`. */
  sendLockDeadline?: boolean;
  /** Accepted attestation formats. Default `['fido-u2f']`. */
  attestationFormats?: readonly AttestationFormat[];
  /** Whether MfaNewChallenge needs the configuration unlocked. Default true. */
  newChallengeRequiresUnlock?: boolean;
  /** Recovery codes issued by GenerateRecoveryCodes. Default 10. */
  recoveryCodeCount?: number;
}

/** The options with every default filled in. */
export interface ResolvedEmulatorOptions {
  port: number;
  users: readonly EmulatorUserInput[];
  apps: readonly EmulatorAppInput[];
  autoLockMs: number;
  sessionIdleMs: number;
  appSessionIdleMs: number;
  clock: () => number;
  rpId: string;
  rpName: string;
  isAllowedOrigin: (origin: string) => boolean;
  corsOrigin: CorsOriginPolicy;
  controlSurface: boolean;
  controlToken: string;
  base64UrlPadding: boolean;
  requestLogLimit: number;
  challengeTtlMs: number;
  accountId: string;
  approvalPolicy: ApprovalPolicyOptions;
  approvalExpiryMs: number;
  wrongPasswordStatus: number;
  configLockedStatus: number;
  configUnlockedStatus: number;
  secondFactorPendingStatus: 401 | 403;
  wrongSecondFactorStatus: number;
  terminateWhenLockedStatus: number;
  reunlockRestartsWindow: boolean;
  lockScope: 'session' | 'user';
  rateLimit: RateLimitOptions | false;
  sendLockDeadline: boolean;
  attestationFormats: readonly AttestationFormat[];
  newChallengeRequiresUnlock: boolean;
  recoveryCodeCount: number;
}

/** The demo user that the emulator seeds when `users` is not given. Test-only credentials. */
export const DEMO_USER = {
  email: 'demo@example.com',
  password: 'demo-password-not-secret',
  userId: '0b8d2f4e-6f1a-4c3b-9a57-5d2e8c1f7a10',
  firstName: 'Demo',
  lastName: 'User',
} as const satisfies EmulatorUserInput;

const DEMO_APP_ID = '7c1e9a3b-2d4f-4e8a-b6c5-1f0e9d8c7b6a';

/** The demo app that the emulator seeds when `apps` is not given. Test-only credentials. */
export const DEMO_APP = {
  name: 'demo-app',
  appId: DEMO_APP_ID,
  apiKey: Buffer.from(`${DEMO_APP_ID}:demo-app-secret-not-secret`).toString('base64'),
} as const satisfies EmulatorAppInput;

/** The documented assumptions and other defaults. */
export const EMULATOR_DEFAULTS = {
  port: 0,
  autoLockMs: 600_000,
  sessionIdleMs: 86_400_000,
  appSessionIdleMs: 600_000,
  rpId: 'localhost',
  rpName: 'Fortanix DSM (local emulator)',
  corsOrigin: false,
  controlSurface: true,
  base64UrlPadding: true,
  requestLogLimit: 10_000,
  challengeTtlMs: 300_000,
  accountId: '3f6c0d52-8b1e-4a7d-9c2f-6e5b4a3d2c1b',
  approvalPolicy: { requires2fa: true, requiresPassword: false },
  approvalExpiryMs: 86_400_000,
  wrongPasswordStatus: 401,
  configLockedStatus: 403,
  configUnlockedStatus: 403,
  secondFactorPendingStatus: 403,
  wrongSecondFactorStatus: 400,
  terminateWhenLockedStatus: 204,
  reunlockRestartsWindow: true,
  lockScope: 'session',
  rateLimit: { maxAttempts: 5, windowMs: 300_000 },
  sendLockDeadline: false,
  attestationFormats: ['fido-u2f'],
  newChallengeRequiresUnlock: true,
  recoveryCodeCount: 10,
} as const;
