import type { Hono } from 'hono';
import type { Fido2Settings } from '../fido2.js';
import type { EmulatorEnv } from '../http.js';
import type { EmulatorState } from '../state.js';

/** What every group of routes is given. */
export interface RouteContext {
  app: Hono<EmulatorEnv>;
  state: EmulatorState;
  fido2: Fido2Settings;
}
