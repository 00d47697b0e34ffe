// Activities are thin: they call the store and HTTP, and leave every decision to the workflows.
import { Context } from '@temporalio/activity';
import type { Dispatcher } from 'undici';
import type { Attempt, DeliveryStatus } from '../src/core/domain';
import { buildRequest, sendRequest, type ResolveHost, type SendResult } from '../src/outbound';
import { deferralLatestSeconds } from '../src/policy/deferral';
import { effectiveRule, GONE_STATUS, streakCrossesThreshold } from '../src/policy/endpointHealth';
import { judgeAttempt } from '../src/policy/success';
import type { Store } from '../src/store';
import { toEventRecord } from '../src/store/events';
import { type WebhookDoc } from '../src/store/webhooks';
import { policyOf } from '../src/policy/resolve';
import type { WorkspaceSettings } from '../src/store/workspaces';
import { reportFailing } from '../src/temporal/endpointHealth';
import type { DeliveryActivities, EndpointHealthActivities, HeraldActivities } from '../workflows/contracts/activities';
import type { AttemptInput, AttemptOutcome, StatusUpdate } from '../workflows/contracts/delivery';
import { createHealthActivities } from './endpointHealth';
import { createInFlightLimit } from './inFlight';
import { createMaintenanceActivities } from './maintenance';

export interface ActivityDeps {
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

export function createActivities(deps: ActivityDeps): HeraldActivities {
  const { store } = deps;
  const settingsCache = new Map<string, { value: WorkspaceSettings | undefined; at: number }>();
  // Per worker process, shared by the first attempts (local activities) and the later ones.
  const inFlight = createInFlightLimit(deps.maxInFlightPerWebhook ?? Number.POSITIVE_INFINITY);

  async function settingsOf(workspaceId: string): Promise<WorkspaceSettings | undefined> {
    const cached = settingsCache.get(workspaceId);
    if (cached && Date.now() - cached.at < SETTINGS_CACHE_MS) return cached.value;
    const value = (await store.workspaces.get(workspaceId))?.settings;
    settingsCache.set(workspaceId, { value, at: Date.now() });
    return value;
  }

  /**
   * The failure rule, kept with the attempts: a success ends a streak (a write only when there is
   * one, so a healthy endpoint costs nothing), a failure extends it, and the health workflow hears
   * only when the streak crosses the threshold, or at once on 410 Gone.
   */
  async function trackHealth(webhook: WebhookDoc, succeeded: boolean, statusCode: number | undefined, at: Date): Promise<void> {
    if (webhook.kind === 'notification') return;
    // Temporal unreachable: the next failed attempt reports again, as the streak only grows.
    const report = (reason: string) =>
      reportFailing(workerClient(), webhook, reason).catch((error: unknown) => {
        Context.current().log.warn('could not report a failing endpoint', { error: String(error) });
      });
    if (succeeded) {
      if (webhook.failureStreak) await store.webhooks.resetStreak(webhook._id);
      return;
    }
    if (statusCode === GONE_STATUS) {
      if (webhook.active) await report('the endpoint answered 410 Gone');
      return;
    }
    const streak = await store.webhooks.recordFailure(webhook._id, at);
    if (!streak || !webhook.active) return;
    const rule = effectiveRule(webhook.deactivation, (await settingsOf(webhook.workspaceId))?.deactivation);
    const now = Date.now();
    if (streakCrossesThreshold({ count: streak.count, sinceMs: streak.since.getTime() }, rule, now)) {
      await report(`${streak.count} consecutive failed attempts since ${streak.since.toISOString()}`);
    }
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

  return {
    ...createHealthActivities(store),
    ...createMaintenanceActivities(store),

    /**
     * Sends one attempt of a delivery and records it with the state the workflow planned for its
     * outcome; or, when the webhook already has its cap of attempts in flight on this worker,
     * defers it at once: nothing sent, recorded or counted towards the webhook's health.
     */
    async deliverAttempt(input: AttemptInput): Promise<AttemptOutcome> {
      const place = inFlight.tryAcquire(`${input.workspaceId}/${input.webhookId}`, input.timeoutMs);
      if (!('release' in place)) {
        await recordDeferral(input, place.retryInMs);
        return { outcome: 'deferred', retryInMs: place.retryInMs };
      }
      const { release } = place;
      try {
        const [webhook, event, settings] = await Promise.all([
          store.webhooks.target(input.workspaceId, input.webhookId),
          store.events.get(input.workspaceId, input.eventId),
          settingsOf(input.workspaceId),
        ]);
        if (!webhook || !event) return { outcome: 'webhook-missing' };
        if (!webhook.active) return { outcome: 'webhook-inactive' };

        const startedAt = new Date();
        let sent: SendResult;
        try {
          const request = buildRequest(store.webhooks.toTarget(webhook, startedAt), toEventRecord(event), input.deliveryId, startedAt);
          sent = await sendRequest(request, {
            timeoutMs: input.timeoutMs,
            allowPrivateNetworks: deps.allowPrivateNetworks,
            ...(deps.allowedTargets ? { allowedTargets: deps.allowedTargets } : {}),
            ...(deps.resolveHost ? { resolveHost: deps.resolveHost } : {}),
            requireHttps: settings?.requireHttps ?? false,
            ...(deps.dispatcher ? { dispatcher: deps.dispatcher } : {}),
          });
        } catch (error) {
          // A request that cannot be built (a template that no longer renders, a secret sealed under a
          // key no longer configured) is a failed attempt.
          sent = { durationMs: 0, error: { kind: 'other', message: (error as Error).message } };
        }
        // The webhook's success rule as it stands now, like its URL and secret.
        const judgement = judgeAttempt(policyOf(webhook), sent);
        const { succeeded } = judgement;

        const attempt: Attempt = { n: input.attemptNumber, at: startedAt.toISOString(), durationMs: sent.durationMs };
        if (sent.statusCode !== undefined) attempt.statusCode = sent.statusCode;
        if (sent.responseSnippet !== undefined) attempt.responseSnippet = sent.responseSnippet;
        if (!judgement.succeeded) attempt.error = judgement.error;

        const recorded = await store.deliveries.recordAttempt(
          input.deliveryId,
          attempt,
          succeeded
            ? { status: 'succeeded', lane: input.lane, nextAttemptAt: null }
            : {
                status: input.onFailure.status,
                lane: input.onFailure.lane,
                nextAttemptAt: input.onFailure.nextAttemptAt ? new Date(input.onFailure.nextAttemptAt) : null,
              },
        );
        deps.onAttempt?.(attempt, succeeded);
        await trackHealth(webhook, succeeded, sent.statusCode, startedAt);
        if (!recorded) return { outcome: 'cancelled' };
        const ended = succeeded ? 'succeeded' : input.onFailure.status;
        if (ended !== 'pending') deps.onDeliveryEnded?.(ended);

        if (succeeded) return { outcome: 'succeeded', statusCode: sent.statusCode as number };
        return {
          outcome: 'failed',
          ...(sent.statusCode !== undefined ? { statusCode: sent.statusCode } : {}),
          errorKind: attempt.error?.kind ?? 'status',
          ...(sent.retryAfterSeconds !== undefined ? { retryAfterSeconds: sent.retryAfterSeconds } : {}),
        };
      } finally {
        release();
      }
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

/** The worker's own client, which an activity reaches through its context. */
function workerClient() {
  const context = Context.current();
  return { client: context.client, taskQueue: context.info.taskQueue };
}

/** What the endpoint-health workflow calls: its own activities, and the two of a replayed attempt. */
export type HealthWorkflowActivities = EndpointHealthActivities & DeliveryActivities;
