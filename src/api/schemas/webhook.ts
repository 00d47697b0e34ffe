import { Type } from '@sinclair/typebox';
import { CONTENT_TYPES, HTTP_METHODS } from '../../core/domain';
import { Id, Nullable, OneOf, Pagination } from './common';
import { DeactivationSchema } from './endpointHealth';
import { RetryPolicySchema, SuccessCodesSchema, TimeoutMsSchema } from './retryPolicy';

const EventName = Type.String({ minLength: 1, maxLength: 200, pattern: '^(\\*|[A-Za-z0-9_.:-]+)$' });
const Url = Type.String({ format: 'uri', minLength: 8, maxLength: 2048, pattern: '^https?://' });
const Auth = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 200 }), password: Type.String({ maxLength: 500 }) },
  { additionalProperties: false },
);
// Header names must be HTTP tokens; reserved names are refused by the route. Values are
// write-only, so a PATCH gives every header again: it replaces them all. Values are HTTP field
// text (no CR, LF or other controls): they cannot split the request or break its sending.
// `additionalProperties: false`: TypeBox's Record alone lets a name that misses the pattern through.
const Headers = Type.Record(
  Type.String({ pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$" }),
  Type.String({ maxLength: 4096, pattern: '^[\\t\\x20-\\x7e\\x80-\\xff]*$' }),
  {
    maxProperties: 50,
    additionalProperties: false,
    description: 'Custom headers sent with every delivery. Values are write-only; a PATCH replaces the whole set, null removes it.',
  },
);

const fields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  url: Url,
  events: Type.Array(EventName, { minItems: 1, maxItems: 200, uniqueItems: true }),
  app: Type.String({ minLength: 1, maxLength: 200 }),
  method: OneOf(HTTP_METHODS),
  contentType: OneOf(CONTENT_TYPES),
  active: Type.Boolean(),
  // `true` asks Herald to generate a whsec_ secret, returned once in the response.
  secret: Type.Union([Type.Literal(true), Type.String({ minLength: 8, maxLength: 300 })]),
  auth: Auth,
  headers: Headers,
  payloadTemplate: Type.String({ minLength: 2, maxLength: 65536 }),
  retryPolicy: RetryPolicySchema,
  successCodes: SuccessCodesSchema,
  timeoutMs: TimeoutMsSchema,
  deactivation: DeactivationSchema,
  asymmetric: Type.Boolean({
    description:
      'true: Herald generates an Ed25519 key pair and adds a `v1a,` signature to every delivery, verifiable with `publicKey` (the private key never leaves Herald). false removes it.',
  }),
};

export const CreateWebhookBody = Type.Object(
  {
    name: fields.name,
    url: fields.url,
    events: fields.events,
    app: Type.Optional(fields.app),
    method: Type.Optional(fields.method),
    contentType: Type.Optional(fields.contentType),
    active: Type.Optional(fields.active),
    secret: Type.Optional(fields.secret),
    auth: Type.Optional(fields.auth),
    headers: Type.Optional(fields.headers),
    payloadTemplate: Type.Optional(fields.payloadTemplate),
    retryPolicy: Type.Optional(fields.retryPolicy),
    successCodes: Type.Optional(fields.successCodes),
    timeoutMs: Type.Optional(fields.timeoutMs),
    deactivation: Type.Optional(fields.deactivation),
    asymmetric: Type.Optional(fields.asymmetric),
  },
  { additionalProperties: false },
);

/** PATCH: every field optional; `null` clears an optional one. */
export const UpdateWebhookBody = Type.Object(
  {
    name: Type.Optional(fields.name),
    url: Type.Optional(fields.url),
    events: Type.Optional(fields.events),
    app: Type.Optional(Nullable(fields.app)),
    method: Type.Optional(fields.method),
    contentType: Type.Optional(fields.contentType),
    active: Type.Optional(fields.active),
    secret: Type.Optional(Nullable(fields.secret)),
    auth: Type.Optional(Nullable(fields.auth)),
    headers: Type.Optional(Nullable(fields.headers)),
    payloadTemplate: Type.Optional(Nullable(fields.payloadTemplate)),
    retryPolicy: Type.Optional(fields.retryPolicy),
    successCodes: Type.Optional(Nullable(fields.successCodes)),
    timeoutMs: Type.Optional(Nullable(fields.timeoutMs)),
    deactivation: Type.Optional(Nullable(fields.deactivation)),
    asymmetric: Type.Optional(fields.asymmetric),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** What the API shows: secrets, passwords and header values are write-only. */
export const WebhookView = Type.Object({
  id: Id,
  name: Type.String(),
  url: Type.String(),
  events: Type.Array(Type.String()),
  app: Type.Optional(Type.String()),
  method: OneOf(HTTP_METHODS),
  contentType: OneOf(CONTENT_TYPES),
  active: Type.Boolean(),
  hasSecret: Type.Boolean(),
  secret: Type.Optional(Type.String({ description: 'Only in the response that set it (create, PATCH, rotate-secret), and only when Herald generated it.' })),
  previousSecretExpiresAt: Type.Optional(Type.String({ description: 'After a rotation: until then deliveries are signed with the previous secret too.' })),
  auth: Type.Optional(Type.Object({ username: Type.String() })),
  headerNames: Type.Optional(Type.Array(Type.String(), { description: 'The custom headers sent; their values are write-only.' })),
  publicKey: Type.Optional(Type.String({ description: 'With `asymmetric`: the Ed25519 public key (`whpk_` + base64) that verifies the `v1a,` signature.' })),
  payloadTemplate: Type.Optional(Type.String()),
  retryPolicy: Type.Record(Type.String(), Type.Unknown()),
  successCodes: Type.Optional(
    Type.Array(Type.Integer(), {
      description: 'Set only when overridden; otherwise the preset decides: fixed any 2xx, progressive 200/201/202/204, max-attempts exactly 200.',
    }),
  ),
  timeoutMs: Type.Integer(),
  deactivation: Type.Optional(DeactivationSchema),
  deactivatedAt: Type.Optional(Type.String()),
  deactivationReason: Type.Optional(Type.String()),
  bufferUntil: Type.Optional(Type.String({ description: 'While inactive: new events are buffered until then, dropped after.' })),
  bufferedDeliveries: Type.Optional(Type.Integer({ description: 'Deliveries waiting for a replay (GET of one webhook only).' })),
  failureStreak: Type.Optional(
    Type.Object(
      { count: Type.Integer(), since: Type.String() },
      { description: 'Failed attempts in a row and when the first of them was made; absent once an attempt succeeds or the active state changes.' },
    ),
  ),
  replay: Type.Optional(
    Type.Object({ total: Type.Integer(), done: Type.Integer(), startedAt: Type.String() }, { description: 'The replay of the buffer in progress.' }),
  ),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const WebhookListQuery = Type.Object(
  {
    app: Type.Optional(Type.String({ maxLength: 200 })),
    event: Type.Optional(Type.String({ maxLength: 200 })),
    active: Type.Optional(Type.Boolean()),
    ...Pagination,
  },
  { additionalProperties: false },
);

export const TestWebhookBody = Type.Object({ event: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }, { additionalProperties: false });

export const TestRunView = Type.Object({
  startedAt: Type.String(),
  testsRun: Type.Integer(),
  testsSucceeded: Type.Integer(),
  testsFailed: Type.Integer(),
  tests: Type.Array(
    Type.Object({
      event: Type.String(),
      statusCode: Type.Union([Type.Integer(), Type.Null()]),
      durationMs: Type.Number(),
      error: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});
