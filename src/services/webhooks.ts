// Creating, changing and deleting a webhook: the checks a JSON schema cannot express (each refusal
// names the field), the defaults, and what a change of `active` or a deletion sets in motion.
import { notFoundError, invalidInput } from '../core/errors';
import { checkTargetUrl, isReservedHeader, TemplateError, validateTemplate } from '../outbound';
import { generateSigningKeyPair } from '../outbound/asymmetricSigning';
import { DEFAULT_PRESET } from '../policy/presets';
import { policyRuleViolations } from '../policy/validation';
import type { Store } from '../store';
import type { NewWebhook, WebhookChanges, WebhookDoc } from '../store/webhooks';
import type { WorkspaceDoc } from '../store/workspaces';
import { endHealth, requestActivation, requestDeactivation } from '../temporal/endpointHealth';
import { targetAccess, type AppDeps } from './deps';
import type { BasicAuth, ContentType, HttpMethod } from '../core/domain';
import type { RetryPolicyInput } from '../policy/types';
import type { WebhookDeactivation } from '../store/types';
import { cancelLiveDeliveries } from './deliveryControl';
import { resolveSecret } from './secrets';

/** A webhook as a client creates it; the API's schema has checked its shape. */
export interface WebhookInput {
  name: string;
  url: string;
  events: string[];
  app?: string;
  method?: HttpMethod;
  contentType?: ContentType;
  active?: boolean;
  /** `true`: Herald generates one, shown once. */
  secret?: true | string;
  auth?: BasicAuth;
  headers?: Record<string, string>;
  payloadTemplate?: string;
  retryPolicy?: RetryPolicyInput;
  successCodes?: number[];
  timeoutMs?: number;
  deactivation?: WebhookDeactivation;
  asymmetric?: boolean;
}

/** The fields a change may clear with `null`. */
type Clearable = 'app' | 'secret' | 'auth' | 'headers' | 'payloadTemplate' | 'successCodes' | 'timeoutMs' | 'deactivation';

/** A change to a webhook: any field, `null` clearing an optional one. */
export type WebhookPatch = { [K in Exclude<keyof WebhookInput, Clearable>]?: WebhookInput[K] } & { [K in Clearable]?: WebhookInput[K] | null };

export async function findWebhook(store: Store, ws: string, id: string): Promise<WebhookDoc> {
  const webhook = await store.webhooks.get(ws, id);
  if (!webhook) throw notFoundError('webhook');
  return webhook;
}

/**
 * The checks of webhook input that a JSON schema cannot express, in the order a client learns of
 * them. The input's shape, the retry policy's included, was validated against the schema already.
 */
async function checkInput(deps: AppDeps, workspace: WorkspaceDoc, input: WebhookInput | WebhookPatch): Promise<void> {
  if (input.url !== undefined) {
    const verdict = await checkTargetUrl(input.url, { ...targetAccess(deps), requireHttps: workspace.settings.requireHttps });
    if (!verdict.ok) throw invalidInput(`body.url ${verdict.reason}`, ['body.url']);
  }
  if (input.events !== undefined) {
    const named = input.events.filter((name) => name !== '*');
    const known = await deps.store.eventTypes.existing(workspace._id, named);
    const unknown = named.filter((name) => !known.has(name));
    if (unknown.length) {
      throw invalidInput(`body.events contains unknown event types: ${unknown.join(', ')} (register them at /webhook-events)`, ['body.events']);
    }
  }
  for (const name of Object.keys(input.headers ?? {})) {
    if (isReservedHeader(name)) throw invalidInput(`body.headers.${name} is set by Herald and cannot be overridden`, [`body.headers.${name}`]);
  }
  if (typeof input.secret === 'string') resolveSecret(input.secret, 'body.secret');
  if (typeof input.payloadTemplate === 'string') {
    try {
      validateTemplate(input.payloadTemplate);
    } catch (error) {
      if (error instanceof TemplateError) throw invalidInput(`body.${error.message}`, ['body.payloadTemplate']);
      throw error;
    }
  }
  if (input.retryPolicy !== undefined) {
    const violations = policyRuleViolations(input.retryPolicy);
    if (violations.length) {
      throw invalidInput(
        violations.map((v) => `body.${v.message}`).join('; '),
        violations.map((v) => `body.${v.field}`),
      );
    }
  }
}

