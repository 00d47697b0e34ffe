import type { Db } from 'mongodb';
import { ApiKeyRepository } from './apiKeys';
import { DeliveryRepository } from './deliveries';
import { EventRepository } from './events';
import { EventTypeRepository } from './eventTypes';
import { NotificationRepository } from './notifications';
import { WebhookRepository } from './webhooks';
import { WorkspaceRepository } from './workspaces';

export interface Store {
  workspaces: WorkspaceRepository;
  apiKeys: ApiKeyRepository;
  eventTypes: EventTypeRepository;
  webhooks: WebhookRepository;
  events: EventRepository;
  deliveries: DeliveryRepository;
  notifications: NotificationRepository;
}

export function createStore(db: Db): Store {
  return {
    workspaces: new WorkspaceRepository(db),
    apiKeys: new ApiKeyRepository(db),
    eventTypes: new EventTypeRepository(db),
    webhooks: new WebhookRepository(db),
    events: new EventRepository(db),
    deliveries: new DeliveryRepository(db),
    notifications: new NotificationRepository(db),
  };
}
