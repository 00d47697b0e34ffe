// What every phase gets: the options, the stack under test, the receiver and the process sampler (memory, CPU).
import type { RssSampler } from './memory';
import type { BenchOptions } from './options';
import type { BenchReceiver } from './receiver';
import type { Say, Stack } from './stack';

export interface BenchContext {
  options: BenchOptions;
  stack: Stack;
  receiver: BenchReceiver;
  /** Only with the embedded stack: there the process ids are known. */
  sampler: RssSampler | undefined;
  say: Say;
}
