import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one process (API or worker); each exposes its own registry. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    eventsIngested: new Counter({ name: 'herald_events_ingested_total', help: 'Events accepted by the ingest API', registers: [registry] }),
    deliveriesStarted: new Counter({ name: 'herald_deliveries_started_total', help: 'Delivery workflows started', registers: [registry] }),
    attempts: new Counter({ name: 'herald_attempts_total', help: 'Delivery attempts by outcome', labelNames: ['outcome'], registers: [registry] }),
    attemptDuration: new Histogram({
      name: 'herald_attempt_duration_seconds',
      help: 'Duration of delivery attempts',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
