// `application/xml` bodies: `<notification>` holds one element per key.
//
// Rules, chosen so any JSON value yields well-formed XML:
// - A key that is a valid XML element name (XML 1.0 Name, without `:` so no namespace prefix is
//   implied) becomes the element name: {"model": "x"} → <model>x</model>.
// - Any other key ("2fa", "a b", "x:y", "") becomes <item key="original">…</item>, so the
//   receiver still sees the exact key, order is kept, and two keys never collide.
// - An array repeats its element: {"tag": ["a","b"]} → <tag>a</tag><tag>b</tag>. An array
//   directly inside an array becomes one element whose children are <item> elements.
// - null, and empty objects or arrays, become an empty element: <key/>.
// - Text and attribute values are entity-escaped by the builder; characters XML 1.0 cannot carry
//   at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF) are replaced by U+FFFD.
import { XMLBuilder } from 'fast-xml-parser';

export const XML_ROOT = 'notification';
export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

const NAME_START =
  'A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}';
const NAME_CHAR = `${NAME_START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F\\u2040`;
// The class lists XML's NameStartChar/NameChar code points one by one (ZWNJ, ZWJ, combining marks
// included on purpose), so the rule's warning about joined sequences does not apply.
// eslint-disable-next-line no-misleading-character-class
const XML_NAME = new RegExp(`^[${NAME_START}][${NAME_CHAR}]*$`, 'u');
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function isXmlElementName(key: string): boolean {
  return XML_NAME.test(key);
}

// fast-xml-parser's ordered form: each node is {name: children[], ':@'?: {'@_attr': value}}.
type XmlNode = Record<string, unknown>;

const builder = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: true,
  format: false,
});

export function encodeXml(value: unknown): string {
  return XML_DECLARATION + builder.build([{ [XML_ROOT]: childrenOf(value) }]);
}

function childrenOf(value: unknown): XmlNode[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.map((child) => element('item', childrenOf(child)));
  if (typeof value === 'object') return Object.entries(value).flatMap(([key, child]) => elementsFor(key, child));
  const scalar = value as string | number | boolean | bigint; // not a container: a scalar
  return [{ '#text': xmlSafe(String(scalar)) }];
}

/** The element(s) one key produces: one per item of a non-empty array, one otherwise. */
function elementsFor(key: string, value: unknown): XmlNode[] {
  if (Array.isArray(value) && value.length > 0) {
    return value.map((item) => element(key, childrenOf(item)));
  }
  return [element(key, childrenOf(value))];
}

function element(key: string, children: XmlNode[]): XmlNode {
  if (isXmlElementName(key)) return { [key]: children };
  return { item: children, ':@': { '@_key': xmlSafe(key) } };
}

function xmlSafe(text: string): string {
  return text.replace(NOT_XML_CHAR, '\uFFFD');
}
