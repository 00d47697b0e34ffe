// The one polling wait of the test suite. Every test that waits for something to happen in real
// time (a request reaching a receiver, a delivery reaching a status, a workflow closing) goes
// through `eventually`; no test sleeps a fixed time and then asserts.

export interface EventuallyOptions {
  /** How long to keep trying before giving up. Default 60 s. */
  timeoutMs?: number;
  /** The pause between two tries. Default 200 ms. */
  intervalMs?: number;
  /** What is being waited for, named in the timeout error. */
  what?: string;
}

/** What `eventually` treats as "not yet". */
type NotYet = false | 0 | '' | null | undefined;

/**
 * Calls `check` until it passes, and resolves with its value.
 *
 * `check` passes when it returns (or resolves with) a truthy value. It has not passed yet when
 * it throws (or rejects) — so a `check` may be a read that throws until its data exists, or an
 * `expect(...)` assertion followed by `return true` — or when it returns a falsy value (`false`,
 * `null`, `undefined`, `0`, `''`). `check` is called at once, then again `intervalMs` after each
 * try has finished, until `timeoutMs` have passed since the start; one last try is made at the
 * deadline. On timeout it rejects with an Error naming `what` and carrying the last error thrown
 * by `check` (message in the text, the error itself as `cause`), or the last falsy value.
 */
export async function eventually<T>(check: () => Promise<T> | T, options: EventuallyOptions = {}): Promise<Exclude<T, NotYet>> {
  const { timeoutMs = 60_000, intervalMs = 200, what = 'a condition' } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let lastError: unknown;
    let lastValue: unknown;
    let threw = false;
    try {
      const value = await check();
      if (value) return value as Exclude<T, NotYet>;
      lastValue = value;
    } catch (error) {
      threw = true;
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const last = threw
        ? `last error: ${lastError instanceof Error ? lastError.message : String(lastError)}`
        : `last result: ${JSON.stringify(lastValue) ?? String(lastValue)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; ${last}`, threw ? { cause: lastError } : undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
  }
}

/**
 * Reads `read` until `ready` accepts what it read, and resolves with that value. The explicit form
 * of `eventually` for a value that is read, then judged (e.g. a list that must hold one item).
 */
export async function eventuallyValue<T>(read: () => Promise<T> | T, ready: (value: T) => boolean, options: EventuallyOptions = {}): Promise<T> {
  const { value } = await eventually(async () => {
    const value = await read();
    if (!ready(value)) throw new Error(`not ready: ${JSON.stringify(value) ?? String(value)}`);
    return { value };
  }, options);
  return value;
}
