/**
 * Signing the testbed's user in, with the security key as second factor once one is
 * registered (DSM then asks for it), and registering that key.
 */
import { Secret } from '../client/secret.js';
import type { DsmClient } from '../client/types.js';
import type { EmulatorApp } from '../emulator/app.js';
import type { SoftAuthenticator } from '../emulator/softAuthenticator.js';

export interface TestSession {
  client: DsmClient;
  /** The bearer token, for asking the emulator for the server's truth. Never print it. */
  token: Secret<string>;
  userId: string;
}

export async function signIn(
  anonymous: DsmClient,
  authenticator: SoftAuthenticator,
  credentials: { email: string; password: string },
): Promise<TestSession> {
  const auth = await anonymous.authenticate(credentials);
  const client = anonymous.withToken(auth.accessToken);
  const options = auth.secondFactor?.fido2AssertionOptions;
  if (options) await client.completeFido2Auth(await authenticator.getAssertion(options));
  return { client, token: auth.accessToken, userId: auth.entityId };
}

/** A session created in the emulator's state, with no request: sign-in is not under test. */
export function directSession(
  anonymous: DsmClient,
  emulator: EmulatorApp,
  email: string,
): TestSession {
  const user = emulator.state.userByEmail(email);
  if (!user) throw new Error(`The emulator has no user ${email}.`);
  const token = new Secret(emulator.state.createSession({ kind: 'user', user }).token);
  return { client: anonymous.withToken(token), token, userId: user.userId };
}

/**
 * Registers a security key straight through the client (not through the workflow under
 * test), so approvals can be signed from the first step on.
 */
export async function registerKey(
  session: TestSession,
  authenticator: SoftAuthenticator,
  name: string,
  password: string,
): Promise<void> {
  const { client, userId } = session;
  await client.config2faAuth({ password: new Secret(password) });
  const creation = await client.mfaNewChallenge();
  const attestationResult = await authenticator.createCredential(creation);
  await client.updateUser(userId, { add_mfa_devices: [{ name, attestationResult }] });
  await client.config2faTerminate();
}
