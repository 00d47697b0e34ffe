import { Type } from '@sinclair/typebox';
import { DEFAULT_PORTAL_TTL_SECONDS, MAX_PORTAL_TTL_SECONDS, MAX_PORTAL_WEBHOOKS, MIN_PORTAL_TTL_SECONDS } from '../../policy/portal';
import { SCOPES } from '../../store/apiKeys';
import { Id, OneOf } from './common';

// Exactly one of webhookIds and app: checked by the service, whose message names both fields
// (a schema union would answer with each branch's complaint instead).
export const CreatePortalLinkBody = Type.Object(
  {
    webhookIds: Type.Optional(
      Type.Array(Id, { minItems: 1, maxItems: MAX_PORTAL_WEBHOOKS, uniqueItems: true, description: 'The webhooks the link opens. Either this or app.' }),
    ),
    app: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'Every webhook of this app, those created later included, is opened. Either this or webhookIds.',
      }),
    ),
    ttlSeconds: Type.Optional(
      Type.Integer({
        minimum: MIN_PORTAL_TTL_SECONDS,
        maximum: MAX_PORTAL_TTL_SECONDS,
        default: DEFAULT_PORTAL_TTL_SECONDS,
        description: 'How long the link opens its scope.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const PortalLinkView = Type.Object({
  id: Type.String({ description: 'Revokes the link: DELETE /workspaces/{ws}/portal-links/{id}.' }),
  token: Type.String({ description: 'The bearer token of the link: shown once, in this response only; Herald keeps only its hash.' }),
  url: Type.Optional(Type.String({ description: 'The console in portal mode, the token in the fragment; only when HERALD_PUBLIC_URL is set.' })),
  expiresAt: Type.String(),
  webhookIds: Type.Optional(Type.Array(Type.String())),
  app: Type.Optional(Type.String()),
  scopes: Type.Array(OneOf(SCOPES), { description: "The minting key's scopes: the link can do no more than its maker." }),
  createdAt: Type.String(),
});
