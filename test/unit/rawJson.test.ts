import { rawMember } from '../../src/api/plugins/rawJson';

describe('rawMember', () => {
  it('returns the exact text of a nested object, spacing and big numbers included', () => {
    const body = '{"type":"order.status", "data" : {"n": 12345678901234567890, "s":"a\\"}b" ,"l":[1, {"x":[]}]} , "id":"e1"}';
    expect(rawMember(body, 'data')).toBe('{"n": 12345678901234567890, "s":"a\\"}b" ,"l":[1, {"x":[]}]}');
  });

  it('handles scalars, strings with escapes, and members after the target', () => {
    expect(rawMember('{"data": 1.50e3, "z": true}', 'data')).toBe('1.50e3');
    expect(rawMember('{"data":"x\\\\","z":null}', 'data')).toBe('"x\\\\"');
    expect(rawMember('{"a":{"data":1},"data":[ ]}', 'data')).toBe('[ ]');
    expect(rawMember('{"data":null}', 'data')).toBe('null');
  });

  it('keeps the last of duplicate keys, like JSON.parse, and is undefined when absent', () => {
    expect(rawMember('{"data":1,"data":2}', 'data')).toBe('2');
    expect(rawMember('{"type":"x"}', 'data')).toBeUndefined();
    expect(rawMember('[1,2]', 'data')).toBeUndefined();
  });
});
