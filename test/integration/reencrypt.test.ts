// `npm run secrets:reencrypt` after a key rotation: secrets written under key A, the keys changed
// to "B,A", the command run; then every secret opens with B alone, and a second run rewrites nothing.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { generateKeySpec, Keyring } from '../../src/security/keyring';
import { reencryptSecrets } from '../../src/services/reencrypt';
import { SecretBox, SecretBoxError } from '../../src/security/secretBox';
import { createStore, type Store } from '../../src/store';
import { connectMongo, type Mongo } from '../../src/store/mongo';
import type { Herald } from '../support/client';
import { startApi, type ApiStack, type TestWorkspace } from '../support/stack';

jest.setTimeout(120_000);

const KEY_A = generateKeySpec('a');
const KEY_B = generateKeySpec('b');
const EVENT_TYPE = 'order.status';
const NOTIFICATION_SECRET = `whsec_${Buffer.from('notify-me').toString('base64')}`;
const NEXT_NOTIFICATION_SECRET = `whsec_${Buffer.from('notify-me-next').toString('base64')}`;
const whsec = (plain: string) => `whsec_${Buffer.from(plain).toString('base64')}`;

let stack: ApiStack;
let herald: Herald;
let mongo: Mongo;
let ws: TestWorkspace;
const webhooks: Record<string, string> = {};

const storeWith = (spec: string): Store => createStore(mongo.db, new SecretBox(Keyring.parse(spec)));
const rawWebhook = (id: string) => mongo.db.collection('webhooks').findOne({ _id: id as unknown as never });

beforeAll(async () => {
  stack = await startApi({ encryptionKeys: Keyring.parse(KEY_A) });
  herald = stack.herald;
  mongo = await connectMongo(stack.config.mongodbUrl);
  const created = await herald.request('POST', '/workspaces', {
    name: 'Keys',
    notificationUrl: 'https://ops.example.com/n',
    notificationSecret: NOTIFICATION_SECRET,
  });
  const id = created.body.data.id as string;
  const key = (await herald.workspaces.createKey(id, {})).body.data.key as string;
  await herald.eventTypes.create({ id, key }, { name: EVENT_TYPE });
  ws = { id, key };
  await herald.request('POST', `/workspaces/${id}/rotate-notification-secret`, { secret: NEXT_NOTIFICATION_SECRET, graceSeconds: 3600 });
  const base = { url: 'https://hooks.example.com/h', events: [EVENT_TYPE] };
  webhooks.full = await herald.webhooks.add(ws, {
    ...base,
    secret: 'full-secret',
    auth: { username: 'u', password: 'full-pass' },
    headers: { 'X-One': 'one', 'X-Two': 'two' },
  });
  webhooks.rotating = await herald.webhooks.add(ws, { ...base, secret: 'old-secret' });
  await herald.request('POST', `/workspaces/${ws.id}/webhooks/${webhooks.rotating}/rotate-secret`, { secret: 'new-secret', graceSeconds: 3600 }, ws.key);
  webhooks.expired = await herald.webhooks.add(ws, { ...base, secret: 'gone-secret' });
  await herald.request('POST', `/workspaces/${ws.id}/webhooks/${webhooks.expired}/rotate-secret`, { secret: 'kept-secret', graceSeconds: 3600 }, ws.key);
  await mongo.db
    .collection('webhooks')
    .updateOne({ _id: webhooks.expired as unknown as never }, { $set: { 'previousSecret.expiresAt': new Date(Date.now() - 1000) } });
  // Written before secrets were encrypted: plain values.
  webhooks.legacy = await herald.webhooks.add(ws, { ...base });
  await mongo.db
    .collection('webhooks')
    .updateOne(
      { _id: webhooks.legacy as unknown as never },
      { $set: { secret: whsec('legacy-secret'), auth: { username: 'l', password: 'legacy-pass' }, headers: [{ name: 'X-L', value: 'legacy-header' }] } },
    );
  webhooks.plain = await herald.webhooks.add(ws, { ...base }); // nothing to encrypt
  webhooks.asymmetric = await herald.webhooks.add(ws, { ...base, asymmetric: true });
});
afterAll(async () => {
  await mongo?.close();
  await stack?.stop();
});

