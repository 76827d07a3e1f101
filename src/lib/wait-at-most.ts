/**
 * @module lib/wait-at-most — waits for a promise, but no longer than a time budget.
 */

/**
 * Resolves when `work` settles or after `ms`, whichever comes first (the work goes on).
 * @example await waitAtMost(this.runDue(), 1000) // answer within a second either way
 */
export async function waitAtMost(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const budget = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([work.then(() => undefined, () => undefined), budget]);
  clearTimeout(timer);
}
