// The run's chart as one SVG, drawn with Vega-Lite (compiled to Vega, rendered headless in Node):
// deliveries per second in 1 s buckets for every Herald phase, and the ingest-to-receipt latency
// CDF of each phase on a log scale. Vega and Vega-Lite are ESM only, hence import().
import type { HeraldPhaseResult } from './herald';

export async function renderChart(phases: HeraldPhaseResult[], title: string): Promise<string> {
  const vega = await import('vega');
  const vegaLite = await import('vega-lite');

  const throughput = phases.flatMap((phase) => phase.perSecond.map((deliveries, second) => ({ phase: phase.label, second, deliveries })));
  const latency = phases.flatMap((phase) =>
    phase.latencyCdf.filter((point) => point.ms > 0).map((point) => ({ phase: phase.label, ms: point.ms, fraction: point.fraction })),
  );
  const color = { field: 'phase', type: 'nominal' as const, legend: { orient: 'bottom' as const, columns: 2, labelLimit: 400 } };

  const spec: Parameters<typeof vegaLite.compile>[0] = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, anchor: 'start' },
    background: 'white',
    padding: 16,
    vconcat: [
      {
        title: 'Deliveries per second (1 s buckets from the first ingest)',
        width: 760,
        height: 260,
        data: { values: throughput },
        mark: { type: 'line', point: { size: 12 }, interpolate: 'step-after' },
        encoding: {
          x: { field: 'second', type: 'quantitative', title: 'seconds since the first ingest (bucket start)', scale: { zero: true } },
          y: { field: 'deliveries', type: 'quantitative', title: 'deliveries received / s' },
          color,
        },
      },
      {
        title: 'Ingest-to-receipt latency, cumulative distribution',
        width: 760,
        height: 260,
        data: { values: latency },
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: {
          x: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'latency (ms, log scale)' },
          y: { field: 'fraction', type: 'quantitative', title: 'fraction of deliveries', scale: { domain: [0, 1] } },
          color,
        },
      },
    ],
    resolve: { scale: { color: 'shared' } },
  };
  const compiled = vegaLite.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