const headerPairs = (headers: Record<string, string>) => Object.entries(headers).map(([name, value]) => ({ name, value }));

/** The webhook a create request describes, with its defaults; `reveal` is a generated secret, shown once. */
export async function prepareWebhook(deps: AppDeps, workspace: WorkspaceDoc, body: WebhookInput): Promise<{ input: NewWebhook; reveal: string | undefined }> {
  await checkInput(deps, workspace, body);
  const secret = body.secret !== undefined ? resolveSecret(body.secret, 'body.secret') : undefined;
  const input: NewWebhook = {
    name: body.name,
    url: body.url,
    events: body.events,
    method: body.method ?? 'POST',
    contentType: body.contentType ?? 'json',
    active: body.active ?? true,
    retryPolicy: body.retryPolicy ?? { preset: DEFAULT_PRESET },
  };
  if (body.app !== undefined) input.app = body.app;
  if (secret) input.secret = secret.stored;
  if (body.auth) input.auth = body.auth;
  if (body.headers) input.headers = headerPairs(body.headers);
  if (body.payloadTemplate !== undefined) input.payloadTemplate = body.payloadTemplate;
  if (body.successCodes) input.successCodes = body.successCodes;
  if (body.timeoutMs !== undefined) input.timeoutMs = body.timeoutMs;
  if (body.deactivation) input.deactivation = body.deactivation;
  if (body.asymmetric) input.signingKey = generateSigningKeyPair();
  return { input, reveal: secret?.reveal };
}

/** A PATCH: `null` clears an optional field; `reveal` is a generated secret, shown once. */
export async function updateWebhook(
  deps: AppDeps,
  workspace: WorkspaceDoc,
  id: string,
  patch: WebhookPatch,
): Promise<{ doc: WebhookDoc; reveal: string | undefined }> {
  const { store, temporal } = deps;
  const ws = workspace._id;
  const current = await findWebhook(store, ws, id);
  await checkInput(deps, workspace, patch);

  const changes: WebhookChanges = {};
  const unset: string[] = [];
  let reveal: string | undefined;
  const { active, asymmetric, ...fields } = patch;
  // An existing key pair is kept: its public key may already be with the receiver.
  if (asymmetric === true && !current.signingKey) changes.signingKey = generateSigningKeyPair();
  if (asymmetric === false) unset.push('signingKey');
  for (const [key, value] of Object.entries(fields)) {
    if (value === null) {
      unset.push(key);
    } else if (key === 'secret') {
      const secret = resolveSecret(value as true | string, 'body.secret');
      changes.secret = secret.stored;
      reveal = secret.reveal;
    } else if (key === 'headers') {
      changes.headers = headerPairs(value as Record<string, string>);
    } else {
      (changes as Record<string, unknown>)[key] = value;
    }
  }
  let doc = await store.webhooks.update(ws, id, changes, unset);
  if (!doc) throw notFoundError('webhook');
  // `active` is the health workflow's to change: switching on here is /activate with a replay
  // of the buffer (nothing kept is lost), switching off is /deactivate.
  if (active === true) await requestActivation(temporal, doc, { replayEvents: true });
  if (active === false) await requestDeactivation(temporal, doc, 'deactivated by update');
  if (active !== undefined) doc = (await store.webhooks.get(ws, id)) ?? doc;
  return { doc, reveal };
}

/** Deletes the webhook, ends its health workflow and cancels its pending deliveries. */
export async function deleteWebhook(deps: AppDeps, ws: string, id: string): Promise<void> {
  if (!(await deps.store.webhooks.delete(ws, id))) throw notFoundError('webhook');
  await endHealth(deps.temporal, ws, id);
  await cancelLiveDeliveries(deps, ws, id);
}
