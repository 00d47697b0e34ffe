// The webhook form's values and the bodies of POST and PATCH /webhooks built from them: pure, so
// unit tests pin what is sent. Herald validates again and its 400s name the field.
import type { Invalid } from './query';
import { CONTENT_TYPES, HTTP_METHODS, RETRY_PRESETS, type Webhook } from './types';
import { presetOf } from './format';

export interface WebhookForm {
  name: string;
  url: string;
  /** Event names separated by commas or spaces; `*` for every event. */
  events: string;
  app: string;
  method: string;
  contentType: string;
  preset: string;
  /** Empty: the preset's timeout. */
  timeoutMs: string;
  /** On create: have Herald generate a signing secret (shown once). */
  generateSecret: boolean;
}

export const EMPTY_FORM: WebhookForm = {
  name: '',
  url: '',
  events: '',
  app: '',
  method: 'POST',
  contentType: 'json',
  preset: 'fixed',
  timeoutMs: '',
  generateSecret: true,
};

export function formOf(webhook: Webhook): WebhookForm {
  return {
    name: webhook.name,
    url: webhook.url,
    events: webhook.events.join(', '),
    app: webhook.app ?? '',
    method: webhook.method,
    contentType: webhook.contentType,
    preset: presetOf(webhook),
    timeoutMs: String(webhook.timeoutMs),
    generateSecret: false,
  };
}

/** The event names of the form, trimmed, without repeats, in the order given. */
export function eventList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

type Checked = { fields: Record<string, unknown> } | { invalid: Invalid };

function checked(form: WebhookForm): Checked {
  const name = form.name.trim();
  if (!name) return { invalid: { field: 'name', message: 'Name: give the webhook a name' } };
  const url = form.url.trim();
  if (!/^https?:\/\/\S+$/i.test(url)) return { invalid: { field: 'url', message: 'URL: give an http:// or https:// address' } };
  const events = eventList(form.events);
  if (events.length === 0) return { invalid: { field: 'events', message: 'Events: name at least one event type, or * for all' } };
  if (!(HTTP_METHODS as readonly string[]).includes(form.method)) return { invalid: { field: 'method', message: 'Method: POST or PUT' } };
  if (!(CONTENT_TYPES as readonly string[]).includes(form.contentType)) return { invalid: { field: 'contentType', message: 'Body format: json, form or xml' } };
  if (!(RETRY_PRESETS as readonly string[]).includes(form.preset))
    return { invalid: { field: 'preset', message: 'Retry policy: fixed, progressive or max-attempts' } };
  const timeout = form.timeoutMs.trim();
  if (timeout && !/^\d+$/.test(timeout)) return { invalid: { field: 'timeoutMs', message: 'Timeout: a whole number of milliseconds, or empty' } };
  return {
    fields: {
      name,
      url,
      events,
      app: form.app.trim(),
      method: form.method,
      contentType: form.contentType,
      preset: form.preset,
      timeoutMs: timeout ? Number(timeout) : undefined,
    },
  };
}

/** The body of POST /webhooks. */
export function createBody(form: WebhookForm): { body: Record<string, unknown> } | { invalid: Invalid } {
  const result = checked(form);
  if ('invalid' in result) return result;
  const { name, url, events, app, method, contentType, preset, timeoutMs } = result.fields;
  return {
    body: {
      name,
      url,
      events,
      ...(app ? { app } : {}),
      method,
      contentType,
      retryPolicy: { preset },
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(form.generateSecret ? { secret: true } : {}),
    },
  };
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((item, i) => item === b[i]);

/** The body of PATCH /webhooks/{id}: only what changed; an emptied app or timeout is cleared (null: the preset's timeout). */
export function patchBody(form: WebhookForm, original: Webhook): { body: Record<string, unknown> } | { invalid: Invalid } {
  const result = checked(form);
  if ('invalid' in result) return result;
  const fields = result.fields as {
    name: string;
    url: string;
    events: string[];
    app: string;
    method: string;
    contentType: string;
    preset: string;
    timeoutMs?: number;
  };
  const body: Record<string, unknown> = {};
  if (fields.name !== original.name) body.name = fields.name;
  if (fields.url !== original.url) body.url = fields.url;
  if (!sameList(fields.events, original.events)) body.events = fields.events;
  if (fields.app !== (original.app ?? '')) body.app = fields.app || null;
  if (fields.method !== original.method) body.method = fields.method;
  if (fields.contentType !== original.contentType) body.contentType = fields.contentType;
  if (fields.preset !== presetOf(original)) body.retryPolicy = { preset: fields.preset };
  if (fields.timeoutMs === undefined) body.timeoutMs = null;
  else if (fields.timeoutMs !== original.timeoutMs) body.timeoutMs = fields.timeoutMs;
  return { body };
}
