/**
 * Fault injection: what can go wrong between a client and DSM, on demand.
 *
 * A fault matches requests (by operationId, method, path), applies to the next `times` of them,
 * and then retires. `latency` combines with one other fault; otherwise the oldest matching fault
 * wins. Faults that break the connection itself (`drop`, `refused`, `hang`, `reset`) are carried out
 * by the transport (see transport.ts) so they work over real sockets and through `emulator.fetch`.
 * The middleware that applies faults is in faultMiddleware.ts.
 */
import { EmulatorFaultError } from './errors.js';

export type FaultKind =
  | 'latency'
  | 'status'
  | 'drop'
  | 'refused'
  | 'reset'
  | 'hang'
  | 'malformed'
  | 'wrongContentType'
  | 'oversized';

/**
 * `before`: the request never reaches DSM's logic (nothing changes on the server).
 * `after`: DSM handles it (its state changes), then the answer is lost or spoiled.
 */
export type FaultPhase = 'before' | 'after';

export interface FaultMatch {
  operationId?: string;
  method?: string;
  /** The exact pathname, or a RegExp tested against it. */
  path?: string | RegExp;
}

interface FaultBase {
  /** Which requests; all of them when absent. */
  match?: FaultMatch;
  /** How many matching requests it applies to. Default 1; `Infinity` until cleared. */
  times?: number;
}

export type Fault =
  /** Delays the request by `ms`, at most ten minutes (a real `setTimeout`, so fake timers control it). */
  | (FaultBase & { kind: 'latency'; ms: number })
  /** Answers `status` with a plain-text `body`; `retryAfterS` sets Retry-After (429, 503). */
  | (FaultBase & {
      kind: 'status';
      status: number;
      body?: string;
      retryAfterS?: number;
      phase?: FaultPhase;
    })
  /** Closes the connection without an answer (`refused` is the same from an accepted socket). */
  | (FaultBase & { kind: 'drop' | 'refused'; phase?: FaultPhase })
  /** Never answers, until the client gives up or the emulator closes. */
  | (FaultBase & { kind: 'hang'; phase?: FaultPhase })
  /** Sends the status and headers, part of the body, then resets the connection. Default phase `after`. */
  | (FaultBase & { kind: 'reset'; phase?: FaultPhase })
  /** 200 with `application/json` that is not JSON. */
  | (FaultBase & { kind: 'malformed'; phase?: FaultPhase })
  /** The real answer, labelled `text/html`. */
  | (FaultBase & { kind: 'wrongContentType' })
  /** 200 with a valid JSON body of `bytes` (default 8 MiB, at most 64 MiB). */
  | (FaultBase & { kind: 'oversized'; bytes?: number; phase?: FaultPhase });

/** An injected fault as listed by `emulator.faults`. */
export interface ActiveFault {
  id: string;
  fault: Fault;
  /** Matching requests it will still apply to. */
  remaining: number;
}

/** The largest `oversized` body a fault may ask for (64 MiB). */
export const MAX_OVERSIZED_BYTES = 64 * 1024 * 1024;
/** The longest injected latency (ten minutes). */
export const MAX_LATENCY_MS = 600_000;
/** The longest `body` of a `status` fault (64 KiB). */
export const MAX_FAULT_BODY_CHARS = 64 * 1024;
/** How many faults may be armed at once. */
export const MAX_ACTIVE_FAULTS = 1_000;

/** The transport-level faults; the response carries this header to the transport, which strips it. */
export const TRANSPORT_FAULT_HEADER = 'x-dsm-emulator-transport-fault';
export type TransportFaultKind = 'drop' | 'hang' | 'reset';

const KINDS: readonly FaultKind[] = [
  'latency',
  'status',
  'drop',
  'refused',
  'reset',
  'hang',
  'malformed',
  'wrongContentType',
  'oversized',
];

