import { Type } from '@sinclair/typebox';
import { SCOPES } from '../../store/apiKeys';
import { OneOf } from './common';

/** Who the bearer key is, so a client (the console) knows what to show. */
export const SessionView = Type.Object({
  kind: OneOf(['admin', 'workspace', 'portal'] as const),
  workspaceId: Type.Optional(Type.String({ description: 'A workspace key or portal link: its workspace.' })),
  scopes: Type.Optional(Type.Array(OneOf(SCOPES), { description: 'A workspace key or portal link: what it may do.' })),
  portalLinkId: Type.Optional(Type.String({ description: 'A portal link: its id.' })),
  webhookIds: Type.Optional(Type.Array(Type.String(), { description: 'A portal link scoped to webhooks: their ids.' })),
  app: Type.Optional(Type.String({ description: 'A portal link scoped to an app: the app; its webhooks, those created later included, are open.' })),
  expiresAt: Type.Optional(Type.String({ description: 'A portal link: when it stops opening anything.' })),
});
