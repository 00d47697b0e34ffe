import type { EventRecord } from '../../src/core/domain';
import { buildEnvelope, envelopeJson } from '../../src/outbound';

const rawData = '{ "id" : "00001",\n  "amount": 1.0, "big": 12345678901234567890,  "note":"caf\\u00e9 ☕" }';
const event: EventRecord = {
  id: 'evt_1',
  type: 'ticket.updated',
  family: 'ticket',
  data: rawData,
  receivedAt: '2024-05-01T12:00:00.000Z',
};

describe('envelope', () => {
  it('splices the raw data text in byte for byte', () => {
    expect(envelopeJson(event)).toBe(
      '{"id":"evt_1","family":"ticket","action":"ticket.updated","timestamp":"2024-05-01T12:00:00.000Z","data":' + rawData + '}',
    );
  });

  it('is valid JSON equal to the envelope value', () => {
    expect(JSON.parse(envelopeJson(event))).toEqual(buildEnvelope(event));
    expect(buildEnvelope(event)).toEqual({
      id: 'evt_1',
      family: 'ticket',
      action: 'ticket.updated',
      timestamp: '2024-05-01T12:00:00.000Z',
      data: JSON.parse(rawData),
    });
  });

  it('escapes the string fields', () => {
    const odd = { ...event, id: 'a"b\\c\n', data: '[1,2]' };
    expect(JSON.parse(envelopeJson(odd))).toMatchObject({ id: 'a"b\\c\n', data: [1, 2] });
  });

  it('is the same bytes on every call', () => {
    expect(envelopeJson({ ...event })).toBe(envelopeJson(event));
  });
});
