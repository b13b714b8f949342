/**
 * A scaled-out, stateless back end: several instances (child processes), one Redis, one DSM
 * (the emulator, in this process), and 1 000 requests in CI (`FULL_RUNS=1`; 300 in `npm test`,
 * `SCALE_OUT_REQUESTS` sets the number) from 16 users spread over the instances at random while
 * simulated time advances, sometimes past the deadlines (at least every eighth wave). Each user's requests
 * come one at a time, as a browser sends them; users run side by side. After every request:
 * the workflow is never unlocked after its deadline nor while DSM is locked; no config request
 * ever reached DSM while it was locked; Redis holds no secret.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppSession, TwoFactorRequest } from '../../examples/backend/twoFactorHandler.js';
import { DEMO_USER, type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { CONFIG_OPERATION_IDS } from '../../src/testing/index.js';
import { seededRandom } from '../reliability/seededRandom.js';
import { type BundledScript, bundleScript } from '../support/nodeScript.js';
import { type RedisServer, skipRedisTests, startRedisServer } from '../support/redisServer.js';
import { runSize } from '../support/runSize.js';
import type { WorkerReply, WorkerRequest } from './scaleOutWorker.js';

const INSTANCES = 3;
const USERS = 16;
const REQUESTS = runSize('SCALE_OUT_REQUESTS', 300, 1_000);

interface Instance {
  child: ChildProcess;
  output: string[];
  served: number;
}

describe.skipIf(skipRedisTests)('a stateless back end on several instances', () => {
  let redisServer: RedisServer;
  let redis: Redis;
  let emulator: RunningEmulator;
  let simulatedNow = Date.UTC(2026, 10, 23, 9, 0, 0);
  let worker: BundledScript | undefined;
  const instances: Instance[] = [];
  const waiting = new Map<number, (reply: WorkerReply) => void>();

  beforeAll(async () => {
    redisServer = await startRedisServer();
    redis = new Redis({ host: redisServer.host, port: redisServer.port });
    emulator = await startEmulator({ clock: () => simulatedNow, rateLimit: false });
    // The instance's code (the example handler, the store and the library, from source),
    // bundled once for plain node: three instances through tsx would cost a second of CPU each.
    const bundled = await bundleScript('test/store/scaleOutWorker.ts');
    worker = bundled;
    const started = Array.from({ length: INSTANCES }, () => {
      const child = fork(bundled.file, {
        execArgv: ['--enable-source-maps'],
        env: { ...process.env, REDIS_URL: redisServer.url, DSM_BASE_URL: emulator.url },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      });
      const instance: Instance = { child, output: [], served: 0 };
      child.stdout?.on('data', (chunk) => instance.output.push(String(chunk)));
      child.stderr?.on('data', (chunk) => instance.output.push(String(chunk)));
      instances.push(instance);
      return new Promise<void>((resolve, reject) => {
        child.once('exit', (code) =>
          reject(new Error(`instance exited (${code}): ${instance.output.join('')}`)),
        );
        child.on('message', (message: WorkerReply | { ready: number }) => {
          if ('ready' in message) return resolve();
          instance.served += 1;
          waiting.get(message.id)?.(message);
          waiting.delete(message.id);
        });
      });
    });
    await Promise.all(started);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(
      instances.map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.disconnect();
          }),
      ),
    );
    await redis?.quit();
    await redisServer?.stop();
    await emulator?.close();
    await worker?.remove();
  });

  it(`keeps every lock state right across ${REQUESTS} requests, with time running past deadlines`, async () => {
    const seed = Number(process.env.SCALE_OUT_SEED ?? Date.now() % 100_000);
    const next = seededRandom(seed);
    const user = emulator.state.userByEmail(DEMO_USER.email)!;
    const sessions: AppSession[] = Array.from({ length: USERS }, (_, i) => ({
      id: `browser-session-${i}`,
      dsmToken: emulator.state.createSession({ kind: 'user', user }).token,
      dsmUserId: user.userId,
    }));
    const lastState = new Map<string, string>();
    const lastDeadline = new Map<string, number>();
    const violations: string[] = [];
    const counts = { requests: 0, afterDeadline: 0, unlockedReplies: 0, configDone: 0 };
    let nextId = 1;
    let waves = 0;

    const send = (session: AppSession, request: TwoFactorRequest): Promise<WorkerReply> => {
      const message: WorkerRequest = { id: nextId++, now: simulatedNow, session, request };
      const instance = instances[Math.floor(next() * instances.length)]!;
      return new Promise((resolve) => {
        waiting.set(message.id, resolve);
        instance.child.send(message);
      });
    };
    const pick = (session: AppSession): TwoFactorRequest => {
      const roll = next();
      if (lastState.get(session.id) === 'unlocked') {
        if (roll < 0.35) return { action: 'recoveryCodes' };
        if (roll < 0.5) return { action: 'newDeviceChallenge' };
        if (roll < 0.7) return { action: 'status' };
        if (roll < 0.85) return { action: 'lock' };
        return {
          action: 'deny',
          requestId: emulator.createApprovalRequest({ reviewerEmail: DEMO_USER.email }),
        };
      }
      if (roll < 0.6) return { action: 'unlock', password: DEMO_USER.password };
      if (roll < 0.7) return { action: 'unlock', password: 'not the password' };
      if (roll < 0.85) return { action: 'status' };
      return {
        action: 'deny',
        requestId: emulator.createApprovalRequest({ reviewerEmail: DEMO_USER.email }),
      };
    };
    const check = (
      session: AppSession,
      request: TwoFactorRequest,
      reply: WorkerReply,
      now: number,
    ) => {
      const where = `request ${reply.id} (${request.action}, seed ${seed})`;
      if (reply.crash || !reply.response) return violations.push(`${where}: ${reply.crash}`);
      const { state, deadline, restoredAs, error } = reply.response;
      const server = emulator.lockState(session.dsmToken);
      if (state === 'unlocked') {
        counts.unlockedReplies += 1;
        if (!server.unlocked) violations.push(`${where}: unlocked while DSM is locked`);
        if (deadline === null || now >= deadline)
          violations.push(`${where}: unlocked past the deadline`);
      }
      // A request after the deadline its workflow was left unlocked with: never unlocked now.
      const left = lastDeadline.get(session.id);
      if (lastState.get(session.id) === 'unlocked' && left !== undefined && now >= left) {
        counts.afterDeadline += 1;
        if (restoredAs !== 'locked' && restoredAs !== 'locking') {
          violations.push(`${where}: restored ${restoredAs} after the deadline`);
        }
      }
      if (deadline !== null) lastDeadline.set(session.id, deadline);
      if (['recoveryCodes', 'newDeviceChallenge'].includes(request.action) && !error)
        counts.configDone += 1;
      if (error && !['WRONG_PASSWORD', 'CONFIG_LOCKED', 'CONFIG_UNLOCKED'].includes(error.code)) {
        violations.push(`${where}: unexpected ${error.code}: ${error.message}`);
      }
      lastState.set(session.id, state);
    };

    while (counts.requests < REQUESTS) {
      const wave = sessions.slice(0, Math.min(USERS, REQUESTS - counts.requests));
      await Promise.all(
        wave.map(async (session) => {
          const request = pick(session);
          check(session, request, await send(session, request), simulatedNow);
        }),
      );
      counts.requests += wave.length;
      waves += 1;
      // Between waves: seconds mostly, sometimes minutes (every eighth wave at least), so that
      // deadlines pass unattended however few the waves.
      const roll = next();
      simulatedNow +=
        roll < 0.15 || waves % 8 === 0
          ? 240_000 + Math.floor(next() * 420_000)
          : Math.floor(next() * 60_000);
    }

    // Redis holds only snapshots, and no secret.
    const keys = await redis.keys('scale-out:*');
    const values = (await Promise.all(keys.map((key) => redis.get(key)))).join('\n');
    for (const secret of [DEMO_USER.password, ...sessions.map((s) => s.dsmToken)]) {
      expect(values).not.toContain(secret);
      expect(keys.join('\n')).not.toContain(secret);
    }
    // DSM's own log: no config request ever arrived while the configuration was locked.
    const configRequests = emulator.requests.filter((r) =>
      CONFIG_OPERATION_IDS.has(r.operationId ?? ''),
    );
    expect(configRequests.filter((r) => r.configUnlocked !== true)).toEqual([]);
    expect(configRequests.length).toBe(counts.configDone);

    expect(violations).toEqual([]);
    expect(counts.requests).toBe(REQUESTS);
    expect(instances.every((instance) => instance.served > REQUESTS / INSTANCES / 2)).toBe(true);
    expect(counts.afterDeadline).toBeGreaterThan(0);
    expect(counts.unlockedReplies).toBeGreaterThan(REQUESTS / 10);
    const output = instances.flatMap((instance) => instance.output).join('');
    for (const secret of [DEMO_USER.password, ...sessions.map((s) => s.dsmToken)]) {
      expect(output).not.toContain(secret);
    }
  }, 60_000);
});
