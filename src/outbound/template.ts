// Payload templates with `{tag}` placeholders, e.g.
//   {"ticket_ref": "{ticket_ref}", "model": "{data.model}"}
// The template is JSON text; tags sit inside its strings and are filled from the event.
import type { EventRecord } from '../core/domain';

/** A template that is not (or does not render to) a JSON object. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

/**
 * `{` + name + `}` where the name is letters, digits, `_`, `.` or `-`. JSON's own braces are
 * always followed by a quote, whitespace or `}`, so they never look like a tag.
 */
const TAG = /\{([A-Za-z0-9_.-]+)\}/g;

/** The rendered template: its JSON text (sent as-is for JSON bodies) and the parsed value. */
export interface RenderedTemplate {
  json: string;
  value: Record<string, unknown>;
}

/**
 * Checked when a webhook is created or updated: with every tag blanked out the template must
 * parse as a JSON object. That forces tags to sit inside JSON strings, which is what makes every
 * rendering valid JSON whatever the event holds.
 */
export function validateTemplate(template: string): void {
  parseObject(template.replace(TAG, ''), 'payloadTemplate');
}

export function renderTemplate(template: string, event: EventRecord): RenderedTemplate {
  const root = templateRoot(event);
  const json = template.replace(TAG, (_match, tag: string) => escapeForJsonString(formatValue(lookupTag(root, tag))));
  return { json, value: parseObject(json, 'rendered payloadTemplate') };
}

/** What tags can reach: the envelope's fields plus `type` and `app`. */
function templateRoot(event: EventRecord): Record<string, unknown> {
  return {
    id: event.id,
    type: event.type,
    family: event.family,
    action: event.type,
    app: event.app,
    timestamp: event.receivedAt,
    data: JSON.parse(event.data) as unknown,
  };
}

/**
 * A dotted tag is a path from the root (`{data.model}`, `{data.items.0.sku}`). A bare tag is
 * looked up in `data` first, as tags usually name the event's own fields
 * (`{ticket_ref}`), then among the root fields (`{id}`, `{type}`).
 */
export function lookupTag(root: Record<string, unknown>, tag: string): unknown {
  if (tag.includes('.')) {
    return tag.split('.').reduce<unknown>((node, key) => ownProperty(node, key), root);
  }
  const fromData = ownProperty(root.data, tag);
  return fromData !== undefined ? fromData : ownProperty(root, tag);
}

// Own properties only, so `{constructor}` or `{data.__proto__}` render empty, not internals.
function ownProperty(node: unknown, key: string): unknown {
  if (node === null || typeof node !== 'object') return undefined;
  return Object.prototype.hasOwnProperty.call(node, key) ? (node as Record<string, unknown>)[key] : undefined;
}

/** Missing and null render empty; objects and arrays render as their JSON text. */
function formatValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  const scalar = value as string | number | boolean | bigint; // what JSON leaves: scalars only
  return String(scalar);
}

/** JSON string escaping without the surrounding quotes: the template supplies those. */
function escapeForJsonString(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

function parseObject(json: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new TemplateError(`${what} is not valid JSON: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TemplateError(`${what} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}
