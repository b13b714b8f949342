/**
 * The DSM operations the emulator serves: the client's operation table (its ids, methods and
 * paths, in Hono's `:param` form), and U2F sign-in, which DSM deprecated and the emulator only
 * refuses. The routes are registered from these rows; the request log and fault matching name
 * requests by their operationIds.
 */
import { dsmOperations, type OperationId } from '../client/operations.js';

export type DsmOperationId = OperationId | 'U2fAuth';

export interface DsmOperationRoute {
  operationId: DsmOperationId;
  method: 'GET' | 'POST' | 'PATCH';
  /** Hono's form: `/sys/v1/users/:user_id`. */
  path: string;
}

const u2fAuth: DsmOperationRoute = {
  operationId: 'U2fAuth',
  method: 'POST',
  path: '/sys/v1/session/auth/2fa/u2f',
};

export const DSM_OPERATIONS: readonly DsmOperationRoute[] = [
  ...Object.entries(dsmOperations).map(([operationId, { method, path }]) => ({
    operationId: operationId as OperationId,
    method,
    path: path.replace(/\{(\w+)\}/g, ':$1'),
  })),
  u2fAuth,
];

const byId = new Map(DSM_OPERATIONS.map((op) => [op.operationId, op]));

/** The method and path an operation is served at. */
export function routeOf(operationId: DsmOperationId): DsmOperationRoute {
  return byId.get(operationId) as DsmOperationRoute;
}

const matchers = DSM_OPERATIONS.map((op) => ({
  ...op,
  pattern: new RegExp(`^${op.path.replace(/:[a-z_]+/g, '[^/]+')}$`),
}));

/** The operationId of a request, or undefined for a path DSM does not have. */
export function operationIdOf(method: string, pathname: string): DsmOperationId | undefined {
  const upper = method.toUpperCase();
  return matchers.find((op) => op.method === upper && op.pattern.test(pathname))?.operationId;
}
