// What every fault case does: its own workspace, receivers and webhooks; an ingest through the REST
// API; a bounded wait, with progress, until every delivery the 202 answers listed has arrived; and
// an outcome whose counts stay open for late arrivals and duplicates until the suite reads them.
import { HeraldClient, describeReposts, sleep, type IngestPlan, type IngestStats, type Workspace } from './client';
import { CountingReceiver } from './receiver';
import type { FaultStack } from './stack';
import { Tally } from './tally';

/** How many events each kind of case sends. */
export interface Sizes {
  /** Events of a case that kills a process mid-way. */
  killEvents: number;
  /** Events of a case with a misbehaving receiver. */
  receiverEvents: number;
  /** How long a receiver misbehaves before it recovers. */
  receiverFaultMs: number;
  burstEvents: number;
  burstWebhooks: number;
  /** Deliveries waiting for the hanging webhook of the isolation case. */
  isolationDeadEvents: number;
  /** Events to the healthy webhook, in each of the two measurements. */
  isolationHealthyEvents: number;
  isolationHealthyRate: number;
}

export const FULL_SIZES: Sizes = {
  killEvents: 400,
  receiverEvents: 100,
  receiverFaultMs: 6_000,
  burstEvents: 2_000,
  burstWebhooks: 5,
  isolationDeadEvents: 1_000,
  isolationHealthyEvents: 150,
  isolationHealthyRate: 10,
};

export const QUICK_SIZES: Sizes = {
  killEvents: 100,
  receiverEvents: 30,
  receiverFaultMs: 4_000,
  burstEvents: 200,
  burstWebhooks: 5,
  isolationDeadEvents: 150,
  isolationHealthyEvents: 40,
  isolationHealthyRate: 8,
};

export interface CaseContext {
  stack: FaultStack;
  client: HeraldClient;
  sizes: Sizes;
  /** Makes this run's event ids unique. */
  runTag: string;
  say: (line: string) => void;
}

export interface CaseOutcome {
  name: string;
  title: string;
  tally: Tally;
  /** Events answered 202, and those that never were. */
  eventsIn: number;
  notAccepted: number;
  seconds: number;
  notes: string[];
  /** Reasons the case failed besides lost deliveries (an error, events refused, a followed redirect). */
  failures: string[];
  /** Figures a case measures beyond the counts (the isolation case's latencies). */
  figures: Record<string, number>;
  receivers: CountingReceiver[];
}

export interface FaultCase {
  name: string;
  title: string;
  /** Kills Temporal, FerretDB or PostgreSQL: needs a stack that owns them. */
  needsOwnServers?: boolean;
  /** The longest the case may take for these sizes: then whatever has not arrived is lost. */
  deadlineSeconds(sizes: Sizes): number;
  run(run: CaseRun): Promise<void>;
}

const PROGRESS_EVERY_MS = 5_000;

/** One run of one case: its books, its receivers, its notes, its deadline. */
export class CaseRun {
  readonly tally = new Tally();
  readonly receivers: CountingReceiver[] = [];
  readonly notes: string[] = [];
  readonly failures: string[] = [];
  readonly figures: Record<string, number> = {};
  readonly started = Date.now();
  readonly deadline: number;
  private eventsIn = 0;
  private notAccepted = 0;
  private ingests: Promise<IngestStats>[] = [];
  private expectedIngests = 0;
  private acceptedSoFar = 0;
  private settled = false;
  private readonly workspaces = new Map<string, Workspace>();
  /** When the case's fault struck (a kill, a receiver going bad): times in the notes count from it. */
  faultAt: number | undefined;

  constructor(
    readonly ctx: CaseContext,
    readonly fault: FaultCase,
  ) {
    this.deadline = this.started + fault.deadlineSeconds(ctx.sizes) * 1000;
  }

  get accepted(): number {
    return this.acceptedSoFar;
  }

  say(line: string): void {
    this.ctx.say(`[${this.fault.name}] ${line}`);
  }

