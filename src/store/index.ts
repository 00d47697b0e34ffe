import type { Db } from 'mongodb';
import type { SecretBox } from '../security/secretBox';
import { ActivationLinkRepository } from './activationLinks';
import { ApiKeyRepository } from './apiKeys';
import { DeliveryRepository } from './deliveries';
import { EventRepository } from './events';
import { EventTypeRepository } from './eventTypes';
import { NotificationRepository } from './notifications';
import { RecoveryRepository } from './recoveries';
import { PortalLinkRepository } from './portalLinks';
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
  recoveries: RecoveryRepository;
  activationLinks: ActivationLinkRepository;
  portalLinks: PortalLinkRepository;
}

/** `box` seals and opens the write-only values the webhooks and workspaces hold. */
export function createStore(db: Db, box: SecretBox): Store {
  return {
    workspaces: new WorkspaceRepository(db, box),
    apiKeys: new ApiKeyRepository(db),
    eventTypes: new EventTypeRepository(db),
    webhooks: new WebhookRepository(db, box),
    events: new EventRepository(db),
    deliveries: new DeliveryRepository(db),
    notifications: new NotificationRepository(db),
    recoveries: new RecoveryRepository(db),
    activationLinks: new ActivationLinkRepository(db),
    portalLinks: new PortalLinkRepository(db),
  };
}
