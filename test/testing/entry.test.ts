/**
 * `dsm-2fa-guard/testing` as a user gets it: what the entry exports and imports, and a testbed
 * that catches a UI disagreeing with the model. (One file: the entry brings the emulator and
 * the client, which cost every test file that imports them.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import * as testing from '../../src/testing/index.js';
import {
  fakeTimersControl,
  ModelMismatchError,
  startWorkflowTestbed,
  type WorkflowTestPath,
  workflowTestParams,
  workflowTestPaths,
} from '../../src/testing/index.js';

const time = fakeTimersControl(vi);
const pathOf = (...types: string[]): WorkflowTestPath => {
  const path = workflowTestPaths().find(
    (candidate) =>
      candidate.steps
        .slice(1)
        .map((step) => step.event.type)
        .join() === types.join() &&
      candidate.steps.every((step) => !('answer' in step.event) || step.event.answer === 'ok'),
  );
  if (!path) throw new Error(`No path ${types.join(' → ')}`);
  return path;
};

describe('the workflow testbed catches a UI that disagrees with the model', () => {
  let server: RunningEmulator;
  beforeAll(async () => {
    server = await startEmulator();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => vi.useRealTimers());

  it('passes a UI that does what the model says', async () => {
    const testbed = await startWorkflowTestbed({ time, on: server, securityKey: false });
    await pathOf('UNLOCK', 'LOCK').test(workflowTestParams(testbed));
    await testbed.close();
  });

  it('fails a lock button that never locks', async () => {
    const testbed = await startWorkflowTestbed({ time, on: server, securityKey: false });
    const params = workflowTestParams(testbed, { events: { LOCK: () => {} } });
    const error = await pathOf('UNLOCK', 'LOCK')
      .test(params)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelMismatchError);
    expect((error as Error).message).toMatch(/The workflow is unlocked; the model expects locked/);
    await testbed.close();
  });

  it('fails a page that shows the password', async () => {
    const testbed = await startWorkflowTestbed({ time, on: server, securityKey: false });
    const params = workflowTestParams(testbed, {
      observe: () => ({ 'the page': `Welcome! (password: ${testbed.password})` }),
    });
    const error = await pathOf('UNLOCK', 'LOCK')
      .test(params)
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/A secret appears in the page/);
    await testbed.close();
  });
});

const dir = join(import.meta.dirname, '../../src/testing');

describe('dsm-2fa-guard/testing', () => {
  it('imports no test runner, so it works under vitest, Jest or node:test', () => {
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.ts'))) {
      const source = readFileSync(join(dir, file), 'utf8');
      expect(source, file).not.toMatch(/from '(vitest|@vitest\/[^']+|jest|@jest\/[^']+)'/);
    }
  });

  it('exports the model, the path helpers, the testbed and the coverage tools', () => {
    expect(Object.keys(testing).sort()).toEqual(
      [
        'ModelMismatchError',
        'WorkflowTestbed',
        'checkNeverUnlockedAlone',
        'checkNoSecret',
        'createMachineCoverage',
        'createSecurityKeys',
        'createWorkflowTestModel',
        'eventKey',
        'expectationOf',
        'fakeTimersControl',
        'machinePaths',
        'replayMachinePath',
        'sampleEventName',
        'startWorkflowTestbed',
        'transitionName',
        'workflowModel',
        'workflowModelEvents',
        'workflowTestParams',
        'workflowTestPaths',
      ].sort(),
    );
  });
});
