/**
 * One instance of a scaled-out back end, as a child process (bundled by scaleOut.test.ts): it serves
 * the requests its parent routes to it with the example handler, on the shared Redis and the
 * parent's emulator, at the simulated time each request carries. It keeps nothing between
 * requests but its clock: a new client and workflow each time, restored from Redis.
 */
import { Redis } from 'ioredis';
import {
  type AppSession,
  handleTwoFactorRequest,
  type TwoFactorRequest,
  type TwoFactorResponse,
} from '../../examples/backend/twoFactorHandler.js';
import { createRedisSnapshotStore } from '../../src/store/index.js';
import { ManualClock } from '../../src/testing/manualClock.js';

export interface WorkerRequest {
  id: number;
  /** Simulated wall-clock time of this request. */
  now: number;
  session: AppSession;
  request: TwoFactorRequest;
}

export interface WorkerReply {
  id: number;
  pid: number;
  response?: TwoFactorResponse;
  /** A failure outside the handler's typed answers. */
  crash?: string;
}

const redis = new Redis(process.env.REDIS_URL!, { lazyConnect: false, maxRetriesPerRequest: 2 });
const store = createRedisSnapshotStore(redis, { prefix: 'scale-out:' });
const dsmBaseUrl = process.env.DSM_BASE_URL!;

// One clock for the instance, moved to each request's simulated time (one clock object also
// means one machine definition: the library caches it per clock).
const clock = new ManualClock(0);
let inFlight = 0;

process.on('message', async (message: WorkerRequest) => {
  const reply: WorkerReply = { id: message.id, pid: process.pid };
  inFlight += 1;
  try {
    await clock.advanceTo(message.now, async () => {});
    reply.response = await handleTwoFactorRequest(
      { store, dsmBaseUrl, clock },
      message.session,
      message.request,
    );
    // Nothing may outlive a request: with none in flight, no timer is left on the clock.
    if (inFlight === 1 && clock.pending > 0) reply.crash = `${clock.pending} timers left`;
  } catch (error) {
    const { code, message: text } = error as { code?: string; message?: string };
    reply.crash = `${code ?? 'ERROR'}: ${text ?? String(error)}`;
  }
  inFlight -= 1;
  process.send?.(reply);
});

process.on('disconnect', () => {
  void redis.quit().finally(() => process.exit(0));
});
process.send?.({ ready: process.pid });
