import { createHash } from 'node:crypto';
import { encodePing, pingPayloadJson } from '../../src/outbound';

const now = new Date(1466526410_000 + 999); // a fixed example second
const md5 = createHash('md5').update('{"type":"ping","epoch_timestamp":1466526410}').digest('hex');

describe('test ping', () => {
  it('has the exact payload text the md5 covers', () => {
    expect(pingPayloadJson(1466526410)).toBe('{"type":"ping","epoch_timestamp":1466526410}');
  });

  it('JSON: {payload, md5}', () => {
    const { contentType, body } = encodePing('json', now);
    expect(contentType).toBe('application/json');
    expect(body).toBe(`{"payload":{"type":"ping","epoch_timestamp":1466526410},"md5":"${md5}"}`);
    const parsed = JSON.parse(body);
    expect(createHash('md5').update(JSON.stringify(parsed.payload)).digest('hex')).toBe(parsed.md5);
  });

  it('XML: <notification><payload>…</payload><md5>…</md5></notification>', () => {
    expect(encodePing('xml', now).body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><notification><payload><type>ping</type>' +
        `<epoch_timestamp>1466526410</epoch_timestamp></payload><md5>${md5}</md5></notification>`,
    );
  });

  it('form: flattened', () => {
    const body = encodePing('form', now).body;
    expect(Object.fromEntries(new URLSearchParams(body))).toEqual({
      'payload[type]': 'ping',
      'payload[epoch_timestamp]': '1466526410',
      md5,
    });
  });
});
