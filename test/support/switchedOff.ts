// A webhook switched off by its failure rule, as a real failing receiver brings it about: the
// story the activation-link tests (integration and browser) start from.
import type { Herald, TestWorkspace } from './client';
import { eventually, eventuallyValue } from './eventually';
import { startReceiver, type ReceivedRequest, type Receiver } from './receiver';

export const SWITCHED_OFF_EVENT = 'order.created';
/** The waits of these stories: up to 30 s, tried every 150 ms. */
export const WAIT = { timeoutMs: 30_000, intervalMs: 150 };

export interface SwitchedOff {
  ws: TestWorkspace;
  webhookId: string;
  /** The receiver that answers 503 until a test scripts it otherwise. */
  down: Receiver;
  /** Event ids in the buffer, in the order they were posted. */
  buffered: string[];
  /** The `webhook.deactivated` notification, as GET /notifications lists it. */
  notification: Record<string, string>;
}

/** The event id of a request a receiver got (the envelope's `id`). */
export const eventOf = (request: ReceivedRequest) => (JSON.parse(request.body) as { id: string }).id;

/** A workspace's deliveries to one webhook in one status, oldest first. */
export const deliveriesOf = async (herald: Herald, ws: TestWorkspace, webhookId: string, status: string) =>
  (await herald.deliveries.list(ws, { webhookId, status, limit: 200 })).data as Array<{ id: string; eventId: string; status: string }>;

async function postInOrder(herald: Herald, ws: TestWorkspace, prefix: string, count: number, expected: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 1; i <= count; i++) {
    const id = `${prefix}-${String(i).padStart(2, '0')}`;
    const { deliveries } = await herald.events.send(ws, { id, type: SWITCHED_OFF_EVENT, data: { n: i } });
    if (deliveries[0]?.status !== expected) throw new Error(`event ${id} was recorded ${deliveries[0]?.status}, not ${expected}`);
    ids.push(id);
  }
  return ids;
}

/**
 * A webhook (named `name`) at a receiver that answers 503, switched off after 3 failed attempts
 * (the `deactivation` setting), with `extra` more events posted while it is off: the buffer holds
 * the 2 events posted before it went off, then those. `notificationUrl`: where the workspace is notified.
 */
export async function switchedOffWebhook(
  herald: Herald,
  options: { name: string; extra?: number; notificationUrl?: string; receivers: Receiver[] },
): Promise<SwitchedOff> {
  const ws = await herald.workspace([SWITCHED_OFF_EVENT]);
  if (options.notificationUrl) {
    const settings = await herald.workspaces.update(ws.id, { notificationUrl: options.notificationUrl });
    if (settings.status !== 200) throw new Error(`setting the notification URL answered ${settings.status}: ${settings.text}`);
  }
  const down = await startReceiver();
  options.receivers.push(down);
  down.script([], { status: 503, body: 'down' });
  const webhookId = await herald.webhooks.add(ws, {
    name: options.name,
    url: down.url,
    events: [SWITCHED_OFF_EVENT],
    retryPolicy: { preset: 'fixed', intervalSeconds: 1 },
    deactivation: { consecutiveFailures: 3, minFailingSeconds: 0 },
  });
  const before = await postInOrder(herald, ws, 'evt-before', 2, 'pending');
  await eventually(async () => (await herald.webhooks.get(ws, webhookId)).data.active === false, { ...WAIT, what: 'the webhook to be switched off' });
  // Each had a retry waiting; it found the webhook off and joined the buffer.
  await eventuallyValue(
    () => deliveriesOf(herald, ws, webhookId, 'buffered'),
    (listed) => listed.length === before.length,
    { ...WAIT, what: 'both deliveries to be buffered' },
  );
  const whileOff = await postInOrder(herald, ws, 'evt-off', options.extra ?? 0, 'buffered');
  const [notification] = await eventuallyValue(
    async () => ((await herald.notifications.list(ws, { limit: 200 })).data as Array<Record<string, string>>).filter((n) => n.webhookId === webhookId),
    (listed) => listed.length === 1 && listed[0].type === 'webhook.deactivated',
    { ...WAIT, what: 'the deactivation notification' },
  );
  return { ws, webhookId, down, buffered: [...before, ...whileOff], notification };
}
