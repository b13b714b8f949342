import { InsecureBaseUrlError } from './errors/index.js';

/** 127.0.0.0/8, ::1 and localhost. The URL parser has already normalized IPv4 and IPv6 forms. */
const LOOPBACK_HOST = /^(localhost|\[::1\]|127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/i;

/** DSM's base URL, checked (`InsecureBaseUrlError`), without a trailing slash. */
export function checkBaseUrl(baseUrl: string | URL): string {
  let url: URL;
  try {
    url = new URL(String(baseUrl));
  } catch {
    throw new InsecureBaseUrlError(
      'invalid',
      'The DSM base URL is not a valid absolute URL; pass one like https://amer.smartkey.io.',
    );
  }
  const where = `${url.protocol}//${url.host}`;
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InsecureBaseUrlError(
      'invalid',
      `The DSM base URL must use https, not ${url.protocol} (${where}).`,
    );
  }
  if (url.username || url.password) {
    throw new InsecureBaseUrlError(
      'invalid',
      `The DSM base URL must not contain credentials (${where}); pass them to authenticate() instead.`,
    );
  }
  if (url.search || url.hash) {
    throw new InsecureBaseUrlError(
      'invalid',
      `The DSM base URL must not have a query or a fragment (${where}${url.pathname}).`,
    );
  }
  if (url.protocol === 'http:' && !LOOPBACK_HOST.test(url.hostname)) {
    throw new InsecureBaseUrlError(
      'insecure',
      `The DSM base URL must use https: ${where} would send passwords and tokens in clear ` +
        'text. Plain http is allowed only for loopback hosts (127.0.0.0/8, ::1, localhost).',
    );
  }
  return url.href.replace(/\/+$/, '');
}
