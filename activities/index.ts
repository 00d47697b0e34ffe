// Activities are thin: they call the store and HTTP, and leave every decision to the workflows.
import type { Dispatcher } from 'undici';
import type { Attempt, DeliveryStatus } from '../src/domain';
import { buildRequest, sendRequest, type SendResult } from '../src/delivery';
import { isSuccessStatus } from '../src/policy/success';
import type { Store } from '../src/store';
import { toEventRecord } from '../src/store/events';
import { policyOf, toTarget } from '../src/store/webhooks';
import type { AttemptInput, AttemptOutcome, StatusUpdate } from '../workflows/deliveryTypes';

export interface ActivityDeps {
  store: Store;
  allowPrivateNetworks: boolean;
  dispatcher?: Dispatcher;
  onAttempt?: (attempt: Attempt, succeeded: boolean) => void;
  /** A delivery reached an end state, or was buffered. */
  onDeliveryEnded?: (status: DeliveryStatus) => void;
}

/** Workspace settings change rarely; reading them on every attempt would double the reads. */
const SETTINGS_CACHE_MS = 10_000;

export function createActivities(deps: ActivityDeps) {
  const { store } = deps;
  const requireHttpsCache = new Map<string, { value: boolean; at: number }>();

  async function requireHttps(workspaceId: string): Promise<boolean> {
    const cached = requireHttpsCache.get(workspaceId);
    if (cached && Date.now() - cached.at < SETTINGS_CACHE_MS) return cached.value;
    const workspace = await store.workspaces.get(workspaceId);
    const value = workspace?.settings.requireHttps ?? false;
    requireHttpsCache.set(workspaceId, { value, at: Date.now() });
    return value;
  }

  return {
    /** Sends one attempt of a delivery and records it with the state the workflow planned for its outcome. */
    async deliverAttempt(input: AttemptInput): Promise<AttemptOutcome> {
      const [webhook, event, httpsOnly] = await Promise.all([
        store.webhooks.get(input.workspaceId, input.webhookId),
        store.events.get(input.workspaceId, input.eventId),
        requireHttps(input.workspaceId),
      ]);
      if (!webhook || !event) return { outcome: 'webhook-missing' };
      if (!webhook.active) return { outcome: 'webhook-inactive' };

      const startedAt = new Date();
      let sent: SendResult;
      try {
        const request = buildRequest(toTarget(webhook), toEventRecord(event), input.deliveryId, startedAt);
        sent = await sendRequest(request, {
          timeoutMs: input.timeoutMs,
          allowPrivateNetworks: deps.allowPrivateNetworks,
          requireHttps: httpsOnly,
          ...(deps.dispatcher ? { dispatcher: deps.dispatcher } : {}),
        });
      } catch (error) {
        // A request that cannot be built (a template that no longer renders) is a failed attempt.
        sent = { durationMs: 0, error: { kind: 'other', message: (error as Error).message } };
      }
      // The webhook's success rule as it stands now, like its URL and secret.
      const succeeded = sent.statusCode !== undefined && sent.error === undefined && isSuccessStatus(policyOf(webhook), sent.statusCode);

      const attempt: Attempt = { n: input.attemptNumber, at: startedAt.toISOString(), durationMs: sent.durationMs };
      if (sent.statusCode !== undefined) attempt.statusCode = sent.statusCode;
      if (sent.responseSnippet !== undefined) attempt.responseSnippet = sent.responseSnippet;
      if (sent.error) attempt.error = sent.error;
      else if (!succeeded) attempt.error = { kind: 'status', message: `status ${sent.statusCode} is not a success code` };

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
      if (!recorded) return { outcome: 'cancelled' };
      const ended = succeeded ? 'succeeded' : input.onFailure.status;
      if (ended !== 'pending') deps.onDeliveryEnded?.(ended);

      if (succeeded) return { outcome: 'succeeded', statusCode: sent.statusCode as number };
      return {
        outcome: 'failed',
        ...(sent.statusCode !== undefined ? { statusCode: sent.statusCode } : {}),
        errorKind: attempt.error?.kind ?? 'status',
      };
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

export type HeraldActivities = ReturnType<typeof createActivities>;
