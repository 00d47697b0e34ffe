// Checks of webhook input that a JSON schema cannot express, each answering 400 naming the field.
import type { Static } from '@sinclair/typebox';
import {
  checkTargetUrl,
  type TargetAccess,
  isReservedHeader,
  normalizeSecret,
  generateSecret,
  SecretError,
  TemplateError,
  validateTemplate,
} from '../outbound';
import { validatePolicy } from '../policy/schema';
import type { Store } from '../store';
import type { WorkspaceDoc } from '../store/workspaces';
import { invalidInput } from '../core/errors';
import type { CreateWebhookBody, UpdateWebhookBody } from '../api/schemas/webhook';

type Input = Static<typeof CreateWebhookBody> | Static<typeof UpdateWebhookBody>;

export async function checkWebhookInput(store: Store, workspace: WorkspaceDoc, input: Input, access: TargetAccess): Promise<void> {
  if (input.url !== undefined) {
    const verdict = await checkTargetUrl(input.url, { ...access, requireHttps: workspace.settings.requireHttps });
    if (!verdict.ok) throw invalidInput(`body.url ${verdict.reason}`, ['body.url']);
  }
  if (input.events !== undefined) {
    const named = input.events.filter((name) => name !== '*');
    const known = await store.eventTypes.existing(workspace._id, named);
    const unknown = named.filter((name) => !known.has(name));
    if (unknown.length) {
      throw invalidInput(`body.events contains unknown event types: ${unknown.join(', ')} (register them at /webhook-events)`, ['body.events']);
    }
  }
  for (const name of Object.keys(input.headers ?? {})) {
    if (isReservedHeader(name)) throw invalidInput(`body.headers.${name} is set by Herald and cannot be overridden`, [`body.headers.${name}`]);
  }
  if (typeof input.secret === 'string') {
    try {
      normalizeSecret(input.secret);
    } catch (error) {
      if (error instanceof SecretError) throw invalidInput(`body.secret is invalid: ${error.message}`, ['body.secret']);
      throw error;
    }
  }
  if (typeof input.payloadTemplate === 'string') {
    try {
      validateTemplate(input.payloadTemplate);
    } catch (error) {
      if (error instanceof TemplateError) throw invalidInput(`body.${error.message}`, ['body.payloadTemplate']);
      throw error;
    }
  }
  if (input.retryPolicy !== undefined) {
    const violations = validatePolicy(input.retryPolicy);
    if (violations.length) {
      throw invalidInput(
        violations.map((v) => `body.${v.message}`).join('; '),
        violations.map((v) => `body.${v.field}`),
      );
    }
  }
}

/** `true` generates a whsec_ secret (shown once); a given secret is normalised to whsec_ form. */
export function resolveSecret(secret: true | string): { stored: string; reveal?: string } {
  if (secret === true) {
    const generated = generateSecret();
    return { stored: generated, reveal: generated };
  }
  return { stored: normalizeSecret(secret) };
}
