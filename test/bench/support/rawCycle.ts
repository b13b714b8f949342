/**
 * The baseline of the full cycle: the same three DSM requests an app would make by hand with
 * `fetch`, reading each answer as the library does (JSON parsed, status checked).
 */
export async function rawFullCycle(
  baseUrl: string,
  token: string,
  password: string,
  fetchImpl: typeof fetch = fetch,
) {
  const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
  const unlock = await fetchImpl(`${baseUrl}/sys/v1/session/config_2fa/auth`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ password }),
  });
  if (!unlock.ok) throw new Error(`Config2faAuth: HTTP ${unlock.status}`);
  await unlock.text();

  const generated = await fetchImpl(`${baseUrl}/sys/v1/users/generate_recovery_codes`, {
    method: 'POST',
    headers,
  });
  if (!generated.ok) throw new Error(`GenerateRecoveryCodes: HTTP ${generated.status}`);
  const { recovery_codes } = (await generated.json()) as { recovery_codes: string[] };

  const lock = await fetchImpl(`${baseUrl}/sys/v1/session/config_2fa/terminate`, {
    method: 'POST',
    headers,
  });
  if (!lock.ok) throw new Error(`Config2faTerminate: HTTP ${lock.status}`);
  await lock.arrayBuffer();
  return recovery_codes;
}
