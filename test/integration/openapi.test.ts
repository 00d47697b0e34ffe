// The OpenAPI document is valid OpenAPI 3, documents every REST route of SPEC section 3 the app
// serves, and the docs UI answers.
import SwaggerParser from '@apidevtools/swagger-parser';
import { startHerald, type HeraldStack } from '../support/stack';

jest.setTimeout(120_000);

// SPEC section 3, under /v1, in Fastify's `:param` form.
const SPEC_ROUTES: Array<[method: string, url: string]> = [
  ['POST', '/workspaces'],
  ['PATCH', '/workspaces/:ws'],
  ['POST', '/workspaces/:ws/api-keys'],
  ['GET', '/workspaces/:ws/webhook-events'],
  ['POST', '/workspaces/:ws/webhook-events'],
  ['POST', '/workspaces/:ws/webhooks'],
  ['GET', '/workspaces/:ws/webhooks'],
  ['GET', '/workspaces/:ws/webhooks/:id'],
  ['PATCH', '/workspaces/:ws/webhooks/:id'],
  ['DELETE', '/workspaces/:ws/webhooks/:id'],
  ['POST', '/workspaces/:ws/webhooks/:id/test'],
  ['POST', '/workspaces/:ws/webhooks/:id/activate'],
  ['POST', '/workspaces/:ws/webhooks/:id/deactivate'],
  ['POST', '/workspaces/:ws/events'],
  ['GET', '/workspaces/:ws/deliveries'],
  ['GET', '/workspaces/:ws/deliveries/:id'],
  ['POST', '/workspaces/:ws/deliveries/:id/retry'],
  ['POST', '/workspaces/:ws/deliveries/:id/cancel'],
  ['GET', '/workspaces/:ws/notifications'],
];
// The foundation serves these whatever else is still being built.
const CORE = SPEC_ROUTES.filter(([, url]) => !/\/(test|activate|deactivate|notifications)$/.test(url));

type OpenApiDoc = { openapi: string; paths: Record<string, Record<string, { responses?: Record<string, unknown> }>> };

let stack: HeraldStack;
let doc: OpenApiDoc;

beforeAll(async () => {
  stack = await startHerald();
  const response = await fetch(`${stack.baseUrl}/openapi.json`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  doc = (await response.json()) as OpenApiDoc;
});
afterAll(async () => {
  await stack?.stop();
});

const openApiPath = (url: string) => `/v1${url.replace(/:(\w+)/g, '{$1}')}`;

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3 document', async () => {
    expect(doc.openapi).toMatch(/^3\./);
    // The parser dereferences in place; validate a copy so `doc` stays as served.
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
  });

  it('documents every SPEC route the app serves, with its success and error responses', () => {
    const served = SPEC_ROUTES.filter(([method, url]) => stack.app.hasRoute({ method: method as 'GET', url: `/v1${url}` }));
    expect(served).toEqual(expect.arrayContaining(CORE));
    const documented = served.filter(([method, url]) => doc.paths[openApiPath(url)]?.[method.toLowerCase()] !== undefined);
    expect(documented).toEqual(served);
    for (const [method, url] of served) {
      const responses = Object.keys(doc.paths[openApiPath(url)]![method.toLowerCase()]!.responses ?? {});
      expect({ route: `${method} ${url}`, success: responses.some((code) => /^2\d\d$/.test(code)), errors: responses.includes('401') }).toEqual({ route: `${method} ${url}`, success: true, errors: true });
    }
  });

  it('describes write-only secrets as such: no password in any response schema', () => {
    const webhook = doc.paths[openApiPath('/workspaces/:ws/webhooks/:id')]!.get!.responses!['200'];
    const text = JSON.stringify(webhook);
    expect(text).toContain('hasSecret');
    expect(text).not.toContain('password');
  });
});

describe('GET /docs', () => {
  it('answers an HTML page (after any redirect)', async () => {
    const response = await fetch(`${stack.baseUrl}/docs`, { redirect: 'follow' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toMatch(/<html/i);
    expect(html).toMatch(/swagger/i);
  });
});
