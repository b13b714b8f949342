/**
 * Informational output of the suite (heap figures, bundle breakdowns, coverage lists): printed
 * only when asked with `TEST_DETAIL=1`, so that a green run is quiet. A failing check puts the
 * figures it needs in its own message instead.
 */
export const testDetail = process.env.TEST_DETAIL === '1';

export function logDetail(text: string): void {
  if (testDetail) console.info(text);
}
