import type { Handler, Hono } from 'hono';
import type { DsmOperations, OperationId } from '../../client/operations.js';
import type { Fido2Settings } from '../fido2.js';
import type { EmulatorEnv } from '../http.js';
import { type DsmOperationId, routeOf } from '../operations.js';
import type { EmulatorState } from '../state.js';

/** What every group of routes is given. */
export interface RouteContext {
  app: Hono<EmulatorEnv>;
  state: EmulatorState;
  fido2: Fido2Settings;
}

/** `/users/{user_id}` as Hono writes it: `/users/:user_id`. */
type HonoPath<P extends string> = P extends `${infer Head}{${infer Name}}${infer Tail}`
  ? `${Head}:${Name}${HonoPath<Tail>}`
  : P;
type RoutePath<Id extends DsmOperationId> = Id extends OperationId
  ? HonoPath<DsmOperations[Id]['path']>
  : string;

/** Serves `operationId` at the method and path of its row in the operation table. */
export function serve<Id extends DsmOperationId>(
  app: Hono<EmulatorEnv>,
  operationId: Id,
  handler: Handler<EmulatorEnv, RoutePath<Id>>,
): void {
  const { method, path } = routeOf(operationId);
  app.on(method, path as RoutePath<Id>, handler);
}
