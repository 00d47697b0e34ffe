// The event workflow's input and result.
import type { ResolvedPolicy } from '../../src/policy/types';
import type { HandOverResult } from './delivery';

export interface EventTarget {
  deliveryId: string;
  webhookId: string;
  policy: ResolvedPolicy;
  /** Shown in the Web UI for the delivery's own workflow, if it needs one. */
  summary: string;
}

export interface EventInput {
  workspaceId: string;
  eventId: string;
  eventType: string;
  receivedAt: string; // ISO; maxAgeSeconds counts from here
  targets: EventTarget[];
}

export interface EventResult {
  deliveries: Array<{ deliveryId: string; result: HandOverResult }>;
}
