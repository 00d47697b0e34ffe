import { Type } from '@sinclair/typebox';
import { NOTIFICATION_TYPES } from '../../core/domain';
import { OneOf, Pagination } from './common';

export const NotificationView = Type.Object({
  id: Type.String(),
  type: OneOf(NOTIFICATION_TYPES),
  webhookId: Type.String(),
  message: Type.String(),
  activationPath: Type.Optional(Type.String({ description: 'webhook.deactivated: the REST call that switches the webhook back on.' })),
  activationUrl: Type.Optional(
    Type.String({
      format: 'uri',
      description:
        'webhook.deactivated, when HERALD_PUBLIC_URL is set: a page that switches the webhook back on in one click, replaying or discarding its buffer. Whoever holds it can use it, once, until the buffer window closes (bufferUntil).',
    }),
  ),
  deliveryId: Type.Optional(Type.String({ description: 'Its delivery to the workspace notification URL, when one is set: GET /deliveries/{id}.' })),
  createdAt: Type.String(),
});

export const NotificationListQuery = Type.Object({ ...Pagination }, { additionalProperties: false });
