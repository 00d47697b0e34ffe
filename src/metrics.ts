import http from 'node:http';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Metrics of the API process. Counters only: a scrape reads no database (counting deliveries by
 * status at scrape time would scan the largest collection every 15 s).
 */
export function createApiMetrics(alongside: Registry[] = []) {
  const own = new Registry();
  collectDefaultMetrics({ register: own, prefix: 'herald_api_' });
  const eventsIngested = new Counter({ name: 'herald_events_ingested_total', help: 'Events accepted by the ingest API', registers: [own] });
  const eventStarts = new Counter({
    name: 'herald_event_workflow_starts_total',
    help: "Event workflows started by the ingest API: eager (first task handed to this process's worker with the start), started (through the task queue), existed",
    labelNames: ['start'],
    registers: [own],
  });
  // A worker inside the API process reports at the API's /metrics, beside the API's own.
  const registry = alongside.length > 0 ? Registry.merge([own, ...alongside]) : own;
  return { registry, eventsIngested, eventStarts };
}

/** Metrics of a worker process: every attempt, by outcome, and how long it took. */
export function createWorkerMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'herald_worker_' });
  return {
    registry,
    attempts: new Counter({ name: 'herald_attempts_total', help: 'Delivery attempts by outcome', labelNames: ['outcome'], registers: [registry] }),
    deliveriesEnded: new Counter({
      name: 'herald_deliveries_ended_total',
      help: 'Deliveries that reached an end state (succeeded, failed, expired, cancelled) or were buffered, by status',
      labelNames: ['status'],
      registers: [registry],
    }),
    attemptDuration: new Histogram({
      name: 'herald_attempt_duration_seconds',
      help: 'Duration of delivery attempts, up to the response headers',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
      registers: [registry],
    }),
  };
}

export type ApiMetrics = ReturnType<typeof createApiMetrics>;
export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;

/** Serves a registry at /metrics on its own port (the worker has no HTTP API of its own). */
export async function serveMetrics(registry: Registry, port: number, host: string): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return server;
}