  /** A workspace of the case's own with the given event types. */
  async workspace(label: string, eventTypes: string[]): Promise<Workspace> {
    const ws = await this.ctx.client.createWorkspace(`faults ${this.fault.name} ${label}`, eventTypes);
    this.workspaces.set(ws.id, ws);
    return ws;
  }

  /** A receiver booking in this case's tally; listening at once unless `listen` is false. */
  async receiver(options: { port?: number; listen?: boolean } = {}): Promise<CountingReceiver> {
    const receiver = new CountingReceiver(this.tally, options.port ?? 0);
    this.receivers.push(receiver);
    if (options.listen !== false) await receiver.listen();
    return receiver;
  }

  /** Starts an ingest (not awaited): the case goes on while it runs; `settle` waits for it. */
  ingest(plan: Omit<IngestPlan, 'tally' | 'deadline' | 'idPrefix'> & { label?: string }): Promise<IngestStats> {
    this.expectedIngests += plan.count;
    const idPrefix = `${this.ctx.runTag}-${this.fault.name}${plan.label ? `-${plan.label}` : ''}`;
    const running = this.ctx.client
      .ingest({
        ...plan,
        idPrefix,
        tally: this.tally,
        deadline: this.deadline,
        onAccepted: (n) => {
          this.acceptedSoFar++;
          plan.onAccepted?.(n);
        },
      })
      .then((stats) => {
        this.eventsIn += stats.accepted;
        this.notAccepted += stats.notAccepted;
        if (Object.keys(stats.reposts).length > 0) this.notes.push(`posted again: ${describeReposts(stats.reposts)}`);
        if (stats.notAccepted > 0) this.failures.push(`${stats.notAccepted} events never answered 202`);
        return stats;
      });
    this.ingests.push(running);
    return running;
  }

  /** Resolves when `condition` holds (checked every 100 ms), or throws at the case's deadline. */
  async until(what: string, condition: () => boolean): Promise<void> {
    let nextProgress = Date.now() + PROGRESS_EVERY_MS;
    while (!condition()) {
      if (Date.now() > this.deadline) throw new Error(`deadline passed waiting for ${what}`);
      if (Date.now() >= nextProgress) {
        nextProgress += PROGRESS_EVERY_MS;
        this.say(`${this.progress()} (waiting for ${what})`);
      }
      await sleep(100);
    }
  }

  /**
   * Waits for the ingests, then for every delivery their 202 answers listed, printing progress,
   * until the deadline; the books close then. `quietMs`: then wait that long without any request,
   * so duplicates of a replayed attempt are counted in this case's row.
   */
  async settle(quietMs = 3_000): Promise<void> {
    this.settled = true;
    let nextProgress = Date.now() + PROGRESS_EVERY_MS;
    let ingestDone = false;
    void Promise.all(this.ingests).then(() => {
      ingestDone = true;
    });
    for (;;) {
      const complete = ingestDone && this.tally.receivedCount === this.tally.expectedCount;
      if (complete || Date.now() > this.deadline) break;
      if (Date.now() >= nextProgress) {
        nextProgress += PROGRESS_EVERY_MS;
        this.say(this.progress());
      }
      await sleep(100);
    }
    await Promise.all(this.ingests);
    this.tally.close();
    const { lost } = this.tally.counts();
    if (lost > 0) {
      this.say(`deadline: ${lost} deliveries not received`);
    } else {
      const quietUntil = Math.min(Date.now() + 4 * quietMs, this.deadline + quietMs);
      while (Date.now() < quietUntil && Date.now() - this.tally.lastRequestAt < quietMs) await sleep(100);
    }
    await this.explain();
  }

  /** The evidence for a duplicate or a lost delivery: when it arrived, and what Herald's record says. */
  private async explain(): Promise<void> {
    for (const { webhookId, first, again } of this.tally.duplicated(3)) {
      const when = [first, ...again].map((at) => this.clock(at)).join(' and ');
      this.notes.push(`duplicate ${shortId(webhookId)} (${this.clockOrigin()}): taken at ${when}; Herald's record: ${await this.recordOf(webhookId)}`);
    }
    for (const webhookId of this.tally.missing(3)) {
      this.notes.push(`lost ${shortId(webhookId)} (${this.clockOrigin()}): Herald's record: ${await this.recordOf(webhookId)}`);
    }
  }

