/**
 * The emulator as a Hono app: bodiless 204s, CORS (off unless asked for), the control surface
 * behind its token, the request log, fault injection, then DSM's routes, and 405 or 404 for
 * anything else. `createEmulatorApp` gives it to you without a server (use its `fetch`);
 * `startEmulator` serves it on loopback.
 */
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { LinearRouter } from 'hono/router/linear-router';
import { allowedMethodsOf } from './allowedMethods.js';
import { createClock } from './clock.js';
import { CONTROL_TOKEN_HEADER, controlGuard } from './controlGuard.js';
import { createControls, type EmulatorControls } from './controls.js';
import { EmulatorFaultError, EmulatorOptionsError } from './errors.js';
import { faultMiddleware } from './faultMiddleware.js';
import { FaultRegistry } from './faults.js';
import type { Fido2Settings } from './fido2.js';
import { DsmHttpFailure, type EmulatorEnv, textResponse } from './http.js';
import { messages } from './messages.js';
import type { CorsOriginPolicy, EmulatorOptions, ResolvedEmulatorOptions } from './options.js';
import { CONTROL_PREFIX, RequestLog } from './requestLog.js';
import { resolveOptions } from './resolveOptions.js';
import { registerApprovalRoutes } from './routes/approvals.js';
import { registerConfig2faRoutes } from './routes/config2fa.js';
import type { RouteContext } from './routes/context.js';
import { registerControlRoutes } from './routes/control.js';
import { registerSessionRoutes } from './routes/session.js';
import { registerUserRoutes } from './routes/users.js';
import { EmulatorState } from './state.js';
import { BODILESS, HangRegistry, inProcessFetch } from './transport.js';

/** The emulator without a server. */
export interface EmulatorApp extends EmulatorControls {
  /** The Hono app (serve it yourself, or call `app.fetch`). */
  readonly app: Hono<EmulatorEnv>;
  /** The server-side state, for tests that need to look deeper than the controls. */
  readonly state: EmulatorState;
  /** The options with their defaults. */
  readonly options: ResolvedEmulatorOptions;
  /**
   * `fetch` into the app without sockets. Relative paths resolve against the emulator's URL
   * (`http://127.0.0.1` until served). Honours `signal`; injected faults apply. Requests to the
   * control surface get the control token added.
   */
  readonly fetch: typeof globalThis.fetch;
  /** The token the HTTP control surface (`/__emulator/`) asks for in `X-Emulator-Token`. */
  readonly controlToken: string;
  /**
   * Headers for a control-surface request from another process or a plain `fetch`: the token
   * and `Content-Type: application/json`.
   */
  controlHeaders(): Record<string, string>;
}

/** Internals `startEmulator` needs besides the public app. */
export interface EmulatorInternals {
  emulator: EmulatorApp;
  hangs: HangRegistry;
  setBaseUrl(url: string): void;
}

function corsOrigin(policy: Exclude<CorsOriginPolicy, false>) {
  if (policy === '*') return '*';
  if (typeof policy === 'function') {
    return (origin: string) => (policy(origin) ? origin : null);
  }
  return [...policy];
}

function withoutControlPrefix(
  middleware: ReturnType<RequestLog['middleware']>,
): ReturnType<RequestLog['middleware']> {
  return (c, next) => (isControlPath(c.req.path) ? next() : middleware(c, next));
}

