/** User routes: GetUser, UpdateUser (the 2FA device fields), GenerateRecoveryCodes. */
import { verifyAttestation } from '../fido2.js';
import { requireSession, requireUnlocked, requireUser } from '../guards.js';
import { fail, jsonResponse, readObject, singleLineName } from '../http.js';
import { messages } from '../messages.js';
import { isUuid } from '../resolveOptions.js';
import type { EmulatorState, UserRecord } from '../state.js';
import { userView } from '../views.js';
import { type RouteContext, serve } from './context.js';

const LEGACY_U2F_FIELDS = ['add_u2f_devices', 'del_u2f_devices', 'rename_u2f_devices'];
const SUPPORTED_FIELDS = new Set([
  'add_mfa_devices',
  'del_mfa_devices',
  'rename_mfa_devices',
  'first_name',
  'last_name',
  'description',
]);

/** A checked UpdateUser body: what to delete, rename and add, in that order. */
interface DeviceChanges {
  add?: { name: string; attestationResult: unknown };
  del: string[];
  rename: Array<{ oldName: string; newName: string }>;
  names: { first_name?: string | null; last_name?: string | null; description?: string | null };
}

function list(body: Record<string, unknown>, field: string): Record<string, unknown>[] {
  const value = body[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'object' || v === null)) {
    fail(400, `${field} must be an array of objects.`);
  }
  return value as Record<string, unknown>[];
}

function requiredName(value: unknown, what: string): string {
  const name = singleLineName(value);
  if (name === undefined) fail(400, `${what} must be a non-blank single-line string.`);
  return name;
}

function parseChanges(body: Record<string, unknown>, user: UserRecord): DeviceChanges {
  for (const [key, value] of Object.entries(body)) {
    if (LEGACY_U2F_FIELDS.includes(key) && value !== null) fail(400, messages.u2fDeprecated);
    if (!LEGACY_U2F_FIELDS.includes(key) && !SUPPORTED_FIELDS.has(key)) {
      fail(400, `UpdateUser field ${key} is not supported by the emulator.`);
    }
  }
  const adds = list(body, 'add_mfa_devices');
  if (adds.length > 1) fail(400, 'add_mfa_devices takes one device at a time.');
  // Check names against the device list as it will be after each step.
  const names = user.devices.map((d) => d.name);
  const del = list(body, 'del_mfa_devices').map((entry) => {
    const name = requiredName(entry.name, 'del_mfa_devices[].name');
    if (!names.includes(name)) fail(400, `No device named ${JSON.stringify(name)}.`);
    names.splice(names.indexOf(name), 1);
    return name;
  });
  const rename = list(body, 'rename_mfa_devices').map((entry) => {
    const oldName = requiredName(entry.old_name, 'rename_mfa_devices[].old_name');
    const newName = requiredName(entry.new_name, 'rename_mfa_devices[].new_name');
    if (!names.includes(oldName)) fail(400, `No device named ${JSON.stringify(oldName)}.`);
    if (names.includes(newName))
      fail(409, `A device named ${JSON.stringify(newName)} already exists.`);
    names[names.indexOf(oldName)] = newName;
    return { oldName, newName };
  });
  const [first] = adds;
  let add: DeviceChanges['add'];
  if (first) {
    const name = requiredName(first.name, 'add_mfa_devices[].name');
    if (names.includes(name)) fail(409, `A device named ${JSON.stringify(name)} already exists.`);
    if (typeof first.attestationResult !== 'object' || first.attestationResult === null) {
      fail(400, 'add_mfa_devices[].attestationResult is required.');
    }
    add = { name, attestationResult: first.attestationResult };
  }
  const profile: DeviceChanges['names'] = {};
  for (const key of ['first_name', 'last_name', 'description'] as const) {
    const value = body[key];
    if (value === undefined) continue;
    if (
      value !== null &&
      (typeof value !== 'string' || (key !== 'description' && !singleLineName(value)))
    ) {
      fail(400, `${key} must be a non-blank single-line string or null.`);
    }
    profile[key] = value;
  }
  return { ...(add && { add }), del, rename, names: profile };
}

function applyProfile(user: UserRecord, names: DeviceChanges['names']): void {
  if (names.first_name !== undefined) {
    if (names.first_name === null) delete user.firstName;
    else user.firstName = names.first_name;
  }
  if (names.last_name !== undefined) {
    if (names.last_name === null) delete user.lastName;
    else user.lastName = names.last_name;
  }
  if (names.description !== undefined) {
    if (names.description === null) delete user.description;
    else user.description = names.description;
  }
}

/** Whether the body changes devices: only then must the configuration be unlocked. */
function touches2fa(body: Record<string, unknown>): boolean {
  return ['add_mfa_devices', 'del_mfa_devices', 'rename_mfa_devices'].some((field) => {
    const value = body[field];
    return Array.isArray(value) && value.length > 0;
  });
}

function credentialTaken(state: EmulatorState, credentialId: string): boolean {
  for (const user of state.users.values()) {
    if (user.devices.some((d) => d.credentialId === credentialId)) return true;
  }
  return false;
}

function userIdParam(value: string): string {
  if (!isUuid(value)) fail(400, 'user_id must be a UUID.');
  return value.toLowerCase();
}

export function registerUserRoutes({ app, state, fido2 }: RouteContext): void {
  serve(app, 'GetUser', (c) => {
    requireSession(c, state);
    const user = state.users.get(userIdParam(c.req.param('user_id')));
    if (!user) fail(404, messages.userNotFound);
    return jsonResponse(userView(user));
  });

  serve(app, 'UpdateUser', async (c) => {
    const session = requireSession(c, state);
    const me = requireUser(session);
    const target = state.users.get(userIdParam(c.req.param('user_id')));
    if (!target) fail(404, messages.userNotFound);
    if (target !== me) fail(403, messages.selfOnly);
    const body = await readObject(c, 'UserRequest');
    if (touches2fa(body)) requireUnlocked(state, session);
    const changes = parseChanges(body, me);

    let verified: Awaited<ReturnType<typeof verifyAttestation>> | undefined;
    const pending = session.creationChallenge;
    if (changes.add) {
      if (!pending) fail(400, messages.noCreationChallenge);
      if (!state.isFresh(pending)) fail(400, messages.challengeExpired);
      verified = await verifyAttestation(changes.add.attestationResult, pending.challenge, fido2);
      if (!verified.ok) fail(400, verified.message);
      if (credentialTaken(state, verified.value.credentialId)) {
        fail(409, 'This credential is already registered.');
      }
      // The lock may have run out while the attestation was being verified.
      requireUnlocked(state, session);
      if (me.devices.some((d) => d.name === changes.add?.name)) {
        fail(409, `A device named ${JSON.stringify(changes.add.name)} already exists.`);
      }
    }

    me.devices = me.devices.filter((d) => !changes.del.includes(d.name));
    for (const { oldName, newName } of changes.rename) {
      const device = me.devices.find((d) => d.name === oldName);
      if (device) device.name = newName;
    }
    if (changes.add && verified?.ok) {
      me.devices.push({
        ...verified.value,
        name: changes.add.name,
        type: 'Fido2',
        createdAt: state.now(),
      });
      if (session.creationChallenge === pending) delete session.creationChallenge;
    }
    applyProfile(me, changes.names);
    return jsonResponse(userView(me));
  });

  serve(app, 'GenerateRecoveryCodes', (c) => {
    const session = requireSession(c, state);
    const user = requireUser(session);
    requireUnlocked(state, session);
    return jsonResponse({ recovery_codes: state.regenerateRecoveryCodes(user) });
  });
}
