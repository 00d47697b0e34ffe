import type { Config } from '../config';
import type { Store } from '../store';
import type { TemporalDeps } from '../temporal/client';

/** What every route plugin receives: wired once in buildApp. */
export interface AppDeps {
  config: Config;
  store: Store;
  temporal: TemporalDeps;
}
