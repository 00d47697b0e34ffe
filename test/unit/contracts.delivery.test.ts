import { resolvePolicy } from '../../src/policy';
import { deliveryInput, deliveryStartOptions } from '../../workflows/contracts/delivery';
import { HERALD_DELIVERY_STATUS } from '../../workflows/contracts/searchAttributes';

const policy = resolvePolicy({ preset: 'fixed' });
const parts = {
  workspaceId: 'ws1',
  webhookId: 'wh1',
  eventId: 'evt1',
  eventType: 'order.paid',
  deliveryId: 'delivery/ws1/evt1/wh1',
  receivedAt: '2026-11-24T12:00:00.000Z',
  policy,
};

describe('a delivery workflow start', () => {
  it("takes only the contract's fields from a wider object", () => {
    const start = { ...parts, summary: 'order.paid → wh1', targets: [] };
    expect(deliveryInput(start)).toEqual(parts);
    expect(deliveryInput(parts, { mode: 'single-attempt', state: { attemptsMade: 3, lane: 'slow' } })).toEqual({
      ...parts,
      mode: 'single-attempt',
      state: { attemptsMade: 3, lane: 'slow' },
    });
  });

  it('shows the lane it carries on, the priority lane for a first run, and starts as pending', () => {
    expect(deliveryStartOptions(deliveryInput(parts), 'why').memo).toEqual({ summary: 'why', lane: 'priority' });
    const carried = deliveryStartOptions(deliveryInput(parts, { state: { attemptsMade: 3, lane: 'slow' } }), 'why');
    expect(carried.workflowId).toBe('delivery/ws1/evt1/wh1');
    expect(carried.memo.lane).toBe('slow');
    expect(carried.typedSearchAttributes.find((pair) => pair.key.name === HERALD_DELIVERY_STATUS.name)?.value).toBe('pending');
  });
});
