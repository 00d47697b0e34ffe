import type { EventRecord } from '../../src/core/domain';
import { renderTemplate, TemplateError, validateTemplate } from '../../src/outbound';

const event: EventRecord = {
  id: 'evt_42',
  type: 'ticket.updated',
  family: 'ticket',
  app: 'repairs',
  receivedAt: '2024-05-01T12:00:00.000Z',
  data: JSON.stringify({
    ticket_ref: 'T-1001',
    cf_34977: 'DEV-9',
    model: 'Pixel "8"\nPro',
    emoji: 'café ☕ 😀',
    count: 3,
    paid: false,
    nothing: null,
    customer: { name: 'Ann', tags: ['vip'] },
    items: [{ sku: 'A' }, { sku: 'B' }],
    id: 'data-id',
  }),
};

const render = (template: string): string => renderTemplate(template, event).json;

describe('renderTemplate', () => {
  it('fills a ticket template from the event data', () => {
    const template = '{\n"ticket_ref": "{ticket_ref}",\n"device_id": "{cf_34977}",\n"model": "{data.model}"\n}';
    expect(renderTemplate(template, event).value).toEqual({ ticket_ref: 'T-1001', device_id: 'DEV-9', model: 'Pixel "8"\nPro' });
    expect(render(template)).toBe('{\n"ticket_ref": "T-1001",\n"device_id": "DEV-9",\n"model": "Pixel \\"8\\"\\nPro"\n}');
  });

  it('reads dotted paths from the root, including array indexes', () => {
    expect(render('{"a": "{type}/{family}/{action}/{app}/{timestamp}", "b": "{data.items.1.sku}", "c": "{data.customer.name}"}')).toBe(
      '{"a": "ticket.updated/ticket/ticket.updated/repairs/2024-05-01T12:00:00.000Z", "b": "B", "c": "Ann"}',
    );
  });

  it('looks a bare tag up in data before the root', () => {
    expect(render('{"a": "{id}", "b": "{data.id}", "c": "{type}"}')).toBe('{"a": "data-id", "b": "data-id", "c": "ticket.updated"}');
  });

  it('renders missing tags, nulls and non-own properties empty', () => {
    expect(render('{"a": "{nope}", "b": "{data.customer.nope.deeper}", "c": "{nothing}", "d": "{constructor}", "e": "{data.__proto__}"}')).toBe(
      '{"a": "", "b": "", "c": "", "d": "", "e": ""}',
    );
  });

  it('escapes values for a JSON string: quotes, backslashes, control characters; keeps unicode', () => {
    const withOdd: EventRecord = { ...event, data: JSON.stringify({ v: 'q"\\\t\u0001 é 😀 \u2028' }) };
    const json = renderTemplate('{"v": "{v}"}', withOdd).json;
    expect(json).toBe('{"v": "q\\"\\\\\\t\\u0001 é 😀 \u2028"}');
    expect(JSON.parse(json)).toEqual({ v: 'q"\\\t\u0001 é 😀 \u2028' });
  });

  it('inserts numbers, booleans, objects and arrays as text', () => {
    const rendered = renderTemplate('{"n": "{count}", "b": "{paid}", "o": "{customer}", "items": "{items}"}', event);
    expect(rendered.json).toBe(
      '{"n": "3", "b": "false", "o": "{\\"name\\":\\"Ann\\",\\"tags\\":[\\"vip\\"]}", "items": "[{\\"sku\\":\\"A\\"},{\\"sku\\":\\"B\\"}]"}',
    );
    expect(JSON.parse(rendered.value.o as string)).toEqual({ name: 'Ann', tags: ['vip'] });
  });

  it('does not treat JSON braces as tags', () => {
    expect(render('{"nested": {"x": "{ticket_ref}"}, "empty": {}, "spaced": { "y": 1 }}')).toBe(
      '{"nested": {"x": "T-1001"}, "empty": {}, "spaced": { "y": 1 }}',
    );
  });

  it('throws TemplateError when the rendering is not a JSON object', () => {
    expect(() => render('{"a": {count}')).toThrow(TemplateError);
    expect(() => render('["{ticket_ref}"]')).toThrow('must be a JSON object');
  });
});

describe('validateTemplate', () => {
  it.each(['{"ticket_ref": "{ticket_ref}", "model": "{data.model}"}', '{}', '{"{ticket_ref}": "key from a tag"}', ' {"a": ["{x}", "{y}"]} '])(
    'accepts %s',
    (template) => {
      expect(() => validateTemplate(template)).not.toThrow();
    },
  );

  it.each([
    ['{"count": {count}}', 'not valid JSON'],
    ['not json', 'not valid JSON'],
    ['["{a}"]', 'must be a JSON object'],
    ['"{a}"', 'must be a JSON object'],
    ['null', 'must be a JSON object'],
    ['', 'not valid JSON'],
  ])('rejects %j', (template, message) => {
    expect(() => validateTemplate(template)).toThrow(TemplateError);
    expect(() => validateTemplate(template)).toThrow(message);
  });
});
