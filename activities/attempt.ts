// One attempt of a delivery as named steps: load (for a workflow task run again, first the
// attempt as the record may hold it already) → acquireOrDefer → prepare and send (the only
// part that holds a place of the webhook's cap) → judge → record → reportHealth. The workflow decided before the attempt what a failure leads to
// (AttemptInput.onFailure), so an attempt costs one write. Two rules are applied here, because only
// the attempt sees what they need: whether the answer counts as success (judgeAttempt, with the
// webhook's success codes as they stand now) and the endpoint's failure streak (failureStreak.ts).
import { Context } from '@temporalio/activity';
import type { Dispatcher } from 'undici';
import type { Attempt, DeliveryStatus } from '../src/core/domain';
import { buildRequest, sendRequest, type OutgoingRequest, type ResolveHost, type SendResult } from '../src/outbound';
import { deferralLatestSeconds } from '../src/policy/deferral';
import { policyOf } from '../src/policy/resolve';
import { judgeAttempt, type Judgement } from '../src/policy/success';
import type { Store } from '../src/store';
import { toEventRecord, type EventDoc } from '../src/store/events';
import type { WebhookDoc } from '../src/store/webhooks';
import type { WorkspaceSettings } from '../src/store/workspaces';
import type { DeliveryActivities } from '../workflows/contracts/activities';
import type { AttemptInput, AttemptOutcome, StatusUpdate } from '../workflows/contracts/delivery';
import { createFailureStreak } from './failureStreak';
import { createInFlightLimit, type InFlightAnswer } from './inFlight';

export interface DeliveryDeps {
  store: Store;
  allowPrivateNetworks: boolean;
  /** Config.allowedTargets: private `ip:port` targets the operator lets through. */
  allowedTargets?: readonly string[];
  /** Resolves webhook host names; the system resolver unless a test injects its own answers. */
  resolveHost?: ResolveHost;
  /** Attempts in flight to one webhook from this worker; see Config.maxInFlightPerWebhook. */
  maxInFlightPerWebhook?: number;
  dispatcher?: Dispatcher;
  onAttempt?: (attempt: Attempt, succeeded: boolean) => void;
  /** A delivery reached an end state, or was buffered. */
  onDeliveryEnded?: (status: DeliveryStatus) => void;
}

/** Workspace settings change rarely; reading them on every attempt would double the reads. */
const SETTINGS_CACHE_MS = 10_000;

/** What an attempt needs from the store; or why there is no attempt to make, or the attempt as made already. */
type Loaded =
  | { webhook: WebhookDoc; event: EventDoc; settings: WorkspaceSettings | undefined }
  | { outcome: 'webhook-missing' | 'webhook-inactive' }
  | { madeAlready: AttemptOutcome };

/** The request to send; or, when it cannot be built, the failed attempt in its place. */
type Prepared = { request: OutgoingRequest } | { unsent: SendResult };

/** The attempt as sent and judged, ready to be recorded. */
interface Judged {
  attempt: Attempt;
  judgement: Judgement;
  sent: SendResult;
}

