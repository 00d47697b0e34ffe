// Secrets at rest: the signing secret, the Basic password, custom header values and the
// workspace's notification secret are sealed in MongoDB, never stored or shown in clear, and still
// sign and authenticate every delivery and notification.
import { verify } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { publicKeyObject } from '../../src/outbound';
import { connectMongo, type Mongo } from '../../src/store/mongo';
import { eventually } from '../support/eventually';
import { startReceiver, type ReceivedRequest, type Receiver } from '../support/receiver';
import type { Herald, TestWorkspace } from '../support/client';
import { startHerald, type HeraldStack } from '../support/stack';

jest.setTimeout(120_000);

const EVENT_TYPE = 'order.status';
const SECRET = 'a-plain-signing-secret-AT-REST';
const SIGNING_SECRET = `whsec_${Buffer.from(SECRET).toString('base64')}`;
const PASSWORD = 'basic-pa55word-AT-REST';
const HEADERS = { 'X-Tenant': 'tenant-value-AT-REST', 'X-Api-Token': 'token-value-AT-REST' };
const NOTIFICATION_SECRET = `whsec_${Buffer.from('notification-secret-AT-REST').toString('base64')}`;

/** Every form a clear value could take in a document. */
const CLEAR_VALUES = [
  SECRET,
  SIGNING_SECRET,
  Buffer.from(SECRET).toString('base64'),
  PASSWORD,
  Buffer.from(`herald:${PASSWORD}`).toString('base64'),
  ...Object.values(HEADERS),
  NOTIFICATION_SECRET,
  NOTIFICATION_SECRET.slice('whsec_'.length),
];

let stack: HeraldStack;
let herald: Herald;
let mongo: Mongo;
let receiver: Receiver;
let notifications: Receiver;
let ws: TestWorkspace;
let webhookId: string;

beforeAll(async () => {
  [stack, receiver, notifications] = await Promise.all([startHerald(), startReceiver(), startReceiver()]);
  herald = stack.herald;
  mongo = await connectMongo(stack.config.mongodbUrl);
  const created = await herald.workspaces.create({ name: 'At rest', notificationUrl: notifications.url, notificationSecret: NOTIFICATION_SECRET });
  const id = created.body.data.id as string;
  const key = (await herald.workspaces.createKey(id, {})).body.data.key as string;
  await herald.eventTypes.create({ id, key }, { name: EVENT_TYPE });
  ws = { id, key };
  webhookId = await herald.webhooks.add(ws, {
    url: receiver.url,
    events: [EVENT_TYPE],
    secret: SECRET,
    auth: { username: 'herald', password: PASSWORD },
    headers: HEADERS,
  });
});
afterAll(async () => {
  await Promise.all([receiver?.close(), notifications?.close()]);
  await mongo?.close();
  await stack?.stop();
});

const signatureHeaders = (request: ReceivedRequest) => ({
  'webhook-id': String(request.headers['webhook-id']),
  'webhook-timestamp': String(request.headers['webhook-timestamp']),
  'webhook-signature': String(request.headers['webhook-signature']),
});

/** Every document of every collection of the test database, as one text. */
async function wholeDatabase(): Promise<string> {
  const collections = await mongo.db.listCollections({}, { nameOnly: true }).toArray();
  const dumps = await Promise.all(collections.map(async ({ name }) => JSON.stringify(await mongo.db.collection(name).find({}).toArray())));
  return dumps.join('\n');
}

it('delivers signed with the secret, with the password and the header values', async () => {
  const { deliveries } = await herald.events.send(ws, { type: EVENT_TYPE, data: { orderId: 'A-1' } });
  await herald.deliveries.waitFor(ws, deliveries[0].id, ['succeeded']);
  const [request] = await receiver.waitFor(1);
  expect(new Webhook(SIGNING_SECRET).verify(request.body, signatureHeaders(request))).toMatchObject({ action: EVENT_TYPE });
  expect(request.headers.authorization).toBe(`Basic ${Buffer.from(`herald:${PASSWORD}`).toString('base64')}`);
  expect(request.headers).toMatchObject({ 'x-tenant': HEADERS['X-Tenant'], 'x-api-token': HEADERS['X-Api-Token'] });
});

it('sends the notifications signed with the workspace secret', async () => {
  expect((await herald.webhooks.deactivate(ws, webhookId)).status).toBe(200);
  const [sent] = await notifications.waitFor(1);
  expect(new Webhook(NOTIFICATION_SECRET).verify(sent.body, signatureHeaders(sent))).toMatchObject({ action: 'webhook.deactivated' });
});

