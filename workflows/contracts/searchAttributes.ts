import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import type { DeliveryStatus } from '../../src/core/domain';

// Registered by the dev-server start script and the compose setup, kept current by the
// workflows, so a person can filter deliveries in the Temporal Web UI.
export const HERALD_WORKSPACE = defineSearchAttributeKey('HeraldWorkspace', SearchAttributeType.KEYWORD);
export const HERALD_WEBHOOK_ID = defineSearchAttributeKey('HeraldWebhookId', SearchAttributeType.KEYWORD);
/** On an event workflow: every webhook the event goes to (`HeraldWebhookIds = "wh_…"` finds it). */
export const HERALD_WEBHOOK_IDS = defineSearchAttributeKey('HeraldWebhookIds', SearchAttributeType.KEYWORD_LIST);
export const HERALD_EVENT_TYPE = defineSearchAttributeKey('HeraldEventType', SearchAttributeType.KEYWORD);
export const HERALD_DELIVERY_STATUS = defineSearchAttributeKey('HeraldDeliveryStatus', SearchAttributeType.KEYWORD);

export const HERALD_SEARCH_ATTRIBUTES = [HERALD_WORKSPACE, HERALD_WEBHOOK_ID, HERALD_WEBHOOK_IDS, HERALD_EVENT_TYPE, HERALD_DELIVERY_STATUS];

/** A delivery workflow's attributes when it starts. */
export function deliverySearchAttributes(workspaceId: string, webhookId: string, eventType: string, status: DeliveryStatus): SearchAttributePair[] {
  return [
    { key: HERALD_WORKSPACE, value: workspaceId },
    { key: HERALD_WEBHOOK_ID, value: webhookId },
    { key: HERALD_EVENT_TYPE, value: eventType },
    { key: HERALD_DELIVERY_STATUS, value: status },
  ];
}

/** An event workflow's attributes: its workspace, type and every webhook it goes to. */
export function eventSearchAttributes(workspaceId: string, eventType: string, webhookIds: string[]): SearchAttributePair[] {
  return [
    { key: HERALD_WORKSPACE, value: workspaceId },
    { key: HERALD_EVENT_TYPE, value: eventType },
    { key: HERALD_WEBHOOK_IDS, value: webhookIds },
  ];
}

/** A recovery workflow's attributes: `HeraldWebhookId = "wh_…"` lists it beside the webhook's deliveries. */
export function recoverySearchAttributes(workspaceId: string, webhookId: string): SearchAttributePair[] {
  return [
    { key: HERALD_WORKSPACE, value: workspaceId },
    { key: HERALD_WEBHOOK_ID, value: webhookId },
  ];
}
