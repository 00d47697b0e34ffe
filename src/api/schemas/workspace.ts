import { Type } from '@sinclair/typebox';
import { Nullable, Pagination } from './common';
import { DeactivationSchema } from './endpointHealth';

const Name = Type.String({ minLength: 1, maxLength: 200 });
const NotificationUrl = Type.String({ format: 'uri', maxLength: 2048, pattern: '^https?://' });
// Like a webhook's secret: `true` generates one, shown once; without one Herald generates it when
// the notification URL is first set.
const NotificationSecret = Type.Union([Type.Literal(true), Type.String({ minLength: 8, maxLength: 300 })], {
  description: 'Signs the notifications sent to notificationUrl (Standard Webhooks). Write-only.',
});
const Settings = {
  notificationUrl: Type.Optional(NotificationUrl),
  notificationSecret: Type.Optional(NotificationSecret),
  requireHttps: Type.Optional(Type.Boolean()),
  deactivation: Type.Optional(DeactivationSchema),
};

export const CreateWorkspaceBody = Type.Object({ name: Name, ...Settings }, { additionalProperties: false });

export const UpdateWorkspaceBody = Type.Object(
  {
    name: Type.Optional(Name),
    ...Settings,
    notificationUrl: Type.Optional(Nullable(NotificationUrl)),
    notificationSecret: Type.Optional(Nullable(NotificationSecret)),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const WorkspaceView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  settings: Type.Object({
    notificationUrl: Type.Optional(Type.String()),
    hasNotificationSecret: Type.Boolean(),
    notificationSecret: Type.Optional(Type.String({ description: 'Only in the response that generated it.' })),
    previousNotificationSecretExpiresAt: Type.Optional(
      Type.String({ description: 'After a rotation: until then notifications are signed with the previous secret too.' }),
    ),
    requireHttps: Type.Boolean(),
    deactivation: Type.Object({ consecutiveFailures: Type.Integer(), minFailingSeconds: Type.Integer(), bufferSeconds: Type.Integer() }),
  }),
  createdAt: Type.String(),
});

export const WorkspaceListQuery = Type.Object({ ...Pagination }, { additionalProperties: false });