  /** A time in the notes: seconds from the fault, or from the case's start. */
  private clock(at: number): string {
    const seconds = (at - (this.faultAt ?? this.started)) / 1000;
    return `${seconds >= 0 ? '+' : ''}${seconds.toFixed(1)} s`;
  }

  private clockOrigin(): string {
    return this.faultAt === undefined ? "times from the case's start" : 'times from the fault';
  }

  /** `GET /deliveries/{id}`, summarised: status and every attempt (number, answer, time). */
  private async recordOf(deliveryId: string): Promise<string> {
    const ws = this.workspaces.get(deliveryId.split('/')[1] ?? '');
    if (!ws) return 'unknown workspace';
    const answer = await this.ctx.client.call('GET', `/workspaces/${ws.id}/deliveries/${encodeURIComponent(deliveryId)}`, ws.key);
    if (answer.status !== 200) return `GET answered ${answer.status || answer.error}`;
    const record = answer.body.data as { status: string; attempts: Array<{ n: number; at: string; statusCode?: number; error?: { kind: string } }> };
    const attempts = record.attempts.map(
      (attempt) => `#${attempt.n} ${attempt.statusCode ?? attempt.error?.kind ?? '?'} at ${this.clock(Date.parse(attempt.at))}`,
    );
    const shown = attempts.length > 6 ? [...attempts.slice(0, 2), '…', ...attempts.slice(-3)] : attempts;
    return `${record.status}, attempts ${shown.join(', ') || 'none'}`;
  }

  progress(): string {
    const seconds = Math.round((Date.now() - this.started) / 1000);
    return `${seconds} s: ${this.acceptedSoFar}/${this.expectedIngests} events answered 202, ${this.tally.receivedCount}/${this.tally.expectedCount} deliveries received, ${this.tally.duplicates} duplicates, ${this.tally.requests} requests`;
  }

  /** Whether settle() has run: a case that failed before it still waits, within its deadline. */
  get isSettled(): boolean {
    return this.settled;
  }

  outcome(): CaseOutcome {
    for (const receiver of this.receivers) {
      if (receiver.followedRedirects > 0) this.failures.push(`Herald followed a redirect ${receiver.followedRedirects} times`);
      if (receiver.anonymous > 0) this.failures.push(`${receiver.anonymous} requests without a webhook-id`);
    }
    return {
      name: this.fault.name,
      title: this.fault.title,
      tally: this.tally,
      eventsIn: this.eventsIn,
      notAccepted: this.notAccepted,
      seconds: Math.round((Date.now() - this.started) / 100) / 10,
      notes: this.notes,
      failures: this.failures,
      figures: this.figures,
      receivers: this.receivers,
    };
  }
}

/** `delivery/{ws}/{event}/{webhook}` → `{event}→{webhook}`, short enough for a note. */
const shortId = (deliveryId: string): string => {
  const [, , event, webhook] = deliveryId.split('/');
  return event && webhook ? `${event}→${webhook}` : deliveryId;
};

/**
 * Runs one case to its outcome. An exception is a failure of the case, never of the suite: the
 * stack is restored, and the deliveries already promised are still awaited until the deadline.
 */
export async function runCase(ctx: CaseContext, fault: FaultCase): Promise<CaseOutcome> {
  const run = new CaseRun(ctx, fault);
  run.say(fault.title);
  try {
    await fault.run(run);
  } catch (error) {
    run.failures.push(`error: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    run.say(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    await Promise.all(run.receivers.map((receiver) => receiver.heal())).catch(() => undefined);
  }
  try {
    await ctx.stack.ensureRunning();
  } catch (error) {
    run.failures.push(`the stack could not be restored: ${String(error)}`);
  }
  if (!run.isSettled) await run.settle();
  for (const incident of ctx.stack.takeIncidents()) run.notes.push(incident);
  return run.outcome();
}
