import { Type } from '@sinclair/typebox';
import { SCOPES } from '../../store/apiKeys';
import { OneOf } from './common';

const ScopeName = OneOf(SCOPES);

export const CreateApiKeyBody = Type.Object(
  { name: Type.Optional(Type.String({ maxLength: 200 })), scopes: Type.Optional(Type.Array(ScopeName, { minItems: 1, uniqueItems: true })) },
  { additionalProperties: false },
);

export const ApiKeyView = Type.Object({
  id: Type.String(),
  name: Type.Optional(Type.String()),
  scopes: Type.Array(ScopeName),
  createdAt: Type.String(),
  revokedAt: Type.Optional(Type.String()),
  key: Type.Optional(Type.String({ description: 'The key itself: shown once, in the create response only.' })),
});
