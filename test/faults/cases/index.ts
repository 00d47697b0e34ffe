// Every case of the fault suite, in the order a full run takes them.
import type { FaultCase } from '../caseKit';
import { burstCase, isolationCase } from './load';
import { processKillCases } from './processKills';
import { receiverCases } from './receivers';

export const ALL_CASES: FaultCase[] = [...processKillCases, ...receiverCases, burstCase, isolationCase];

/** The cases named (exactly, or by a prefix such as `receiver-`); all when none is. */
export function selectCases(names: string[]): FaultCase[] {
  if (names.length === 0) return ALL_CASES;
  const unknown = names.filter((name) => !ALL_CASES.some((fault) => fault.name.startsWith(name)));
  if (unknown.length > 0) throw new Error(`Unknown case ${unknown.join(', ')}; the cases are: ${ALL_CASES.map((fault) => fault.name).join(', ')}`);
  return ALL_CASES.filter((fault) => names.some((name) => fault.name.startsWith(name)));
}
