/**
 * The request log: one record per DSM request, for tests and invariant checks. It names the
 * operation and the session and says whether that session's configuration was unlocked when the
 * request arrived. It never holds a body, a header, a token or a password.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppliedFaults } from './faultMiddleware.js';
import type { FaultKind } from './faults.js';
import { authorization, type EmulatorEnv } from './http.js';
import { type DsmOperationId, operationIdOf } from './operations.js';
import type { EmulatorState } from './state.js';

export interface RequestRecord {
  /** 1, 2, 3… in order of arrival. */
  seq: number;
  /** Emulator time of arrival (epoch ms). */
  at: number;
  method: string;
  /** The pathname, without the query. */
  path: string;
  /** DSM's operationId, or undefined for a path DSM does not have. */
  operationId?: DsmOperationId;
  /** The status the client got; 0 while pending, or when the connection was dropped or hung. */
  status: number;
  /** The session's id (not its token), when the request carried a live bearer token. */
  sessionId?: string;
  /** The server-side lock state of that session when the request arrived. */
  configUnlocked?: boolean;
  /** The fault injected into this request, if any (besides latency). */
  fault?: FaultKind;
  /** Injected latency, if any. */
  latencyMs?: number;
}

/** A DSM request as seen by the log's middleware (the control surface is not logged). */
export const CONTROL_PREFIX = '/__emulator';

/** The log keeps the last `limit` requests (option `requestLogLimit`), so it never grows unbounded. */
export class RequestLog {
  #records: RequestRecord[] = [];
  #nextSeq = 1;
  #byRequest = new WeakMap<Request, RequestRecord>();

  constructor(readonly limit: number) {}

  get records(): readonly RequestRecord[] {
    return this.#records.map((r) => ({ ...r }));
  }

  clear(): void {
    this.#records = [];
  }

  /** Records faults applied to a request (called by the fault middleware). */
  noteFaults(request: Request, applied: AppliedFaults): void {
    const record = this.#byRequest.get(request);
    if (!record) return;
    if (applied.kind) record.fault = applied.kind;
    if (applied.latencyMs !== undefined) record.latencyMs = applied.latencyMs;
  }

  middleware(state: EmulatorState): MiddlewareHandler<EmulatorEnv> {
    return async (c, next) => {
      const operationId = operationIdOf(c.req.method, c.req.path);
      c.set('operationId', operationId);
      const token = authorization(c, 'Bearer');
      // A peek: looking must not refresh the session's idle timer.
      const session = token ? state.session(token) : undefined;
      const record: RequestRecord = {
        seq: this.#nextSeq++,
        at: state.now(),
        method: c.req.method,
        path: c.req.path,
        ...(operationId && { operationId }),
        status: 0,
        ...(session && {
          sessionId: session.id,
          configUnlocked: state.configLock(session).unlocked,
        }),
      };
      this.#records.push(record);
      if (this.#records.length > this.limit) this.#records.shift();
      this.#byRequest.set(c.req.raw, record);
      await next();
      record.status =
        record.fault && ['drop', 'refused', 'hang'].includes(record.fault) ? 0 : c.res.status;
    };
  }
}
