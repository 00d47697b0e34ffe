import { MAX_REPLAY_CONCURRENCY } from '../../src/policy/endpointHealth';
import type { ActivateRequest } from '../contracts/endpointHealth';

/**
 * The `activate` update's validator: a request the REST schema would refuse is refused here too,
 * before it reaches the history, whoever sends it.
 */
export function validateActivation(request: ActivateRequest): void {
  const concurrency = request.replayConcurrency;
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= MAX_REPLAY_CONCURRENCY)) {
    throw new RangeError(`replayConcurrency must be an integer from 1 to ${MAX_REPLAY_CONCURRENCY}, not ${String(concurrency)}`);
  }
}
