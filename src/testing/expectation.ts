/** Reading what a model state expects (its `meta`) from a model snapshot. */
import type { SnapshotFrom } from 'xstate';
import type { ModelExpectation, workflowModel } from './workflowModel.js';

/** The expectation of the active model state (the innermost `meta` wins). */
export function expectationOf(snapshot: SnapshotFrom<typeof workflowModel>): ModelExpectation {
  const metas = Object.values(snapshot.getMeta()) as Array<ModelExpectation | undefined>;
  const merged = Object.assign({}, ...metas) as Partial<ModelExpectation>;
  if (!merged.client || !merged.server) {
    throw new Error(`Model state ${JSON.stringify(snapshot.value)} has no expectation meta.`);
  }
  return merged as ModelExpectation;
}
