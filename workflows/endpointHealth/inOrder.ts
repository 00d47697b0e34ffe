/**
 * Starts each item in order, at most `window` at once: an item starts only after the one
 * `window` places before it has ended. With a window of 1, strictly one after the other.
 */
export async function inOrder<T>(items: T[], window: number, run: (item: T) => Promise<void>): Promise<void> {
  const running: Array<Promise<void>> = [];
  for (let i = 0; i < items.length; i++) {
    if (i >= window) await running[i - window];
    running.push(run(items[i]));
  }
  await Promise.all(running);
}
