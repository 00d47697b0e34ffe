// The OpenAPI document is valid OpenAPI 3, documents exactly the REST routes listed here by hand,
// and the docs UI answers.
import SwaggerParser from '@apidevtools/swagger-parser';
import { startListeningApi, type ListeningApiStack } from '../support/stack';

jest.setTimeout(120_000);

// Every route of the REST API, written out by hand from src/api/routes/*.ts (under /v1, in
// OpenAPI's `{param}` form). The document must list exactly these: none missing, none extra.
const EXPECTED_ROUTES: string[] = [
  'POST /v1/workspaces',
  'GET /v1/workspaces',
  'PATCH /v1/workspaces/{ws}',
  'POST /v1/workspaces/{ws}/api-keys',
  'GET /v1/workspaces/{ws}/api-keys',
  'DELETE /v1/workspaces/{ws}/api-keys/{id}',
  'GET /v1/workspaces/{ws}/webhook-events',
  'POST /v1/workspaces/{ws}/webhook-events',
  'POST /v1/workspaces/{ws}/webhooks',
  'GET /v1/workspaces/{ws}/webhooks',
  'GET /v1/workspaces/{ws}/webhooks/{id}',
  'PATCH /v1/workspaces/{ws}/webhooks/{id}',
  'DELETE /v1/workspaces/{ws}/webhooks/{id}',
  'POST /v1/workspaces/{ws}/webhooks/{id}/test',
  'POST /v1/workspaces/{ws}/webhooks/{id}/activate',
  'POST /v1/workspaces/{ws}/webhooks/{id}/deactivate',
  'POST /v1/workspaces/{ws}/webhooks/{id}/rotate-secret',
  'POST /v1/workspaces/{ws}/rotate-notification-secret',
  'POST /v1/workspaces/{ws}/events',
  'GET /v1/workspaces/{ws}/events/{id}',
  'GET /v1/workspaces/{ws}/deliveries',
  'GET /v1/workspaces/{ws}/deliveries/{id}',
  'POST /v1/workspaces/{ws}/deliveries/{id}/retry',
  'POST /v1/workspaces/{ws}/deliveries/{id}/cancel',
  'GET /v1/workspaces/{ws}/notifications',
  'POST /v1/workspaces/{ws}/webhooks/{id}/recover',
  'GET /v1/workspaces/{ws}/webhooks/{id}/recoveries',
  'GET /v1/workspaces/{ws}/recoveries/{id}',
  'GET /v1/workspaces/{ws}/webhooks/{id}/stats',
  'POST /v1/workspaces/{ws}/portal-links',
  'DELETE /v1/workspaces/{ws}/portal-links/{id}',
  'GET /v1/session',
];
// Served but hidden from the document: operations endpoints (src/api/routes/operations.ts) and
// pages for people (src/api/routes/activationLinks.ts, console.ts).
const HIDDEN_ROUTES = [
  'GET /healthz',
  'GET /readyz',
  'GET /metrics',
  'GET /openapi.json',
  'GET /assets/herald.css',
  'GET /reactivate/:token',
  'POST /reactivate/:token',
  'GET /reactivate/:token/result',
  'GET /console',
  'GET /console/',
  'GET /console/app.js',
  'GET /console/app.css',
  'GET /console/favicon.svg',
];

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

type OpenApiDoc = { openapi: string; paths: Record<string, Record<string, { responses?: Record<string, unknown> }>> };

let stack: ListeningApiStack;
let doc: OpenApiDoc;

beforeAll(async () => {
  stack = await startListeningApi();
  const response = await fetch(`${stack.baseUrl}/openapi.json`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  doc = (await response.json()) as OpenApiDoc;
});
afterAll(async () => {
  await stack?.stop();
});

/** "METHOD /path" for every operation in the document. */
const documentedRoutes = (): string[] =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((key) => HTTP_METHODS.includes(key))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
const operation = (route: string) => {
  const [method, path] = route.split(' ') as [string, string];
  return doc.paths[path][method.toLowerCase()];
};

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3 document', async () => {
    expect(doc.openapi).toMatch(/^3\./);
    // The parser dereferences in place; validate a copy so `doc` stays as served.
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
  });

  it('documents exactly the routes of the API: none missing, none unexpected', () => {
    const documented = documentedRoutes();
    const missing = EXPECTED_ROUTES.filter((route) => !documented.includes(route));
    const unexpected = documented.filter((route) => !EXPECTED_ROUTES.includes(route));
    expect({ missing, unexpected }).toEqual({ missing: [], unexpected: [] });
    expect(documented).toHaveLength(EXPECTED_ROUTES.length);
  });

  it('leaves the operations endpoints and the console out of the document, though the app serves them', () => {
    const documented = documentedRoutes();
    for (const route of HIDDEN_ROUTES) {
      const [method, url] = route.split(' ') as [string, string];
      expect({ route, served: stack.app.hasRoute({ method: method, url }), documented: documented.includes(route) }).toEqual({
        route,
        served: true,
        documented: false,
      });
    }
  });

  it('gives every route its success and error responses', () => {
    for (const route of EXPECTED_ROUTES) {
      const responses = Object.keys(operation(route).responses ?? {});
      expect({ route, success: responses.some((code) => /^2\d\d$/.test(code)), errors: responses.includes('401') }).toEqual({
        route,
        success: true,
        errors: true,
      });
    }
  });

  it('shows that a notification may carry a one-click activation link beside the REST path', () => {
    const text = JSON.stringify(operation('GET /v1/workspaces/{ws}/notifications').responses!['200']);
    expect(text).toContain('"activationPath"');
    expect(text).toContain('"activationUrl"');
  });

  it('describes write-only secrets as such: no password in any response schema', () => {
    const webhook = operation('GET /v1/workspaces/{ws}/webhooks/{id}').responses!['200'];
    const text = JSON.stringify(webhook);
    expect(text).toContain('hasSecret');
    expect(text).not.toContain('password');
    // Custom headers are shown by name only.
    expect(text).toContain('headerNames');
    expect(text).not.toMatch(/"headers":\{"type":"object"/);
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
