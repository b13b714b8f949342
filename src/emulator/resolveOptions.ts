/** Fills in the emulator's defaults and rejects invalid options with a clear message. */
import { randomBytes } from 'node:crypto';
import { EmulatorOptionsError } from './errors.js';
import {
  type AttestationFormat,
  DEMO_APP,
  DEMO_USER,
  EMULATOR_DEFAULTS,
  type EmulatorAppInput,
  type EmulatorOptions,
  type EmulatorUserInput,
  type OriginPolicy,
  type ResolvedEmulatorOptions,
} from './options.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOOPBACK_ORIGIN = /^https?:\/\/(localhost|127\.0\.0\.1)(:\d{1,5})?$/;
const FORMATS: readonly AttestationFormat[] = ['fido-u2f', 'packed', 'none'];

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** The default WebAuthn origin policy: any http(s) origin on localhost or 127.0.0.1. */
export function isLoopbackOrigin(origin: string): boolean {
  return LOOPBACK_ORIGIN.test(origin);
}

function fail(message: string): never {
  throw new EmulatorOptionsError(message);
}

function duration(name: string, value: number | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    fail(`${name} must be a finite number of milliseconds >= ${min}, got ${String(value)}.`);
  }
  return value;
}

function status(name: string, value: number | undefined, fallback: number, min = 400): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > 599) {
    fail(`${name} must be an HTTP status code from ${min} to 599, got ${String(value)}.`);
  }
  return value;
}

function flag(name: string, value: boolean | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(`${name} must be a boolean, got ${String(value)}.`);
  return value;
}

/** Checks a user to seed; used for `users` and for `addUser`. */
export function validateUserInput(user: EmulatorUserInput, where: string): void {
  if (typeof user !== 'object' || user === null) fail(`${where} must be an object.`);
  if (typeof user.email !== 'string' || !/^[^\s@]+@[^\s@]+$/.test(user.email)) {
    fail(`${where}.email must be an email address.`);
  }
  if (typeof user.password !== 'string' || user.password.length === 0) {
    fail(`${where}.password must be a non-empty string.`);
  }
  if (user.userId !== undefined && !isUuid(user.userId)) fail(`${where}.userId must be a UUID.`);
  for (const key of ['firstName', 'lastName'] as const) {
    const value = user[key];
    if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) {
      fail(`${where}.${key} must be a non-blank string.`);
    }
  }
  if (user.recoveryCodes !== undefined) {
    if (
      !Array.isArray(user.recoveryCodes) ||
      user.recoveryCodes.some((c) => typeof c !== 'string' || !c)
    ) {
      fail(`${where}.recoveryCodes must be an array of non-empty strings.`);
    }
  }
}

function validateApp(app: EmulatorAppInput, where: string): void {
  if (typeof app !== 'object' || app === null) fail(`${where} must be an object.`);
  if (app.appId !== undefined && !isUuid(app.appId)) fail(`${where}.appId must be a UUID.`);
  if (app.apiKey !== undefined && (typeof app.apiKey !== 'string' || app.apiKey.length === 0)) {
    fail(`${where}.apiKey must be a non-empty string.`);
  }
}

function originPolicy(value: OriginPolicy | undefined): (origin: string) => boolean {
  if (value === undefined) return isLoopbackOrigin;
  if (typeof value === 'function') return value;
  if (!Array.isArray(value) || value.some((o) => typeof o !== 'string')) {
    fail('origins must be an array of origins or a predicate.');
  }
  const allowed = new Set(value);
  return (origin) => allowed.has(origin);
}

