/**
 * Plain-fetch helpers for the emulator tests: they speak DSM's HTTP API directly (the typed client
 * is tested on its own), so each test reads like the requests it sends.
 */
import {
  createSoftAuthenticator,
  DEMO_USER,
  type DsmCreationOptions,
  type DsmRequestOptions,
  type RunningEmulator,
  type SoftAuthenticator,
} from '../../src/emulator/index.js';

export interface CallOptions {
  token?: string;
  basic?: string;
  body?: unknown;
  headers?: Record<string, string>;
  fetch?: typeof globalThis.fetch;
  signal?: AbortSignal;
}

export function basicCredentials(email: string, password: string): string {
  return Buffer.from(`${email}:${password}`).toString('base64');
}

/** One DSM request over real HTTP (or through `options.fetch`). */
export function call(
  baseUrl: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.basic) headers.authorization = `Basic ${options.basic}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  return (options.fetch ?? fetch)(`${baseUrl}${path}`, {
    method,
    headers,
    ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
    ...(options.signal && { signal: options.signal }),
  });
}

export interface SignedIn {
  token: string;
  userId: string;
  body: Record<string, unknown>;
}

/** Authenticate with Basic email:password. */
export async function signIn(
  em: RunningEmulator,
  user: { email: string; password: string } = DEMO_USER,
): Promise<SignedIn> {
  const res = await call(em.url, 'POST', '/sys/v1/session/auth', {
    basic: basicCredentials(user.email, user.password),
  });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as Record<string, unknown>;
  return { token: String(body.access_token), userId: String(body.entity_id), body };
}

export async function unlock(
  em: RunningEmulator,
  token: string,
  password: string = DEMO_USER.password,
) {
  return call(em.url, 'POST', '/sys/v1/session/config_2fa/auth', { token, body: { password } });
}

export async function lock(em: RunningEmulator, token: string) {
  return call(em.url, 'POST', '/sys/v1/session/config_2fa/terminate', { token });
}

export async function newChallenge(
  em: RunningEmulator,
  token: string,
): Promise<DsmCreationOptions> {
  const res = await call(
    em.url,
    'POST',
    '/sys/v1/session/config_2fa/new_challenge?protocol=fido2',
    {
      token,
    },
  );
  if (res.status !== 200)
    throw new Error(`new_challenge failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as DsmCreationOptions;
}

export function addDevice(em: RunningEmulator, token: string, userId: string, device: unknown) {
  return call(em.url, 'PATCH', `/sys/v1/users/${userId}`, {
    token,
    body: { add_mfa_devices: [device] },
  });
}

/** Unlock, register a soft authenticator's key, lock again. */
export async function registerKey(
  em: RunningEmulator,
  session: SignedIn,
  authenticator: SoftAuthenticator = createSoftAuthenticator(),
  name = 'security key',
): Promise<SoftAuthenticator> {
  await unlock(em, session.token);
  const attestationResult = await authenticator.createCredential(
    await newChallenge(em, session.token),
  );
  const res = await addDevice(em, session.token, session.userId, { name, attestationResult });
  if (res.status !== 200) throw new Error(`add device failed: ${res.status} ${await res.text()}`);
  await lock(em, session.token);
  return authenticator;
}

/** Sign in a user who has a key, completing the second factor with it. */
export async function signInWithKey(
  em: RunningEmulator,
  authenticator: SoftAuthenticator,
  user: { email: string; password: string } = DEMO_USER,
): Promise<SignedIn> {
  const session = await signIn(em, user);
  const options = session.body.fido2_assertion_options as DsmRequestOptions;
  const assertion = await authenticator.getAssertion(options);
  const res = await call(em.url, 'POST', '/sys/v1/session/auth/2fa/fido2', {
    token: session.token,
    body: assertion,
  });
  if (res.status !== 204) throw new Error(`2FA failed: ${res.status} ${await res.text()}`);
  return session;
}

/**
 * Lets the event loop run (setImmediate, which the tests never fake) until `predicate` holds.
 * Not a sleep: it never waits on the clock, and gives up after `rounds` turns.
 */
export async function until(predicate: () => boolean, rounds = 2000): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    if (predicate()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('condition not met');
}

/** A promise's state, without waiting for it. */
export async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}
