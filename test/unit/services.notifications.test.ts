import { activationPath, notificationBody, notificationEvent, notificationOf, type WebhookNotice } from '../../src/services/notifications';

const AT = new Date('2026-11-24T12:00:00.000Z');
const deactivated: WebhookNotice = {
  notificationId: 'ntf_1',
  workspaceId: 'ws1',
  webhookId: 'wh_1',
  type: 'webhook.deactivated',
  reason: '5 consecutive failures',
  at: AT,
};

describe('webhook notifications', () => {
  it('tell how to reactivate a deactivated webhook, naming it while its record exists', () => {
    expect(notificationOf(deactivated, { name: 'Orders' })).toEqual({
      _id: 'ntf_1',
      workspaceId: 'ws1',
      type: 'webhook.deactivated',
      webhookId: 'wh_1',
      message: 'Webhook "Orders" (wh_1) was deactivated: 5 consecutive failures. Reactivate it with POST /v1/workspaces/ws1/webhooks/wh_1/activate.',
      activationPath: '/v1/workspaces/ws1/webhooks/wh_1/activate',
      createdAt: AT,
    });
    expect(notificationOf(deactivated, null).message).toBe(
      'Webhook wh_1 was deactivated: 5 consecutive failures. Reactivate it with POST /v1/workspaces/ws1/webhooks/wh_1/activate.',
    );
  });

  it('say why a webhook is back on, with no activation path', () => {
    const reactivated = notificationOf({ ...deactivated, type: 'webhook.reactivated', reason: 'reactivated with replay' }, { name: 'Orders' });
    expect(reactivated.message).toBe('Webhook "Orders" (wh_1) was reactivated with replay.');
    expect(reactivated).not.toHaveProperty('activationPath');
  });

  it('are delivered as an event of their own, with the notification as its JSON body', () => {
    const notification = notificationOf(deactivated, { name: 'Orders' });
    expect(JSON.parse(notificationBody(notification))).toEqual({
      id: 'ntf_1',
      type: 'webhook.deactivated',
      webhookId: 'wh_1',
      message: notification.message,
      activationPath: activationPath('ws1', 'wh_1'),
      createdAt: '2026-11-24T12:00:00.000Z',
    });
    expect(notificationEvent(notification)).toEqual({
      workspaceId: 'ws1',
      eventId: 'ntf_1',
      type: 'webhook.deactivated',
      family: 'webhook',
      data: notificationBody(notification),
      receivedAt: AT,
    });
  });

  it('carry the one-click activation link of a deactivation when one is handed out, in the stored and the delivered notification', () => {
    const url = 'https://herald.example.com/reactivate/abc.def';
    const notification = notificationOf(deactivated, { name: 'Orders' }, url);
    expect(notification).toMatchObject({ activationPath: activationPath('ws1', 'wh_1'), activationUrl: url });
    expect(notification.message).toBe(
      `Webhook "Orders" (wh_1) was deactivated: 5 consecutive failures. Reactivate it with POST /v1/workspaces/ws1/webhooks/wh_1/activate, or open ${url}.`,
    );
    expect(JSON.parse(notificationBody(notification))).toMatchObject({ activationPath: activationPath('ws1', 'wh_1'), activationUrl: url });
    // A reactivation has nothing to click.
    expect(notificationOf({ ...deactivated, type: 'webhook.reactivated', reason: 'reactivated with replay' }, { name: 'Orders' }, url)).not.toHaveProperty(
      'activationUrl',
    );
  });
});