/** What every webhook opens to, whatever key sealed it. */
const expectedTargets = () => ({
  [webhooks.full]: { secret: whsec('full-secret'), auth: { username: 'u', password: 'full-pass' }, headers: { 'X-One': 'one', 'X-Two': 'two' } },
  [webhooks.rotating]: { secret: whsec('new-secret'), previousSecret: whsec('old-secret') },
  [webhooks.expired]: { secret: whsec('kept-secret') },
  [webhooks.legacy]: { secret: whsec('legacy-secret'), auth: { username: 'l', password: 'legacy-pass' }, headers: { 'X-L': 'legacy-header' } },
  [webhooks.plain]: {},
  [webhooks.asymmetric]: { signingKey: asymmetricKey },
});

/** The Ed25519 private key, random: read once with both keys, then expected the same after. */
let asymmetricKey: string;

async function openedWith(store: Store) {
  const opened: Record<string, unknown> = {};
  for (const id of Object.values(webhooks)) {
    const { secret, previousSecret, auth, headers, signingKey } = store.webhooks.openTarget((await store.webhooks.get(ws.id, id))!);
    opened[id] = {
      ...(secret ? { secret } : {}),
      ...(previousSecret ? { previousSecret } : {}),
      ...(auth ? { auth } : {}),
      ...(headers ? { headers } : {}),
      ...(signingKey ? { signingKey } : {}),
    };
  }
  return opened;
}

it('before: key B alone cannot read what key A sealed', async () => {
  const doc = (await stack.store.webhooks.get(ws.id, webhooks.full))!;
  expect(doc.secret).toMatchObject({ keyId: 'a' });
  expect(() => storeWith(KEY_B).webhooks.openTarget(doc)).toThrow(SecretBoxError);
  asymmetricKey = storeWith(KEY_A).webhooks.openTarget((await stack.store.webhooks.get(ws.id, webhooks.asymmetric))!).signingKey!;
  expect(await openedWith(storeWith(`${KEY_B},${KEY_A}`))).toEqual(expectedTargets());
});

it('re-encrypts every secret under B in small batches, seals the plain ones and drops the expired previous secret', async () => {
  const report = await reencryptSecrets(storeWith(`${KEY_B},${KEY_A}`), 2);
  // All but `plain`, `expired` for its expired previous secret too; the notification endpoint does not exist yet.
  expect(report.webhooks).toEqual({ scanned: 6, rewritten: 5, missed: 0 });
  expect(report.workspaces).toEqual({ scanned: 1, rewritten: 1, missed: 0 });

  const onlyB = storeWith(KEY_B);
  expect(await openedWith(onlyB)).toEqual(expectedTargets());
  expect(onlyB.workspaces.notificationSecrets((await onlyB.workspaces.get(ws.id))!)).toEqual({
    secret: NEXT_NOTIFICATION_SECRET,
    previous: { secret: NOTIFICATION_SECRET, expiresAt: expect.any(Date) },
  });
  expect((await rawWebhook(webhooks.expired))?.previousSecret).toBeUndefined();
  const raw = JSON.stringify([await mongo.db.collection('webhooks').find().toArray(), await mongo.db.collection('workspaces').find().toArray()]);
  expect(raw).toContain('"keyId":"b"');
  expect(raw).not.toContain('"keyId":"a"');
  const legacy = await rawWebhook(webhooks.legacy);
  expect(legacy).toMatchObject({ secret: { keyId: 'b' }, auth: { password: { keyId: 'b' } }, headers: [{ name: 'X-L', value: { keyId: 'b' } }] });
});

it('the command is idempotent: a second run, from the command line, rewrites nothing', async () => {
  const root = path.resolve(__dirname, '../..');
  const { stdout } = await promisify(execFile)(path.join(root, 'node_modules/.bin/tsx'), ['src/main/reencrypt.ts'], {
    cwd: root,
    env: { ...process.env, MONGODB_URL: stack.config.mongodbUrl, HERALD_ENCRYPTION_KEY: KEY_B },
  });
  expect(stdout).toContain('re-encrypting secrets under key "b"');
  expect(stdout).toContain('webhooks: 6 read, 0 re-encrypted, 0 changed during the run');
  expect(stdout).toContain('workspaces: 1 read, 0 re-encrypted, 0 changed during the run');
});