/** Checks a fault (from code or from the control surface's JSON, where `times` may be "Infinity"). */
export function validateFault(input: unknown): Fault {
  const bad = (message: string): never => {
    throw new EmulatorFaultError(message);
  };
  if (typeof input !== 'object' || input === null) bad('a fault must be an object.');
  const fault = { ...(input as Record<string, unknown>) };
  if (!KINDS.includes(fault.kind as FaultKind)) bad(`kind must be one of ${KINDS.join(', ')}.`);
  if (fault.times === 'Infinity' || fault.times === null) fault.times = Number.POSITIVE_INFINITY;
  const times = fault.times ?? 1;
  if (
    typeof times !== 'number' ||
    !(times === Number.POSITIVE_INFINITY || Number.isInteger(times)) ||
    times < 1
  ) {
    bad('times must be a positive integer or Infinity.');
  }
  const match = fault.match;
  if (match !== undefined) {
    if (typeof match !== 'object' || match === null) bad('match must be an object.');
    const { operationId, method, path } = match as Record<string, unknown>;
    if (operationId !== undefined && typeof operationId !== 'string')
      bad('match.operationId must be a string.');
    if (method !== undefined && typeof method !== 'string') bad('match.method must be a string.');
    if (path !== undefined && typeof path !== 'string' && !(path instanceof RegExp)) {
      bad('match.path must be a string or a RegExp.');
    }
  }
  if (fault.phase !== undefined && fault.phase !== 'before' && fault.phase !== 'after') {
    bad("phase must be 'before' or 'after'.");
  }
  if (
    fault.kind === 'latency' &&
    (typeof fault.ms !== 'number' || !(fault.ms >= 0) || fault.ms > MAX_LATENCY_MS)
  ) {
    bad(`a latency fault needs ms from 0 to ${MAX_LATENCY_MS}.`);
  }
  if (fault.kind === 'status') {
    if (
      !Number.isInteger(fault.status) ||
      (fault.status as number) < 200 ||
      (fault.status as number) > 599
    ) {
      bad('a status fault needs a status from 200 to 599.');
    }
    if (
      fault.body !== undefined &&
      (typeof fault.body !== 'string' || fault.body.length > MAX_FAULT_BODY_CHARS)
    ) {
      bad(`body must be a string of at most ${MAX_FAULT_BODY_CHARS} characters.`);
    }
    if (
      fault.retryAfterS !== undefined &&
      (!Number.isInteger(fault.retryAfterS) || (fault.retryAfterS as number) < 0)
    ) {
      bad('retryAfterS must be a non-negative integer.');
    }
  }
  if (fault.kind === 'oversized' && fault.bytes !== undefined) {
    const bytes = fault.bytes as number;
    if (!Number.isInteger(bytes) || bytes < 16 || bytes > MAX_OVERSIZED_BYTES) {
      bad(`bytes must be an integer from 16 to ${MAX_OVERSIZED_BYTES}.`);
    }
  }
  return fault as unknown as Fault;
}

function matches(match: FaultMatch | undefined, req: RequestKey): boolean {
  if (!match) return true;
  if (match.operationId !== undefined && match.operationId !== req.operationId) return false;
  if (match.method !== undefined && match.method.toUpperCase() !== req.method) return false;
  if (typeof match.path === 'string' && match.path !== req.path) return false;
  if (match.path instanceof RegExp && !match.path.test(req.path)) return false;
  return true;
}

interface RequestKey {
  operationId: string | undefined;
  method: string;
  path: string;
}

export class FaultRegistry {
  #faults: ActiveFault[] = [];
  #nextId = 1;

  /** Arms a fault; throws `EmulatorFaultError` for an invalid one or when too many are armed. */
  add(input: Fault): string {
    const fault = validateFault(input);
    if (this.#faults.length >= MAX_ACTIVE_FAULTS) {
      throw new EmulatorFaultError(`at most ${MAX_ACTIVE_FAULTS} faults can be armed at once.`);
    }
    const id = `fault-${this.#nextId++}`;
    this.#faults.push({ id, fault, remaining: fault.times ?? 1 });
    return id;
  }

  remove(id: string): boolean {
    const before = this.#faults.length;
    this.#faults = this.#faults.filter((f) => f.id !== id);
    return this.#faults.length < before;
  }

  clear(): void {
    this.#faults = [];
  }

  list(): ActiveFault[] {
    return this.#faults.map((f) => ({ ...f }));
  }

  /** Takes one use of the first matching latency fault and of the first other matching fault. */
  take(req: RequestKey): { latency?: Fault; other?: Fault } {
    const pick = (wantLatency: boolean): Fault | undefined => {
      const active = this.#faults.find(
        (f) => (f.fault.kind === 'latency') === wantLatency && matches(f.fault.match, req),
      );
      if (!active) return undefined;
      active.remaining -= 1;
      if (active.remaining <= 0) this.#faults = this.#faults.filter((f) => f !== active);
      return active.fault;
    };
    const latency = pick(true);
    const other = pick(false);
    return { ...(latency && { latency }), ...(other && { other }) };
  }
}
