import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { encodeBody, isXmlElementName } from '../../src/outbound';

const envelope = {
  id: 'evt_1',
  family: 'ticket',
  action: 'ticket.updated',
  timestamp: '2024-05-01T12:00:00.000Z',
  data: { model: 'Pixel 8', items: [{ sku: 'A', qty: 2 }, 'x'], paid: true, note: null, empty: {}, none: [] },
};
const DECL = '<?xml version="1.0" encoding="UTF-8"?>';

describe('encodeBody json', () => {
  it('sends the raw text when given, byte for byte', () => {
    const raw = '{ "a" : 1.0 }';
    expect(encodeBody('json', { a: 1 }, raw)).toEqual({ contentType: 'application/json', body: raw });
  });

  it('serialises the value otherwise', () => {
    expect(encodeBody('json', { a: [1, 'b'] }).body).toBe('{"a":[1,"b"]}');
  });
});

describe('encodeBody form', () => {
  it('flattens nested keys with brackets', () => {
    const { contentType, body } = encodeBody('form', envelope);
    expect(contentType).toBe('application/x-www-form-urlencoded');
    expect(body).toBe(
      'id=evt_1&family=ticket&action=ticket.updated&timestamp=2024-05-01T12%3A00%3A00.000Z' +
        '&data%5Bmodel%5D=Pixel+8&data%5Bitems%5D%5B0%5D%5Bsku%5D=A&data%5Bitems%5D%5B0%5D%5Bqty%5D=2' +
        '&data%5Bitems%5D%5B1%5D=x&data%5Bpaid%5D=true&data%5Bnote%5D=&data%5Bempty%5D=&data%5Bnone%5D=',
    );
    expect([...new URLSearchParams(body).entries()].slice(4, 7)).toEqual([
      ['data[model]', 'Pixel 8'],
      ['data[items][0][sku]', 'A'],
      ['data[items][0][qty]', '2'],
    ]);
  });

  it('percent-encodes reserved characters and unicode', () => {
    expect(encodeBody('form', { 'a&b': 'x=y&z é+' }).body).toBe('a%26b=x%3Dy%26z+%C3%A9%2B');
  });
});

describe('encodeBody xml', () => {
  it('writes one element per key under <notification>, repeating array elements', () => {
    const { contentType, body } = encodeBody('xml', envelope);
    expect(contentType).toBe('application/xml');
    expect(body).toBe(
      DECL +
        '<notification><id>evt_1</id><family>ticket</family><action>ticket.updated</action>' +
        '<timestamp>2024-05-01T12:00:00.000Z</timestamp>' +
        '<data><model>Pixel 8</model><items><sku>A</sku><qty>2</qty></items><items>x</items>' +
        '<paid>true</paid><note/><empty/><none/></data></notification>',
    );
  });

  it('escapes text and keeps keys that are not XML names in an item attribute', () => {
    const body = encodeBody('xml', { text: 'a<b & "c" \'d\'', '2fa': 'x', 'a b': 'y', 'ns:key': 'z', '': 'e', 'bad<"&': 'w' }).body;
    expect(body).toBe(
      DECL +
        '<notification><text>a&lt;b &amp; &quot;c&quot; &apos;d&apos;</text>' +
        '<item key="2fa">x</item><item key="a b">y</item><item key="ns:key">z</item><item key="">e</item>' +
        '<item key="bad&lt;&quot;&amp;">w</item></notification>',
    );
    expect(XMLValidator.validate(body)).toBe(true);
  });

  it('replaces characters XML cannot carry and nests arrays of arrays as items', () => {
    const body = encodeBody('xml', { ctl: 'a\u0000b\u001fc\ud800', m: [[1, 2], [3]], ok: 'é 😀' }).body;
    expect(body).toBe(
      DECL + '<notification><ctl>a\uFFFDb\uFFFDc\uFFFD</ctl><m><item>1</item><item>2</item></m><m><item>3</item></m>' + '<ok>é 😀</ok></notification>',
    );
    expect(XMLValidator.validate(body)).toBe(true);
  });

  it('round-trips through a parser', () => {
    const parsed = new XMLParser({ parseTagValue: false }).parse(encodeBody('xml', { a: { b: ['1', '2'] }, c: 'x' }).body);
    expect(parsed.notification).toEqual({ a: { b: ['1', '2'] }, c: 'x' });
  });

  it.each([
    ['model', true],
    ['_x', true],
    ['données', true],
    ['a-b.c', true],
    ['2fa', false],
    ['a b', false],
    ['x:y', false],
    ['-a', false],
    ['', false],
  ])('isXmlElementName(%j) = %s', (name, expected) => {
    expect(isXmlElementName(name)).toBe(expected);
  });
});