export function createDeliveryActivities(deps: DeliveryDeps): DeliveryActivities {
  const { store } = deps;
  const settingsOf = cachedSettings(store);
  // Per worker process, shared by the first attempts (local activities) and the later ones.
  const inFlight = createInFlightLimit(deps.maxInFlightPerWebhook ?? Number.POSITIVE_INFINITY);
  const reportHealth = createFailureStreak(store, settingsOf);

  const placeKey = (input: AttemptInput) => `${input.workspaceId}/${input.webhookId}`;

  /**
   * A place among the webhook's attempts in flight, taken at once when free, after a short wait
   * for a fast webhook at its cap; or the deferral in its place.
   */
  function acquireOrDefer(input: AttemptInput): InFlightAnswer | Promise<InFlightAnswer> {
    return inFlight.acquire(placeKey(input), input.timeoutMs);
  }

  async function defer(input: AttemptInput, retryInMs: number): Promise<AttemptOutcome> {
    await recordDeferral(input, retryInMs);
    return { outcome: 'deferred', retryInMs };
  }

  /**
   * A deferred delivery's record shows the latest its next attempt may come: otherwise its next
   * attempt looks overdue and the reconciler checks its run on every pass, two Temporal calls per
   * deferred delivery. Best effort: a deferral must not fail for want of this write.
   */
  async function recordDeferral(input: AttemptInput, retryInMs: number): Promise<void> {
    const latestMs = deferralLatestSeconds((input.deferrals ?? 0) + 1, retryInMs / 1000) * 1000;
    try {
      await store.deliveries.deferNextAttempt(input.deliveryId, new Date(Date.now() + latestMs));
    } catch (error) {
      Context.current().log.warn('could not record a deferred attempt', { deliveryId: input.deliveryId, error: String(error) });
    }
  }

  /** This attempt as the delivery's record holds it, if an earlier run of the same task made it. */
  async function recordedAttempt(input: AttemptInput): Promise<Attempt | undefined> {
    const delivery = await store.deliveries.getById(input.deliveryId);
    const made = delivery?.attempts.find((attempt) => attempt.n === input.attemptNumber);
    // A repeat caught here means a workflow task timed out (an overloaded or lost worker): rare, and worth a line.
    if (made)
      Context.current().log.warn('attempt made already (its workflow task ran again): answered from the record', {
        deliveryId: input.deliveryId,
        attemptNumber: input.attemptNumber,
      });
    return made;
  }

  async function load(input: AttemptInput): Promise<Loaded> {
    const [webhook, event, settings, made] = await Promise.all([
      store.webhooks.getEndpoint(input.workspaceId, input.webhookId),
      store.events.get(input.workspaceId, input.eventId),
      settingsOf(input.workspaceId),
      input.checkRecorded ? recordedAttempt(input) : undefined,
    ]);
    if (made) return { madeAlready: outcomeOfRecorded(made) };
    if (!webhook || !event) return { outcome: 'webhook-missing' };
    if (!webhook.active) return { outcome: 'webhook-inactive' };
    return { webhook, event, settings };
  }

  /**
   * The request with the webhook's URL, secrets and template as they stand now. One that cannot be
   * built (a template that no longer renders, a secret sealed under a key no longer configured)
   * is a failed attempt.
   */
  function prepare(webhook: WebhookDoc, event: EventDoc, input: AttemptInput, startedAt: Date): Prepared {
    try {
      return { request: buildRequest(store.webhooks.openTarget(webhook, startedAt), toEventRecord(event), input.deliveryId, startedAt) };
    } catch (error) {
      return { unsent: unsent(error) };
    }
  }

  /** The request sent; its answer, or the error that stopped it (sendRequest reports those itself; anything else is a failed attempt too). */
  function send(request: OutgoingRequest, input: AttemptInput, settings: WorkspaceSettings | undefined): Promise<SendResult> {
    return sendRequest(request, {
      timeoutMs: input.timeoutMs,
      allowPrivateNetworks: deps.allowPrivateNetworks,
      ...(deps.allowedTargets ? { allowedTargets: deps.allowedTargets } : {}),
      ...(deps.resolveHost ? { resolveHost: deps.resolveHost } : {}),
      requireHttps: settings?.requireHttps ?? false,
      ...(deps.dispatcher ? { dispatcher: deps.dispatcher } : {}),
    }).catch((error: unknown) => unsent(error));
  }

  /** With the state the workflow planned for this outcome, in one write; false once the record stopped being pending. */
  async function record(input: AttemptInput, { attempt, judgement }: Judged): Promise<boolean> {
    const { onFailure } = input;
    const recorded = await store.deliveries.recordAttempt(
      input.deliveryId,
      attempt,
      judgement.succeeded
        ? { status: 'succeeded', lane: input.lane, nextAttemptAt: null }
        : { status: onFailure.status, lane: onFailure.lane, nextAttemptAt: onFailure.nextAttemptAt ? new Date(onFailure.nextAttemptAt) : null },
    );
    deps.onAttempt?.(attempt, judgement.succeeded);
    return recorded;
  }

  return {
    async deliverAttempt(input: AttemptInput): Promise<AttemptOutcome> {
      // A webhook known to hang, at its cap: deferred before anything is read.
      const early = inFlight.refusal(placeKey(input), input.timeoutMs);
      if (early) return defer(input, early.retryInMs);
      const loaded = await load(input);
      if ('madeAlready' in loaded) return loaded.madeAlready;
      if ('outcome' in loaded) return loaded;
      const { webhook, event, settings } = loaded;

      // The place is held while the request is out, and only then: the cap is about the receiver.
      const answer = acquireOrDefer(input);
      // No await when the answer is immediate: a free place is taken, and the attempt starts, in this turn.
      const place = answer instanceof Promise ? await answer : answer;
      if (!('release' in place)) return defer(input, place.retryInMs);
      const startedAt = new Date();
      let sent: SendResult;
      let prepared: Prepared;
      try {
        prepared = prepare(webhook, event, input, startedAt);
        sent = 'request' in prepared ? await send(prepared.request, input, settings) : prepared.unsent;
      } finally {
        place.release();
      }
      const judged = judge(webhook, input, startedAt, sent);
      const recorded = await record(input, judged);
      await reportHealth(webhook, { succeeded: judged.judgement.succeeded, statusCode: sent.statusCode, at: startedAt });

      if (!recorded) return { outcome: 'cancelled' };
      const ended = judged.judgement.succeeded ? 'succeeded' : input.onFailure.status;
      if (ended !== 'pending') deps.onDeliveryEnded?.(ended);
      return outcomeOf(judged);
    },

    async recordDeliveryStatus(update: StatusUpdate): Promise<void> {
      await store.deliveries.setProgress(update.deliveryId, {
        status: update.status,
        lane: update.lane,
        nextAttemptAt: update.nextAttemptAt ? new Date(update.nextAttemptAt) : null,
      });
      if (update.status !== 'pending') deps.onDeliveryEnded?.(update.status);
    },
  };
}

