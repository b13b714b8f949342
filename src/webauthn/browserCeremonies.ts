import {
  type AuthenticatorTransportFuture,
  browserSupportsWebAuthn,
  type PublicKeyCredentialDescriptorJSON,
  startAuthentication,
  startRegistration,
  WebAuthnAbortService,
} from '@simplewebauthn/browser';
import type { WebAuthnCredentialDescriptorJSON } from '../client/webauthnShape.js';
import {
  type CeremonyKind,
  SecurityKeyCancelledError,
  SecurityKeyUnsupportedError,
} from './errors.js';
import type { CeremonyContext, CreateCredential, GetAssertion } from './types.js';

const TRANSPORTS: ReadonlySet<string> = new Set<AuthenticatorTransportFuture>([
  'ble',
  'cable',
  'hybrid',
  'internal',
  'nfc',
  'smart-card',
  'usb',
]);

// Browsers ignore transports they do not know; dropping them here keeps the types honest.
function descriptor(d: WebAuthnCredentialDescriptorJSON): PublicKeyCredentialDescriptorJSON {
  const transports = d.transports?.filter((t): t is AuthenticatorTransportFuture =>
    TRANSPORTS.has(t),
  );
  return transports ? { id: d.id, type: d.type, transports } : { id: d.id, type: d.type };
}

/** @simplewebauthn/browser owns the ceremony's AbortController: our signal goes through it. */
async function run<T>(ceremony: CeremonyKind, context: CeremonyContext, start: () => Promise<T>) {
  if (!browserSupportsWebAuthn()) throw new SecurityKeyUnsupportedError(ceremony);
  if (context.signal.aborted) throw new SecurityKeyCancelledError(ceremony);
  const cancel = () => WebAuthnAbortService.cancelCeremony();
  context.signal.addEventListener('abort', cancel, { once: true });
  try {
    return await start();
  } finally {
    context.signal.removeEventListener('abort', cancel);
  }
}

/** `navigator.credentials.create()` through @simplewebauthn/browser's `startRegistration`. */
export const browserCreateCredential: CreateCredential = (options, context) =>
  run('create', context, () =>
    startRegistration({
      optionsJSON: { ...options, excludeCredentials: options.excludeCredentials.map(descriptor) },
    }),
  );

/** `navigator.credentials.get()` through @simplewebauthn/browser's `startAuthentication`. */
export const browserGetAssertion: GetAssertion = (options, context) =>
  run('get', context, () =>
    startAuthentication({
      optionsJSON: {
        ...options,
        allowCredentials: options.allowCredentials?.map(descriptor),
      },
    }),
  );
