// The API process's snapshots of what ingest stored and matched: served only while young, bounded
// in bytes, the newest snapshot of a document replacing the older one.
import type { EventDoc } from '../../src/store/events';
import { RecentReads } from '../../src/store/recentReads';
import type { WebhookDoc } from '../../src/store/webhooks';

function event(eventId: string, data = '{}', workspaceId = 'ws1'): EventDoc {
  return { _id: `${workspaceId}/${eventId}`, workspaceId, eventId, type: 'order.paid', family: 'order', data, receivedAt: new Date(0), deliveries: [] };
}

function webhook(id: string, url: string, workspaceId = 'ws1'): WebhookDoc {
  return { _id: id, workspaceId, url, active: true } as WebhookDoc;
}

function reads(maxAgeMs = 2_000, maxBytes = 1_000_000) {
  const clock = { now: 1_000 };
  return { clock, recent: new RecentReads({ maxAgeMs, maxBytes, now: () => clock.now }) };
}

describe('RecentReads', () => {
  it('serves an event and webhooks by workspace and id while they are younger than maxAgeMs', () => {
    const { clock, recent } = reads(2_000);
    recent.noteEvent(event('evt_1'));
    recent.noteWebhooks([webhook('wh_1', 'https://a.test/in'), webhook('wh_2', 'https://b.test/in')]);

    expect(recent.event('ws1', 'evt_1')?.eventId).toBe('evt_1');
    expect(recent.webhook('ws1', 'wh_2')?.url).toBe('https://b.test/in');
    // Another workspace's ids are other keys.
    expect(recent.event('ws2', 'evt_1')).toBeUndefined();
    expect(recent.webhook('ws2', 'wh_1')).toBeUndefined();

    clock.now += 2_000;
    expect(recent.webhook('ws1', 'wh_1')).toBeDefined();
    clock.now += 1;
    expect(recent.event('ws1', 'evt_1')).toBeUndefined();
    expect(recent.webhook('ws1', 'wh_1')).toBeUndefined();
  });

  it('replaces a webhook with its newer snapshot, whose age counts from then', () => {
    const { clock, recent } = reads(2_000);
    recent.noteWebhooks([webhook('wh_1', 'https://old.test/in')]);
    clock.now += 1_500;
    recent.noteWebhooks([webhook('wh_1', 'https://new.test/in')]);
    clock.now += 1_500;
    expect(recent.webhook('ws1', 'wh_1')?.url).toBe('https://new.test/in');
    expect(recent.size).toBe(1);
  });

  it('drops expired entries when new ones arrive, and the oldest when over the byte bound', () => {
    const { clock, recent } = reads(2_000, 5_000);
    recent.noteEvent(event('evt_old'));
    clock.now += 2_001;
    recent.noteEvent(event('evt_1', 'x'.repeat(1_000)));
    expect(recent.size).toBe(1);

    // 1 512 bytes each (512 for the fields besides the data): three fit in 5 000, a fourth pushes out the oldest.
    recent.noteEvent(event('evt_2', 'x'.repeat(1_000)));
    recent.noteEvent(event('evt_3', 'x'.repeat(1_000)));
    expect(recent.size).toBe(3);
    recent.noteEvent(event('evt_4', 'x'.repeat(1_000)));
    expect(recent.event('ws1', 'evt_1')).toBeUndefined();
    expect(['evt_2', 'evt_3', 'evt_4'].map((id) => recent.event('ws1', id)?.eventId)).toEqual(['evt_2', 'evt_3', 'evt_4']);
  });

  it('keeps nothing larger than the whole bound', () => {
    const { recent } = reads(2_000, 5_000);
    recent.noteEvent(event('evt_small'));
    recent.noteEvent(event('evt_huge', 'x'.repeat(10_000)));
    expect(recent.event('ws1', 'evt_huge')).toBeUndefined();
    expect(recent.event('ws1', 'evt_small')).toBeDefined();
  });
});