function isControlPath(path: string): boolean {
  return path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`);
}

export function buildEmulator(resolved: ResolvedEmulatorOptions): EmulatorInternals {
  const clock = createClock(resolved.clock);
  const state = new EmulatorState(resolved, clock);
  const log = new RequestLog(resolved.requestLogLimit);
  const faults = new FaultRegistry();
  const hangs = new HangRegistry();
  const controls = createControls(state, clock, log, faults);
  const fido2: Fido2Settings = {
    rpId: resolved.rpId,
    rpName: resolved.rpName,
    isAllowedOrigin: resolved.isAllowedOrigin,
    attestationFormats: resolved.attestationFormats,
    base64UrlPadding: resolved.base64UrlPadding,
  };

  // Tests build hundreds of emulators, each answering a few requests: the linear router costs
  // nothing to build, where Hono's default compiles a RegExp matcher at each app's first request.
  const app = new Hono<EmulatorEnv>({ router: new LinearRouter() });
  // 204, 205 and 304 carry no body and so no content type, whoever built the response.
  app.use('*', async (c, next) => {
    await next();
    const { status, body, headers } = c.res;
    if (BODILESS.includes(status) && (body || headers.has('content-type'))) {
      if (body) void body.cancel().catch(() => {});
      const bare = new Headers(headers);
      bare.delete('content-type');
      bare.delete('content-length');
      // Cleared first, or Hono would copy the old headers onto the new response.
      c.res = undefined;
      c.res = new Response(null, { status, headers: bare });
    }
  });
  if (resolved.corsOrigin !== false) {
    app.use(
      '*',
      cors({
        origin: corsOrigin(resolved.corsOrigin),
        allowHeaders: ['Authorization', 'Content-Type', CONTROL_TOKEN_HEADER],
        allowMethods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
        exposeHeaders: ['Retry-After'],
        maxAge: 600,
      }),
    );
  }
  if (resolved.controlSurface) {
    const guard = controlGuard(resolved.controlToken);
    app.use(CONTROL_PREFIX, guard);
    app.use(`${CONTROL_PREFIX}/*`, guard);
    registerControlRoutes(app, controls);
  }
  app.use('*', withoutControlPrefix(log.middleware(state)));
  app.use(
    '*',
    withoutControlPrefix(
      faultMiddleware(faults, (c, applied) => log.noteFaults(c.req.raw, applied)),
    ),
  );

  const context: RouteContext = { app, state, fido2 };
  registerSessionRoutes(context);
  registerConfig2faRoutes(context);
  registerUserRoutes(context);
  registerApprovalRoutes(context);

  const allowedMethods = allowedMethodsOf(app);
  app.notFound((c) => {
    const allow = allowedMethods(c.req.path);
    if (allow.length === 0) return textResponse(404, messages.routeNotFound);
    return textResponse(405, messages.methodNotAllowed, { allow: allow.join(', ') });
  });
  app.onError((error) => {
    if (error instanceof DsmHttpFailure) {
      return textResponse(error.status, error.message, error.headers);
    }
    // Bad input to the control surface.
    if (
      error instanceof EmulatorOptionsError ||
      error instanceof EmulatorFaultError ||
      error instanceof RangeError
    ) {
      return textResponse(400, error.message);
    }
    console.error('[dsm-emulator] internal error:', error);
    return textResponse(500, messages.internal);
  });

  let baseUrl = 'http://127.0.0.1';
  const emulator: EmulatorApp = Object.defineProperties(controls as EmulatorApp, {
    app: { value: app, enumerable: true },
    state: { value: state, enumerable: true },
    options: { value: resolved, enumerable: true },
    fetch: {
      value: inProcessFetch(app, () => baseUrl, hangs, resolved.controlToken),
      enumerable: true,
    },
    controlToken: { value: resolved.controlToken, enumerable: true },
    controlHeaders: {
      value: () => ({
        [CONTROL_TOKEN_HEADER]: resolved.controlToken,
        'content-type': 'application/json',
      }),
      enumerable: true,
    },
  });
  return {
    emulator,
    hangs,
    setBaseUrl(url) {
      baseUrl = url;
    },
  };
}

/**
 * The emulator as an app, without a server: for in-process tests (`emulator.fetch`) or to mount
 * in your own server. Throws `EmulatorOptionsError` for an invalid option.
 */
export function createEmulatorApp(options?: EmulatorOptions): EmulatorApp {
  return buildEmulator(resolveOptions(options)).emulator;
}
