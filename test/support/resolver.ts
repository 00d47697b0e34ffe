// A stand-in for DNS, injected as Herald's ResolveHost: a host name answers what the test scripted,
// lookup after lookup, and any other name does not resolve. A connection is never given a public
// address (the resolver throws instead), so no test can reach a real outside host through it.
import type { LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { isPrivateAddress, type ResolveHost } from '../../src/outbound';

/** One lookup's answer: an address, several, or a resolver error code such as 'ENOTFOUND'. */
export type Answer = string | string[];
type Purpose = Parameters<ResolveHost>[1];

export interface TestResolver {
  resolveHost: ResolveHost;
  /**
   * Scripts `name`: its checks get `check[0]`, then `check[1]`, ..., the last one from then on;
   * its connections get `connect`'s answers the same way (by default, the same as the checks).
   */
  answer(name: string, check: Answer[], connect?: Answer[]): void;
  /** How many times `name` was looked up, for one purpose or for both. */
  lookups(name: string, purpose?: Purpose): number;
}

export function createTestResolver(): TestResolver {
  const scripts = new Map<string, Record<Purpose, Answer[]>>();
  const counts = new Map<string, Record<Purpose, number>>();
  // DNS names are case-insensitive, and a trailing dot names the same host.
  const key = (name: string) => name.toLowerCase().replace(/\.$/, '');

  return {
    async resolveHost(hostname, purpose) {
      const name = key(hostname);
      const count = counts.get(name) ?? { check: 0, connect: 0 };
      counts.set(name, { ...count, [purpose]: count[purpose] + 1 });
      const script = scripts.get(name)?.[purpose] ?? ['ENOTFOUND'];
      const answer = script[Math.min(count[purpose], script.length - 1)] ?? 'ENOTFOUND';
      if (typeof answer === 'string' && !isIP(answer)) {
        throw Object.assign(new Error(`getaddrinfo ${answer} ${hostname}`), { code: answer, hostname });
      }
      const addresses = typeof answer === 'string' ? [answer] : answer;
      const outside = addresses.find((address) => !isPrivateAddress(address));
      if (purpose === 'connect' && outside) throw new Error(`the test resolver does not connect anything to ${outside}, a real outside address`);
      return addresses.map((address): LookupAddress => ({ address, family: isIP(address) }));
    },
    answer(name, check, connect = check) {
      scripts.set(key(name), { check, connect });
    },
    lookups(name, purpose) {
      const count = counts.get(key(name)) ?? { check: 0, connect: 0 };
      return purpose ? count[purpose] : count.check + count.connect;
    },
  };
}
