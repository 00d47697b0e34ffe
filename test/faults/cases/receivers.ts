// Receivers that misbehave for a while, then recover, with events arriving before, during and after:
// nothing listening, a hang past the webhook's timeout, a reset mid-response, a redirect (Herald
// counts a 3xx as a failed attempt and follows nothing), a 500; and one that is slow for the whole
// case and answers with a huge body. Every delivery must arrive once.
import { sleep } from '../client';
import type { CaseRun, FaultCase } from '../caseKit';
import type { Behaviour } from '../receiver';
import { freePort } from '../../../scripts/dev/services';

const EVENT = 'fault.receiver';

interface ReceiverSpec {
  name: string;
  title: string;
  /** What the receiver does until it recovers; `refuse`: nothing listens on its port. */
  fault: Behaviour | { kind: 'refuse' };
  /** How the healthy receiver answers; a plain 200 by default. */
  healthy?: Behaviour;
  /** The webhook's timeoutMs. */
  timeoutMs?: number;
  /** The fault lasts the whole case: the receiver never changes (slow and huge answers). */
  permanent?: boolean;
}

const FAULT_WORDS: Record<Behaviour['kind'] | 'refuse', string> = {
  refuse: 'nothing listening',
  hang: 'hanging',
  reset: 'resetting mid-response',
  redirect: 'redirecting',
  fail: 'failing',
  take: 'slow',
};

function receiverCase(spec: ReceiverSpec): FaultCase {
  return {
    name: spec.name,
    title: spec.title,
    deadlineSeconds: (sizes) => 60 + sizes.receiverFaultMs / 1000 + sizes.receiverEvents / 5,
    async run(run: CaseRun) {
      const { sizes, client } = run.ctx;
      const ws = await run.workspace('main', [EVENT]);
      const refuse = spec.fault.kind === 'refuse';
      const receiver = await run.receiver(refuse ? { port: await freePort(), listen: false } : {});
      if (spec.fault.kind !== 'refuse') receiver.behaviour = spec.fault;
      run.faultAt = Date.now();
      await client.createWebhook(ws, {
        name: spec.name,
        url: receiver.url,
        events: [EVENT],
        ...(spec.timeoutMs !== undefined ? { timeoutMs: spec.timeoutMs } : {}),
      });

      // Events keep coming for most of the fault, so some meet it fresh and some in their retries.
      const faultMs = sizes.receiverFaultMs;
      const count = sizes.receiverEvents;
      const ingest = run.ingest({ ws, eventType: EVENT, count, ratePerSecond: count / ((spec.permanent ? 1 : 0.6) * (faultMs / 1000)) });
      if (!spec.permanent) {
        await sleep(faultMs);
        const during = run.tally.requests;
        if (refuse) await receiver.listen();
        receiver.behaviour = spec.healthy ?? { kind: 'take' };
        run.say(`receiver recovers after ${faultMs / 1000} s (${during} requests reached it while it misbehaved)`);
        run.notes.push(`${FAULT_WORDS[spec.fault.kind]} for ${faultMs / 1000} s${refuse ? '' : `: ${during} requests`}`);
      }
      await ingest;
      await run.settle();
      const { requests, expected } = run.tally.counts();
      run.notes.push(`${requests} requests for ${expected} deliveries`);
    },
  };
}

export const receiverCases: FaultCase[] = [
  receiverCase({
    name: 'receiver-refuses',
    title: 'nothing listens on the receiver port (connection refused), then a receiver comes up there',
    fault: { kind: 'refuse' },
  }),
  receiverCase({
    name: 'receiver-hangs',
    title: 'the receiver never answers, past the webhook timeout (1 s), then recovers',
    fault: { kind: 'hang' },
    timeoutMs: 1_000,
  }),
  receiverCase({
    name: 'receiver-resets',
    title: 'the receiver resets the connection mid-response (half a header block, then RST), then recovers',
    fault: { kind: 'reset' },
  }),
  receiverCase({
    name: 'receiver-slow-huge',
    title: 'the receiver answers 200 after 1.5 s (timeout 5 s) and trickles an 8 MiB body, for every request',
    fault: { kind: 'take', delayMs: 1_500, bodyBytes: 8 * 1024 * 1024, chunkDelayMs: 5 },
    timeoutMs: 5_000,
    permanent: true,
  }),
  receiverCase({
    name: 'receiver-redirects',
    title: 'the receiver answers 307 to another URL of its own (counted if followed), then 200',
    fault: { kind: 'redirect', status: 307 },
  }),
  receiverCase({
    name: 'receiver-500',
    title: 'the receiver answers 500, then recovers',
    fault: { kind: 'fail', status: 500 },
  }),
];