/** Fills in the defaults and rejects invalid values with an `EmulatorOptionsError`. */
export function resolveOptions(options: EmulatorOptions = {}): ResolvedEmulatorOptions {
  if (typeof options !== 'object' || options === null) fail('options must be an object.');
  const d = EMULATOR_DEFAULTS;
  const port = options.port ?? d.port;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    fail(`port must be an integer from 0 to 65535, got ${String(port)}.`);
  }
  const users = options.users ?? [DEMO_USER];
  if (!Array.isArray(users)) fail('users must be an array.');
  for (const [i, user] of users.entries()) validateUserInput(user, `users[${i}]`);
  const emails = users.map((u) => u.email.toLowerCase());
  const duplicate = emails.find((e, i) => emails.indexOf(e) !== i);
  if (duplicate) fail(`users contains ${duplicate} twice.`);
  const apps = options.apps ?? [DEMO_APP];
  if (!Array.isArray(apps)) fail('apps must be an array.');
  for (const [i, app] of apps.entries()) validateApp(app, `apps[${i}]`);
  if (options.clock !== undefined && typeof options.clock !== 'function') {
    fail('clock must be a function returning epoch milliseconds.');
  }
  const rpId = options.rpId ?? d.rpId;
  if (typeof rpId !== 'string' || !/^[a-z0-9.-]+$/i.test(rpId)) fail('rpId must be a host name.');
  const corsOrigin = options.corsOrigin ?? d.corsOrigin;
  if (
    corsOrigin !== false &&
    corsOrigin !== '*' &&
    typeof corsOrigin !== 'function' &&
    !(Array.isArray(corsOrigin) && corsOrigin.every((o) => typeof o === 'string'))
  ) {
    fail("corsOrigin must be false, '*', an array of origins or a predicate.");
  }
  const controlToken = options.controlToken ?? randomBytes(32).toString('base64url');
  if (typeof controlToken !== 'string' || !/^[\x21-\x7e]{16,256}$/.test(controlToken)) {
    fail('controlToken must be 16 to 256 printable ASCII characters without spaces.');
  }
  const requestLogLimit = options.requestLogLimit ?? d.requestLogLimit;
  if (!Number.isInteger(requestLogLimit) || requestLogLimit < 1 || requestLogLimit > 1_000_000) {
    fail('requestLogLimit must be an integer from 1 to 1000000.');
  }
  const accountId = options.accountId ?? d.accountId;
  if (!isUuid(accountId)) fail('accountId must be a UUID.');
  const approvalPolicy = { ...d.approvalPolicy, ...options.approvalPolicy };
  flag('approvalPolicy.requires2fa', approvalPolicy.requires2fa, true);
  flag('approvalPolicy.requiresPassword', approvalPolicy.requiresPassword, false);
  const pending = options.secondFactorPendingStatus ?? d.secondFactorPendingStatus;
  if (pending !== 401 && pending !== 403) fail('secondFactorPendingStatus must be 401 or 403.');
  const lockScope = options.lockScope ?? d.lockScope;
  if (lockScope !== 'session' && lockScope !== 'user')
    fail("lockScope must be 'session' or 'user'.");
  const rateLimit = options.rateLimit ?? d.rateLimit;
  if (rateLimit !== false) {
    if (typeof rateLimit !== 'object' || rateLimit === null) {
      fail('rateLimit must be { maxAttempts, windowMs } or false.');
    }
    if (!Number.isInteger(rateLimit.maxAttempts) || rateLimit.maxAttempts < 1) {
      fail('rateLimit.maxAttempts must be a positive integer.');
    }
    duration('rateLimit.windowMs', rateLimit.windowMs, 0);
  }
  const formats = options.attestationFormats ?? d.attestationFormats;
  if (
    !Array.isArray(formats) ||
    formats.length === 0 ||
    formats.some((f) => !FORMATS.includes(f))
  ) {
    fail(`attestationFormats must be a non-empty list of ${FORMATS.join(', ')}.`);
  }
  const recoveryCodeCount = options.recoveryCodeCount ?? d.recoveryCodeCount;
  if (!Number.isInteger(recoveryCodeCount) || recoveryCodeCount < 1 || recoveryCodeCount > 100) {
    fail('recoveryCodeCount must be an integer from 1 to 100.');
  }
  return {
    port,
    users,
    apps,
    autoLockMs: duration('autoLockMs', options.autoLockMs, d.autoLockMs),
    sessionIdleMs: duration('sessionIdleMs', options.sessionIdleMs, d.sessionIdleMs),
    appSessionIdleMs: duration('appSessionIdleMs', options.appSessionIdleMs, d.appSessionIdleMs),
    clock: options.clock ?? (() => Date.now()),
    rpId,
    rpName: options.rpName ?? d.rpName,
    isAllowedOrigin: originPolicy(options.origins),
    corsOrigin,
    controlSurface: flag('controlSurface', options.controlSurface, d.controlSurface),
    controlToken,
    base64UrlPadding: flag('base64UrlPadding', options.base64UrlPadding, d.base64UrlPadding),
    requestLogLimit,
    challengeTtlMs: duration('challengeTtlMs', options.challengeTtlMs, d.challengeTtlMs),
    accountId,
    approvalPolicy,
    approvalExpiryMs: duration('approvalExpiryMs', options.approvalExpiryMs, d.approvalExpiryMs),
    wrongPasswordStatus: status(
      'wrongPasswordStatus',
      options.wrongPasswordStatus,
      d.wrongPasswordStatus,
    ),
    configLockedStatus: status(
      'configLockedStatus',
      options.configLockedStatus,
      d.configLockedStatus,
    ),
    configUnlockedStatus: status(
      'configUnlockedStatus',
      options.configUnlockedStatus,
      d.configUnlockedStatus,
    ),
    secondFactorPendingStatus: pending,
    wrongSecondFactorStatus: status(
      'wrongSecondFactorStatus',
      options.wrongSecondFactorStatus,
      400,
    ),
    terminateWhenLockedStatus: status(
      'terminateWhenLockedStatus',
      options.terminateWhenLockedStatus,
      204,
      200,
    ),
    reunlockRestartsWindow: flag(
      'reunlockRestartsWindow',
      options.reunlockRestartsWindow,
      d.reunlockRestartsWindow,
    ),
    lockScope,
    rateLimit,
    sendLockDeadline: flag('sendLockDeadline', options.sendLockDeadline, d.sendLockDeadline),
    attestationFormats: [...formats],
    newChallengeRequiresUnlock: flag(
      'newChallengeRequiresUnlock',
      options.newChallengeRequiresUnlock,
      d.newChallengeRequiresUnlock,
    ),
    recoveryCodeCount,
  };
}
