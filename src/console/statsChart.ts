// A webhook's success rate and latency over the last hour or day: the numbers in words, a uPlot
// chart of its buckets, and the same buckets as a table for those who do not see the chart.
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { ApiError } from './api';
import { chartColumns, formatDuration, formatPercent, formatTime } from './format';
import { useConsole, useLoad } from './hooks';
import type { Stats, StatsWindow } from './types';
import { ErrorText } from './ui';

const WINDOWS: Array<{ value: StatsWindow; label: string }> = [
  { value: 'hour', label: 'Last hour' },
  { value: 'day', label: 'Last day' },
];

export function WebhookStats({ id }: { id: string }) {
  const { api, ws } = useConsole();
  const [span, setSpan] = useState<StatsWindow>('hour');
  // 404: no stats for this webhook (or a Herald without them): "no data", not an error.
  const stats = useLoad(
    () =>
      api.stats(ws, id, span).catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }),
    [ws, id, span],
  );
  const data = stats.data;
  return html`<section class="card" aria-labelledby="stats-title">
    <div class="heading-row">
      <h3 id="stats-title">Success rate and latency</h3>
      <div class="toggle" role="group" aria-label="Time window">
        ${WINDOWS.map(
          (option) =>
            html`<button type="button" key=${option.value} aria-pressed=${span === option.value} onClick=${() => setSpan(option.value)}>
              ${option.label}
            </button>`,
        )}
      </div>
    </div>
    ${stats.error ? html`<${ErrorText} error=${stats.error} />` : null}
    ${
      data === undefined
        ? stats.error
          ? null
          : html`<p aria-busy="true">Loading…</p>`
        : data === null || data.total === 0
          ? html`<p class="no-data">No data for this window.</p>`
          : html`<${StatsView} stats=${data} />`
    }
  </section>`;
}

function StatsView({ stats }: { stats: Stats }) {
  return html`<div>
    <dl class="figures">
      <div>
        <dt>Attempts</dt>
        <dd>${stats.total}</dd>
      </div>
      <div>
        <dt>Succeeded</dt>
        <dd>${stats.succeeded}</dd>
      </div>
      <div>
        <dt>Failed</dt>
        <dd>${stats.failed}</dd>
      </div>
      <div>
        <dt>Success rate</dt>
        <dd>${formatPercent(stats.successRate)}</dd>
      </div>
      <div>
        <dt>Latency p50</dt>
        <dd>${formatDuration(stats.p50Ms)}</dd>
      </div>
      <div>
        <dt>Latency p95</dt>
        <dd>${formatDuration(stats.p95Ms)}</dd>
      </div>
    </dl>
    <${Chart} stats=${stats} />
    <details>
      <summary>The chart's data as a table</summary>
      <table>
        <thead>
          <tr>
            <th scope="col">From</th>
            <th scope="col">Succeeded</th>
            <th scope="col">Failed</th>
            <th scope="col">p50</th>
            <th scope="col">p95</th>
          </tr>
        </thead>
        <tbody>
          ${stats.buckets.map(
            (bucket) =>
              html`<tr key=${bucket.start}>
                <td>${formatTime(bucket.start)}</td>
                <td>${bucket.succeeded}</td>
                <td>${bucket.failed}</td>
                <td>${formatDuration(bucket.p50Ms)}</td>
                <td>${formatDuration(bucket.p95Ms)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </details>
  </div>`;
}

function Chart({ stats }: { stats: Stats }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const target = ref.current;
    if (!target) return undefined;
    const options: uPlot.Options = {
      width: Math.max(320, target.clientWidth || 640),
      height: 240,
      scales: { x: { time: true }, count: { range: (_plot, _min, max) => [0, Math.max(1, max)] }, ms: {} },
      series: [
        {},
        { label: 'Succeeded', scale: 'count', stroke: '#15803d', width: 2 },
        { label: 'Failed', scale: 'count', stroke: '#b91c1c', width: 2 },
        { label: 'p50 ms', scale: 'ms', stroke: '#1d4ed8', width: 1, dash: [6, 4] },
        { label: 'p95 ms', scale: 'ms', stroke: '#6d28d9', width: 1, dash: [2, 4] },
      ],
      axes: [{}, { scale: 'count', label: 'attempts' }, { scale: 'ms', side: 1, label: 'ms', grid: { show: false } }],
    };
    const plot = new uPlot(options, chartColumns(stats), target);
    return () => plot.destroy();
  }, [stats]);
  const label = `Attempts succeeded and failed, and latency p50 and p95, per ${stats.window === 'hour' ? '5 minutes' : 'hour'} since ${formatTime(stats.since)}`;
  return html`<div class="chart" ref=${ref} role="img" aria-label=${label}></div>`;
}
