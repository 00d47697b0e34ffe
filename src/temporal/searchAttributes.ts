import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// SPEC section 7: registered by the dev-server start script and the compose setup, kept current
// by the workflows, so a person can filter deliveries in the Temporal Web UI.
export const HERALD_WORKSPACE = defineSearchAttributeKey('HeraldWorkspace', SearchAttributeType.KEYWORD);
export const HERALD_WEBHOOK_ID = defineSearchAttributeKey('HeraldWebhookId', SearchAttributeType.KEYWORD);
export const HERALD_EVENT_TYPE = defineSearchAttributeKey('HeraldEventType', SearchAttributeType.KEYWORD);
export const HERALD_DELIVERY_STATUS = defineSearchAttributeKey('HeraldDeliveryStatus', SearchAttributeType.KEYWORD);

export const HERALD_SEARCH_ATTRIBUTES = [HERALD_WORKSPACE, HERALD_WEBHOOK_ID, HERALD_EVENT_TYPE, HERALD_DELIVERY_STATUS];
