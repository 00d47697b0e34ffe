// One-click reactivation through the public API: a real failing receiver gets its webhook switched
// off, the `webhook.deactivated` notification (stored and delivered) carries an activation link
// under HERALD_PUBLIC_URL, opening it changes nothing, its form switches the webhook on through
// the health workflow (replaying in order, or discarding), once; bad, foreign and stale links
// are refused with a page that shows nothing of the webhook. Without HERALD_PUBLIC_URL there is
// no link, and the API says so once at start-up.
import { requireKeyring } from '../../src/config';
import { ActivationTokens } from '../../src/security/activationTokens';
import type { Herald } from '../support/client';
import { eventually, eventuallyValue } from '../support/eventually';
import { startReceiver, type Receiver } from '../support/receiver';
import { startHerald, startHeraldWithLinks, startListeningApi, type HeraldStack, type ListeningApiStack } from '../support/stack';
import { deliveriesOf, eventOf, switchedOffWebhook, WAIT, type SwitchedOff } from '../support/switchedOff';

/** Escaped on every page: it must show as these characters, never as markup. */
const NAME = 'Orders <b>&</b> "co"';
const ESCAPED_NAME = 'Orders &lt;b>&amp;&lt;/b> &quot;co&quot;';

let stack: HeraldStack;
let herald: Herald;
let notifications: Receiver;
const receivers: Receiver[] = [];

beforeAll(async () => {
  stack = await startHeraldWithLinks();
  herald = stack.herald;
  notifications = await startReceiver();
  receivers.push(notifications);
});
afterAll(async () => {
  await Promise.all(receivers.map((receiver) => receiver.close()));
  await stack?.stop();
});

const switchedOff = (extra = 0) => switchedOffWebhook(herald, { name: NAME, extra, notificationUrl: notifications.url, receivers });

interface Page {
  status: number;
  text: string;
  headers: Headers;
}

async function open(url: string): Promise<Page> {
  const response = await fetch(url, { redirect: 'manual' });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

/** Sends the link's form as a browser would: form-encoded, from the page's own origin unless `headers` say otherwise. */
async function submit(url: string, choice: string, headers: Record<string, string> = {}): Promise<Page> {
  const response = await fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(url).origin, 'sec-fetch-site': 'same-origin', ...headers },
    body: new URLSearchParams({ choice }).toString(),
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

/** The webhook and its buffer as the API shows them, and its deliveries' statuses: what a GET must leave as it found. */
async function snapshot({ ws, webhookId }: SwitchedOff) {
  const webhook = (await herald.webhooks.get(ws, webhookId)).data;
  const deliveries = ((await herald.deliveries.list(ws, { webhookId, limit: 200 })).data as Array<{ id: string; status: string; attempts: unknown[] }>).map(
    (d) => [d.id, d.status, d.attempts.length],
  );
  return { webhook, deliveries, notifications: (await herald.notifications.list(ws, { limit: 200 })).data.length };
}

/** Whether a page shows anything of the webhook or its workspace. */
const leaks = (page: Page, off: SwitchedOff) =>
  [NAME, ESCAPED_NAME, 'Orders', off.down.url, off.webhookId, off.ws.id, '503'].filter((s) => page.text.includes(s));

const tokenOf = (url: string) => url.slice(url.lastIndexOf('/') + 1);

describe('a deactivated webhook', () => {
  it('is announced with an activation link under HERALD_PUBLIC_URL, stored and delivered, beside the REST path', async () => {
    const off = await switchedOff();
    const { notification, ws, webhookId } = off;
    expect(notification).toMatchObject({
      type: 'webhook.deactivated',
      activationPath: `/v1/workspaces/${ws.id}/webhooks/${webhookId}/activate`,
      activationUrl: expect.stringMatching(new RegExp(`^${stack.config.publicUrl}/reactivate/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43}$`)),
    });
    expect(notification.message).toContain(notification.activationUrl);

    const delivered = await eventually(
      () =>
        notifications.requests
          .map((request) => JSON.parse(request.body).data)
          .find((data) => data?.webhookId === webhookId && data.type === 'webhook.deactivated'),
      { ...WAIT, what: 'the notification to reach the notification URL' },
    );
    expect(delivered).toMatchObject({ activationUrl: notification.activationUrl, activationPath: notification.activationPath });
  });
});

describe('opening the link', () => {
  it('shows the webhook, why and when it went off, its buffer and the two choices, and changes nothing', async () => {
    const off = await switchedOff(3);
    const before = await snapshot(off);
    const page = await open(off.notification.activationUrl);
    const again = await open(off.notification.activationUrl);

    expect([page.status, again.status]).toEqual([200, 200]);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    );
    expect({
      nosniff: page.headers.get('x-content-type-options'),
      referrer: page.headers.get('referrer-policy'),
      cache: page.headers.get('cache-control'),
    }).toEqual({ nosniff: 'nosniff', referrer: 'no-referrer', cache: 'no-store' });

    expect(page.text).toContain(ESCAPED_NAME);
    expect(page.text).not.toContain(NAME);
    expect(page.text).toContain(off.down.url);
    expect(page.text).toContain(before.webhook.deactivationReason);
    expect(page.text).toContain(`datetime="${before.webhook.deactivatedAt}"`);
    expect(page.text).toContain(`datetime="${before.webhook.bufferUntil}"`);
    expect(page.text).toContain('>5 events</strong>');
    expect(page.text).toContain('Reactivate and replay them in order');
    expect(page.text).toContain('Reactivate and discard them');
    expect(page.text).toContain(`action="${tokenOf(off.notification.activationUrl)}"`);

    expect(await snapshot(off)).toEqual(before);
    expect(before.webhook).toMatchObject({ active: false, bufferedDeliveries: 5 });
    expect(await stack.store.activationLinks.get(off.ws.id, off.notification.id)).toBeNull();
  });

  it('serves its stylesheet from Herald itself', async () => {
    const response = await fetch(`${stack.baseUrl}/assets/herald.css`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await response.text()).toContain(':focus-visible');
  });
});