it('holds none of the values in clear, in any field of any collection', async () => {
  // The notification endpoint holds its own sealed copy of the notification secret.
  await eventually(
    async () => {
      const endpoint = await mongo.db.collection('webhooks').findOne({ kind: 'notification', workspaceId: ws.id });
      expect(endpoint?.secret).toMatchObject({ keyId: expect.any(String) });
      return true;
    },
    { timeoutMs: 30_000, what: 'the notification endpoint' },
  );
  const dump = await wholeDatabase();
  expect(dump).toContain(webhookId);
  expect(dump).toContain('X-Tenant'); // header names stay readable; only the values are sealed
  for (const clear of CLEAR_VALUES) expect(dump).not.toContain(clear);

  const stored = await mongo.db.collection('webhooks').findOne({ _id: webhookId as unknown as never });
  const sealed = { keyId: 'test', iv: expect.any(String), data: expect.any(String), tag: expect.any(String) };
  expect(stored).toMatchObject({
    secret: sealed,
    auth: { username: 'herald', password: sealed },
    headers: [
      { name: 'X-Tenant', value: sealed },
      { name: 'X-Api-Token', value: sealed },
    ],
  });
  const workspace = await mongo.db.collection('workspaces').findOne({ _id: ws.id as unknown as never });
  expect(workspace?.settings.notificationSecret).toMatchObject(sealed);
});

describe('custom header values are write-only', () => {
  const hidden = (text: string) => {
    for (const clear of CLEAR_VALUES) expect(text).not.toContain(clear);
  };

  it('GET and list show the header names, never their values', async () => {
    const one = await herald.webhooks.get(ws, webhookId);
    expect(one.body.data).toMatchObject({ hasSecret: true, auth: { username: 'herald' }, headerNames: ['X-Tenant', 'X-Api-Token'] });
    expect(one.body.data.headers).toBeUndefined();
    hidden(one.text);
    const list = await herald.webhooks.list(ws);
    expect(list.body.data[0]).toMatchObject({ id: webhookId, headerNames: ['X-Tenant', 'X-Api-Token'] });
    hidden(list.text);
  });

  it('PATCH replaces the whole set and answers with the names only; null removes them', async () => {
    const patched = await herald.webhooks.update(ws, webhookId, { headers: { 'X-Only': 'only-value-AT-REST' } });
    expect(patched.status).toBe(200);
    expect(patched.body.data.headerNames).toEqual(['X-Only']);
    expect(patched.text).not.toContain('only-value-AT-REST');
    hidden(patched.text);
    const stored = await stack.store.webhooks.get(ws.id, webhookId);
    expect(stack.store.webhooks.openTarget(stored!).headers).toEqual({ 'X-Only': 'only-value-AT-REST' });

    const cleared = await herald.webhooks.update(ws, webhookId, { headers: null });
    expect(cleared.body.data.headerNames).toBeUndefined();
  });
});

describe('Ed25519 (v1a) signing', () => {
  let signed: Receiver;
  let id: string;
  let publicKey: string;

  beforeAll(async () => {
    signed = await startReceiver();
    const created = await herald.request(
      'POST',
      `/workspaces/${ws.id}/webhooks`,
      { name: 'Asymmetric', url: signed.url, events: [EVENT_TYPE], secret: true, asymmetric: true },
      ws.key,
    );
    id = created.body.data.id;
    publicKey = created.body.data.publicKey;
    expect(publicKey).toMatch(/^whpk_/);
  });
  afterAll(async () => {
    await signed?.close();
  });

  it('adds a v1a signature that the public key verifies, beside the v1 one', async () => {
    const { deliveries } = await herald.events.send(ws, { type: EVENT_TYPE, data: { orderId: 'E-1' } });
    await herald.deliveries.waitFor(ws, deliveries.find((d) => d.webhookId === id)!.id, ['succeeded']);
    const [request] = await signed.waitFor(1);
    const headers = signatureHeaders(request);
    const v1a = headers['webhook-signature'].split(' ').find((entry) => entry.startsWith('v1a,'))!;
    const content = Buffer.from(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${request.body}`);
    expect(verify(null, content, publicKeyObject(publicKey), Buffer.from(v1a.slice(4), 'base64'))).toBe(true);
    expect(verify(null, Buffer.concat([content, Buffer.from(' ')]), publicKeyObject(publicKey), Buffer.from(v1a.slice(4), 'base64'))).toBe(false);
  });

  it('keeps the private key sealed', async () => {
    const stored = (await stack.store.webhooks.get(ws.id, id))!;
    expect(stored.signingKey).toMatchObject({ privateKey: { keyId: 'test' }, publicKey });
    const privateKey = stack.store.webhooks.openTarget(stored).signingKey!;
    expect(await wholeDatabase()).not.toContain(privateKey);
  });

  it('PATCH asymmetric true keeps the key pair; false removes it', async () => {
    const kept = await herald.webhooks.update(ws, id, { asymmetric: true });
    expect(kept.body.data.publicKey).toBe(publicKey);
    const removed = await herald.webhooks.update(ws, id, { asymmetric: false });
    expect(removed.body.data.publicKey).toBeUndefined();
    expect((await stack.store.webhooks.get(ws.id, id))!.signingKey).toBeUndefined();
  });
});
