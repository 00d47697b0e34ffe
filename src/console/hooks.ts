// The console's shared state (who is signed in, where, how to speak to the person) and the two
// hooks every screen uses: load something, and poll it while something runs.
import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { HeraldApi } from './api';
import type { Screen } from './route';
import type { Session } from './types';

export interface ConsoleContext {
  api: HeraldApi;
  ws: string;
  session: Session;
  /** Opens a screen of this workspace. */
  go: (screen: Screen) => void;
  /** Announces a result in the status region (read out by screen readers). */
  say: (message: string) => void;
  /** Announces a failure with the API's own message. */
  fail: (error: unknown) => void;
}

export const ConsoleState = createContext<ConsoleContext | null>(null);

export function useConsole(): ConsoleContext {
  const state = useContext(ConsoleState);
  if (!state) throw new Error('a console screen was rendered outside the console');
  return state;
}

export interface Loaded<T> {
  data?: T;
  error?: unknown;
  loading: boolean;
  reload: () => void;
}

/**
 * Runs `load` when `deps` change and on `reload()`. The last data stays shown while a reload
 * runs (a poll does not blank the screen), and an answer that arrives after a newer request
 * started is dropped.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const latest = useRef(0);
  const loader = useRef(load);
  loader.current = load;
  const run = useCallback(() => {
    const request = ++latest.current;
    setState((previous) => ({ ...previous, loading: true }));
    loader.current().then(
      (data) => {
        if (request === latest.current) setState({ data, loading: false });
      },
      (error: unknown) => {
        if (request === latest.current) setState((previous) => ({ ...previous, error, loading: false }));
      },
    );
  }, []);
  useEffect(() => {
    setState({ loading: true });
    run();
  }, deps); // the caller names what its load depends on
  useEffect(
    () => () => {
      latest.current++; // unmounted: drop whatever is still on its way
    },
    [],
  );
  return { ...state, reload: run };
}

/** Calls `tick` every `intervalMs` while `active`: a replay, a recovery or a pending delivery is followed without a reload. */
export function usePolling(active: boolean, tick: () => void, intervalMs = 2000): void {
  const current = useRef(tick);
  current.current = tick;
  useEffect(() => {
    if (!active) return undefined;
    const timer = setInterval(() => current.current(), intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs]);
}

/** An action in progress: the button that started it is disabled until it ends. */
export function useBusy(): [boolean, <T>(work: () => Promise<T>) => Promise<T | undefined>] {
  const { fail } = useConsole();
  const [busy, setBusy] = useState(false);
  const run = useCallback(
    async <T>(work: () => Promise<T>): Promise<T | undefined> => {
      setBusy(true);
      try {
        return await work();
      } catch (error) {
        fail(error);
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [fail],
  );
  return [busy, run];
}
