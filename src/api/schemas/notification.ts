import { Type } from '@sinclair/typebox';
import { NOTIFICATION_TYPES } from '../../core/domain';
import { OneOf, Pagination } from './common';

export const NotificationView = Type.Object({
  id: Type.String(),
  type: OneOf(NOTIFICATION_TYPES),
  webhookId: Type.String(),
  message: Type.String(),
  activationPath: Type.Optional(Type.String()),
  deliveryId: Type.Optional(Type.String({ description: 'Its delivery to the workspace notification URL, when one is set: GET /deliveries/{id}.' })),
  createdAt: Type.String(),
});

export const NotificationListQuery = Type.Object({ ...Pagination }, { additionalProperties: false });
