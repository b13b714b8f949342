import ky from 'ky';
import { createDsmClient } from '../../../src/client/index.js';
import { controllerFullCycle } from '../support/controllerCycle.js';
import { noopClient } from '../support/noopClient.js';
import { rawFullCycle } from '../support/rawCycle.js';
import { formatUs, type Scenario } from '../support/results.js';
import { median, nowMs } from '../support/stats.js';
import { stubFetch } from '../support/stubFetch.js';

const baseUrl = 'http://127.0.0.1:9';
const token = 'bench-token-not-secret';
const password = 'bench-password-not-secret';

/**
 * Where a full cycle's overhead goes: its client-side CPU with a stub `fetch` (no sockets, no
 * server), layer by layer: the raw calls, the same requests through ky, through the DSM client
 * (ky + timeouts, retries policy, zod), and through the workflow (statechart, promise API).
 */
export const overheadParts: Scenario = {
  title: 'where the full cycle’s overhead goes (stub fetch, no I/O)',
  async run(progress, { quick }) {
    const rounds = quick ? 4 : 20;
    const batch = quick ? 50 : 200;
    const api = ky.create({
      prefixUrl: `${baseUrl}/`,
      fetch: stubFetch,
      retry: 0,
      timeout: false,
      throwHttpErrors: false,
    });
    const client = createDsmClient({ baseUrl, token, fetch: stubFetch });
    const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
    const arms: Record<string, () => Promise<unknown>> = {
      raw: () => rawFullCycle(baseUrl, token, password, stubFetch),
      ky: async () => {
        await (
          await api.post('sys/v1/session/config_2fa/auth', { headers, json: { password } })
        ).text();
        await (await api.post('sys/v1/users/generate_recovery_codes', { headers })).json();
        await (await api.post('sys/v1/session/config_2fa/terminate', { headers })).arrayBuffer();
      },
      client: async () => {
        await client.config2faAuth({ password });
        await client.generateRecoveryCodes();
        await client.config2faTerminate();
      },
      workflow: () => controllerFullCycle(client, 'bench-user', password),
      workflowAlone: () => controllerFullCycle(noopClient, 'bench-user', password),
    };
    const names = Object.keys(arms);
    const samples: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
    for (let round = -1; round < rounds; round++) {
      for (const name of round % 2 === 0 ? names : [...names].reverse()) {
        const started = nowMs();
        for (let i = 0; i < batch; i++) await arms[name]!();
        // Round -1 warms the JIT up and is not kept.
        if (round >= 0) samples[name]!.push(((nowMs() - started) * 1000) / batch);
      }
      if (round >= 0) progress.count(round + 1, rounds, 'rounds');
    }
    const us = Object.fromEntries(names.map((name) => [name, median(samples[name]!)]));
    const {
      raw,
      ky: viaKy,
      client: viaClient,
      workflow,
      workflowAlone,
    } = us as Record<string, number>;
    progress.end(
      `raw ${formatUs(raw!)}, ky ${formatUs(viaKy!)}, client ${formatUs(viaClient!)}, ` +
        `workflow ${formatUs(workflow!)} (alone ${formatUs(workflowAlone!)})`,
    );
    return {
      rows: [
        {
          measure: `Where a full cycle’s overhead goes: client-side CPU per cycle with a stub fetch (no sockets, no server), median of ${rounds} × ${batch}`,
          library:
            `${formatUs(workflow!)} through the workflow; the DSM client alone ${formatUs(viaClient!)} ` +
            `(ky alone ${formatUs(viaKy!)}); the workflow over a no-op client ${formatUs(workflowAlone!)}`,
          baseline: `raw fetch calls: ${formatUs(raw!)}`,
          ratio: '—',
          goal: '—',
          met: null,
        },
      ],
      data: { overheadParts: { rounds, batch, medianUs: us, samples } },
    };
  },
};
