import { DEFAULT_BUFFER_SECONDS } from '../../src/policy/endpointHealth';
import { LIVE_STATUSES } from '../../src/core/domain';
import { deliverySweeps, FIXED_FAILED_KEEP_SECONDS, recordsCutoff } from '../../src/policy/retention';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

describe('retention rules', () => {
  const sweeps = deliverySweeps(NOW, 30);
  const rule = (name: string) => sweeps.find((sweep) => sweep.rule === name)!;

  it('never name a delivery that is still to be attempted or waits in a buffer', () => {
    for (const sweep of sweeps) for (const live of LIVE_STATUSES) expect(sweep.statuses).not.toContain(live);
  });

  it("delete the fixed preset's failed and expired deliveries 24 hours after their event", () => {
    expect(FIXED_FAILED_KEEP_SECONDS).toBe(24 * 60 * 60);
    expect(rule('fixed-failed')).toEqual({
      rule: 'fixed-failed',
      statuses: ['failed', 'expired'],
      preset: 'fixed',
      field: 'createdAt',
      before: new Date(NOW - DAY),
    });
  });

  it('delete dropped and discarded deliveries once a buffer window has passed since', () => {
    expect(rule('held')).toEqual({
      rule: 'held',
      statuses: ['dropped', 'discarded'],
      field: 'updatedAt',
      before: new Date(NOW - DEFAULT_BUFFER_SECONDS * 1000),
    });
    expect(rule('held').before).toEqual(new Date(NOW - 5 * DAY));
  });

  it('delete every other ended delivery, whatever its preset, after the retention days', () => {
    expect(rule('ended')).toEqual({
      rule: 'ended',
      statuses: ['succeeded', 'failed', 'expired', 'cancelled'],
      field: 'updatedAt',
      before: new Date(NOW - 30 * DAY),
    });
    expect(deliverySweeps(NOW, 7).find((sweep) => sweep.rule === 'ended')!.before).toEqual(new Date(NOW - 7 * DAY));
  });

  it('keep events and notifications for the retention days', () => {
    expect(recordsCutoff(NOW, 30)).toEqual(new Date(NOW - 30 * DAY));
    expect(recordsCutoff(NOW, 1)).toEqual(new Date(NOW - DAY));
  });
});
