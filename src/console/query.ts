// Query strings and request bodies built from what a person typed: pure, so unit tests enumerate them.
import { DELIVERY_STATUSES, RECOVERABLE_STATUSES, type DeliveryStatus, type RecoverableStatus } from './types';

/** The delivery list's filters, as the URL of the Deliveries screen keeps them. */
export interface DeliveryFilters {
  webhookId?: string;
  /** Not a filter of the Deliveries screen: the Events screen's fallback on a Herald without GET /events/{id}. */
  eventId?: string;
  status?: DeliveryStatus;
  eventType?: string;
  /** ISO date-times. */
  since?: string;
  until?: string;
}

const FILTER_NAMES = ['webhookId', 'status', 'eventType', 'since', 'until'] as const;

/** `?name=value&…` of the given values, skipping the empty ones; '' when none is left. */
export function queryString(params: Record<string, string | number | undefined | null>): string {
  const pairs = Object.entries(params).filter((pair): pair is [string, string | number] => pair[1] !== undefined && pair[1] !== null && pair[1] !== '');
  return pairs.length ? `?${new URLSearchParams(pairs.map(([name, value]): [string, string] => [name, String(value)])).toString()}` : '';
}

/** Filters read back from URL parameters; an unknown status or a date that does not parse is left out. */
export function filtersFromParams(params: URLSearchParams): DeliveryFilters {
  const filters: DeliveryFilters = {};
  const text = (name: string) => params.get(name)?.trim() || undefined;
  const webhookId = text('webhookId');
  if (webhookId) filters.webhookId = webhookId;
  const status = text('status');
  if (status && (DELIVERY_STATUSES as readonly string[]).includes(status)) filters.status = status as DeliveryStatus;
  const eventType = text('eventType');
  if (eventType) filters.eventType = eventType;
  for (const name of ['since', 'until'] as const) {
    const value = text(name);
    if (value && !Number.isNaN(Date.parse(value))) filters[name] = new Date(value).toISOString();
  }
  return filters;
}

/** The filters as URL parameters (for the screen's address, and for GET /deliveries). */
export function filterParams(filters: DeliveryFilters): Record<string, string | undefined> {
  return Object.fromEntries(FILTER_NAMES.map((name) => [name, filters[name]]));
}

/** The query of GET /v1/workspaces/{ws}/deliveries for one page of the filtered list. */
export function deliveryListQuery(filters: DeliveryFilters, cursor?: string, limit = 50): string {
  return queryString({ ...filterParams(filters), eventId: filters.eventId, limit, cursor });
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An ISO date-time as an `<input type="datetime-local">` shows it, in the browser's time zone. */
export function isoToLocalInput(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** What an `<input type="datetime-local">` holds (local time) as an ISO date-time; undefined when empty or not a time. */
export function localInputToIso(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value.trim())) return undefined;
  const date = new Date(value.trim());
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export interface RecoverInput {
  /** `datetime-local` values. */
  since: string;
  until: string;
  statuses: string[];
}

export interface RecoverBody {
  since: string;
  until?: string;
  statuses: RecoverableStatus[];
}

/** A refusal that names the field to fix, as the API's 400s do. */
export interface Invalid {
  field: string;
  message: string;
}

/** The body of POST …/webhooks/{id}/recover, or what is wrong with the form. */
export function recoverBody(input: RecoverInput): { body: RecoverBody } | { invalid: Invalid } {
  const since = localInputToIso(input.since);
  if (!since) return { invalid: { field: 'since', message: 'From: give a date and time' } };
  const until = input.until.trim() ? localInputToIso(input.until) : undefined;
  if (input.until.trim() && !until) return { invalid: { field: 'until', message: 'To: give a date and time, or leave it empty for now' } };
  if (until && Date.parse(until) <= Date.parse(since)) return { invalid: { field: 'until', message: 'To must be later than From' } };
  const statuses = RECOVERABLE_STATUSES.filter((status) => input.statuses.includes(status));
  if (statuses.length === 0) return { invalid: { field: 'statuses', message: 'Choose at least one status to resend' } };
  return { body: { since, ...(until ? { until } : {}), statuses } };
}