/** The webhook's success rule as it stands now, like its URL and secret; and the attempt as the record keeps it. */
function judge(webhook: WebhookDoc, input: AttemptInput, startedAt: Date, sent: SendResult): Judged {
  const judgement = judgeAttempt(policyOf(webhook), sent);
  const attempt: Attempt = { n: input.attemptNumber, at: startedAt.toISOString(), durationMs: sent.durationMs };
  if (sent.statusCode !== undefined) attempt.statusCode = sent.statusCode;
  if (sent.responseSnippet !== undefined) attempt.responseSnippet = sent.responseSnippet;
  if (!judgement.succeeded) attempt.error = judgement.error;
  return { attempt, judgement, sent };
}

/**
 * The outcome of an attempt recorded earlier, as deliverAttempt answered it then: a recorded
 * attempt has an error exactly when it failed (judge). A Retry-After it carried is not kept.
 */
function outcomeOfRecorded(attempt: Attempt): AttemptOutcome {
  if (!attempt.error) return { outcome: 'succeeded', statusCode: attempt.statusCode as number };
  return { outcome: 'failed', ...(attempt.statusCode !== undefined ? { statusCode: attempt.statusCode } : {}), errorKind: attempt.error.kind };
}

/** An attempt that never got an answer because Herald could not make the request. */
function unsent(error: unknown): SendResult {
  return { durationMs: 0, error: { kind: 'other', message: (error as Error).message } };
}

function outcomeOf({ attempt, judgement, sent }: Judged): AttemptOutcome {
  if (judgement.succeeded) return { outcome: 'succeeded', statusCode: sent.statusCode as number };
  return {
    outcome: 'failed',
    ...(sent.statusCode !== undefined ? { statusCode: sent.statusCode } : {}),
    errorKind: attempt.error?.kind ?? 'status',
    ...(sent.retryAfterSeconds !== undefined ? { retryAfterSeconds: sent.retryAfterSeconds } : {}),
  };
}

/** The workspace's settings, read at most once per SETTINGS_CACHE_MS per workspace. */
function cachedSettings(store: Store): (workspaceId: string) => Promise<WorkspaceSettings | undefined> {
  const cache = new Map<string, { value: WorkspaceSettings | undefined; at: number }>();
  return async (workspaceId) => {
    const cached = cache.get(workspaceId);
    if (cached && Date.now() - cached.at < SETTINGS_CACHE_MS) return cached.value;
    const value = (await store.workspaces.get(workspaceId))?.settings;
    cache.set(workspaceId, { value, at: Date.now() });
    return value;
  };
}