describe('using the link', () => {
  it('"replay" switches the webhook on through its health workflow and replays the buffer in order; the link then works no more', async () => {
    const off = await switchedOff(4);
    const url = off.notification.activationUrl;
    off.down.script([], { status: 200, body: 'ok', delayMs: 100 });
    const from = off.down.requests.length;

    const used = await submit(url, 'replay');
    expect([used.status, used.headers.get('location')]).toEqual([303, `${tokenOf(url)}/result`]);
    const result = await open(new URL(used.headers.get('location')!, url).toString());
    expect(result.status).toBe(200);
    expect(result.text).toContain(`${ESCAPED_NAME}” is switched on`);
    expect(result.text).toMatch(/Replay|Replaying/);

    await eventually(async () => (await deliveriesOf(herald, off.ws, off.webhookId, 'succeeded')).length === off.buffered.length, {
      ...WAIT,
      what: 'every buffered delivery to succeed',
    });
    expect(off.down.requests.slice(from).map(eventOf)).toEqual(off.buffered);
    // Refreshed, the result page tells the replay is over (once the workflow has recorded its end).
    await eventually(async () => (await open(`${url}/result`)).text.includes('Replay finished: the 6 events that were waiting were re-sent in order.'), {
      ...WAIT,
      what: 'the result page to show the replay finished',
    });

    // The health workflow made the change: its notification says so.
    const reactivated = await eventuallyValue(
      async () =>
        ((await herald.notifications.list(off.ws, { limit: 200 })).data as Array<Record<string, string>>).filter((n) => n.type === 'webhook.reactivated'),
      (listed) => listed.length === 1,
      { ...WAIT, what: 'the reactivation notification' },
    );
    expect(reactivated[0].message).toContain('reactivated with replay');

    const second = await submit(url, 'replay');
    expect(second.status).toBe(410);
    expect(second.text).toContain('This link has already been used');
    expect(leaks(second, off)).toEqual([]);
    const reopened = await open(url);
    expect([reopened.status, leaks(reopened, off)]).toEqual([410, []]);
    expect(off.down.requests.length - from).toBe(off.buffered.length);
  });

  it('"discard" switches the webhook on and discards the buffer', async () => {
    const off = await switchedOff(1);
    off.down.script([], { status: 200, body: 'ok' });
    const used = await submit(off.notification.activationUrl, 'discard');
    expect(used.status).toBe(303);
    await eventually(async () => (await deliveriesOf(herald, off.ws, off.webhookId, 'discarded')).length === off.buffered.length, {
      ...WAIT,
      what: 'the buffer to be discarded',
    });
    expect((await herald.webhooks.get(off.ws, off.webhookId)).data).toMatchObject({ active: true, bufferedDeliveries: 0 });
    expect((await open(`${off.notification.activationUrl}/result`)).text).toContain('The 3 events that were waiting were discarded.');
  });

  it('acts once for two clicks at the same moment', async () => {
    const off = await switchedOff();
    off.down.script([], { status: 200, body: 'ok' });
    const answers = await Promise.all([submit(off.notification.activationUrl, 'replay'), submit(off.notification.activationUrl, 'discard')]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([303, 410]);
    const used = await stack.store.activationLinks.get(off.ws.id, off.notification.id);
    const winner = answers.findIndex((answer) => answer.status === 303);
    expect(used?.choice).toBe(winner === 0 ? 'replay' : 'discard');
  });
});

describe('a link that cannot be used', () => {
  let off: SwitchedOff;
  let url: string;
  let tokens: ActivationTokens;
  beforeAll(async () => {
    off = await switchedOff(1);
    url = off.notification.activationUrl;
    tokens = new ActivationTokens(requireKeyring(stack.config));
  });

  /** Both methods refuse it with `status` and a page naming the problem and nothing of the webhook; the webhook stays off. */
  async function refused(link: string, status: number, says: string) {
    for (const page of [await open(link), await submit(link, 'replay')]) {
      expect({
        status: page.status,
        says: page.text.includes(says),
        leaks: leaks(page, off),
        csp: Boolean(page.headers.get('content-security-policy')),
      }).toEqual({
        status,
        says: true,
        leaks: [],
        csp: true,
      });
    }
    expect((await herald.webhooks.get(off.ws, off.webhookId)).data.active).toBe(false);
  }

  const claims = () => ({
    workspaceId: off.ws.id,
    webhookId: off.webhookId,
    notificationId: off.notification.id,
    deactivatedAtMs: Date.parse(off.notification.createdAt),
    expiresAtMs: Date.now() + 3_600_000,
  });

  it('is refused when altered', async () => {
    const token = tokenOf(url);
    const flipped = `${token.slice(0, -5)}${token.at(-5) === 'A' ? 'B' : 'A'}${token.slice(-4)}`;
    await refused(`${stack.baseUrl}/reactivate/${flipped}`, 404, 'This link is not valid');
    await refused(`${stack.baseUrl}/reactivate/${token.slice(0, 40)}`, 404, 'This link is not valid');
    await refused(`${stack.baseUrl}/reactivate/nothing-like-a-token`, 404, 'This link is not valid');
  });

  it("is refused when signed for another workspace's or webhook's records (a genuine signature, foreign claims)", async () => {
    const other = await herald.workspace([]);
    await refused(`${stack.baseUrl}/reactivate/${tokens.sign({ ...claims(), workspaceId: other.id })}`, 404, 'This link is not valid');
    await refused(`${stack.baseUrl}/reactivate/${tokens.sign({ ...claims(), webhookId: 'wh_somebody_else' })}`, 404, 'This link is not valid');
  });

  it('is refused once expired', async () => {
    await refused(`${stack.baseUrl}/reactivate/${tokens.sign({ ...claims(), expiresAtMs: Date.now() - 1 })}`, 410, 'This link has expired');
  });

  it('is refused for an earlier deactivation of the same webhook', async () => {
    await refused(`${stack.baseUrl}/reactivate/${tokens.sign({ ...claims(), deactivatedAtMs: claims().deactivatedAtMs - 60_000 })}`, 410, 'no longer applies');
  });

  it('refuses a form sent from another site, or without a choice', async () => {
    const otherPort = `http://127.0.0.1:${Number(new URL(stack.baseUrl).port) + 1}`;
    const foreign: Array<Record<string, string>> = [
      { origin: 'https://evil.example' },
      { origin: otherPort },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ];
    for (const headers of foreign) {
      const page = await submit(url, 'replay', headers);
      expect({ headers, status: page.status, leaks: leaks(page, off) }).toEqual({ headers, status: 403, leaks: [] });
    }
    for (const choice of ['', 'both', 'REPLAY']) expect((await submit(url, choice)).status).toBe(400);
    expect((await herald.webhooks.get(off.ws, off.webhookId)).data.active).toBe(false);
    expect(await stack.store.activationLinks.get(off.ws.id, off.notification.id)).toBeNull();
  });

  it('is refused once the deactivation is over: switched on through the API, or deleted', async () => {
    expect((await open(url)).status).toBe(200);
    expect((await herald.webhooks.activate(off.ws, off.webhookId, { replayEvents: false })).status).toBe(200);
    for (const page of [await open(url), await submit(url, 'replay')]) {
      expect({ status: page.status, over: page.text.includes('no longer applies'), leaks: leaks(page, off) }).toEqual({ status: 410, over: true, leaks: [] });
    }
    expect((await herald.webhooks.remove(off.ws, off.webhookId)).status).toBe(204);
    const gone = await open(url);
    expect({ status: gone.status, leaks: leaks(gone, off) }).toEqual({ status: 410, leaks: [] });
  });
});

describe('when the health workflow cannot be reached', () => {
  let alone: ListeningApiStack;
  beforeAll(async () => {
    alone = await startListeningApi();
  });
  afterAll(async () => {
    await alone?.stop();
  });

  it('answers 503 with a page that says to try again, and leaves the link unused', async () => {
    // A webhook switched off as its health workflow records it, on an API whose Temporal does not answer.
    const ws = await alone.herald.workspace(['order.created']);
    const webhookId = await alone.herald.webhooks.add(ws, { name: NAME, url: 'http://127.0.0.1:9/hooks', events: ['order.created'] });
    const deactivatedAt = new Date();
    const bufferUntil = new Date(deactivatedAt.getTime() + 3_600_000);
    await alone.store.webhooks.mirrorHealth(
      ws.id,
      webhookId,
      { active: false, deactivatedAt, deactivationReason: 'failing', bufferUntil },
      { resetStreak: true },
    );
    await alone.store.notifications.createOnce({
      _id: 'ntf_unreached',
      workspaceId: ws.id,
      type: 'webhook.deactivated',
      webhookId,
      message: 'off',
      createdAt: deactivatedAt,
    });
    const token = new ActivationTokens(requireKeyring(alone.config)).sign({
      workspaceId: ws.id,
      webhookId,
      notificationId: 'ntf_unreached',
      deactivatedAtMs: deactivatedAt.getTime(),
      expiresAtMs: bufferUntil.getTime(),
    });
    const url = `${alone.baseUrl}/reactivate/${token}`;

    const page = await submit(url, 'replay');
    expect({ status: page.status, retry: page.headers.get('retry-after'), says: page.text.includes('Try again in a moment') }).toEqual({
      status: 503,
      retry: '5',
      says: true,
    });
    expect(await alone.store.activationLinks.get(ws.id, 'ntf_unreached')).toBeNull();
    expect((await open(url)).status).toBe(200);
  });
});

describe('without HERALD_PUBLIC_URL', () => {
  const lines: string[] = [];
  let plain: HeraldStack;
  beforeAll(async () => {
    plain = await startHerald({ publicUrl: undefined }, { logLines: lines });
  });
  afterAll(async () => {
    await plain?.stop();
  });

  it('says once, at start-up, that activation links are off, and notifications carry the REST path only', async () => {
    const warnings = lines.map((line) => JSON.parse(line) as { level: number; msg: string }).filter((record) => record.msg.includes('HERALD_PUBLIC_URL'));
    expect(warnings).toEqual([expect.objectContaining({ level: 40, msg: expect.stringContaining('activation links are off') })]);

    const off = await switchedOffWebhook(plain.herald, { name: 'plain', notificationUrl: notifications.url, receivers });
    expect(off.notification.activationPath).toBe(`/v1/workspaces/${off.ws.id}/webhooks/${off.webhookId}/activate`);
    expect(off.notification).not.toHaveProperty('activationUrl');
    const delivered = await eventually(
      () => notifications.requests.map((request) => JSON.parse(request.body).data).find((data) => data?.webhookId === off.webhookId),
      { ...WAIT, what: 'the notification to be delivered' },
    );
    expect(delivered).toMatchObject({ activationPath: off.notification.activationPath });
    expect(delivered).not.toHaveProperty('activationUrl');
  });
});
