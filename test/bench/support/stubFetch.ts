const json = { 'content-type': 'application/json' };
const codes = JSON.stringify({
  recovery_codes: Array.from({ length: 10 }, (_, i) => `code-${i}-0000-0000`),
});

/**
 * A `fetch` that answers the full cycle's three requests at once, without sockets or a server:
 * what is left of a cycle's cost is the client's own work.
 */
export const stubFetch: typeof fetch = (input) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  if (url.endsWith('/config_2fa/auth')) {
    return Promise.resolve(new Response('{}', { status: 200, headers: json }));
  }
  if (url.endsWith('/generate_recovery_codes')) {
    return Promise.resolve(new Response(codes, { status: 200, headers: json }));
  }
  return Promise.resolve(new Response(null, { status: 204 }));
};
