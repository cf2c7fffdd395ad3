// Small SVG line charts of a server's recent metrics (no chart library: a few polylines).
// Each chart also has a text summary, so the numbers do not depend on seeing the lines.
import { useEffect, useState } from 'preact/hooks';
import type { MetricsPoint } from '../../operator/src/console/api-types.ts';
import { subscribeMetrics } from './api.ts';

const WIDTH = 320;
const HEIGHT = 90;
const PALETTE = ['#1f5fbf', '#b35900', '#2d7d46', '#8a3ab9', '#a11d48', '#00707a'];

interface Series {
  name: string;
  values: (number | undefined)[];
}

function LineChart(props: { title: string; series: Series[]; unit: string; format: (v: number) => string }) {
  const all = props.series.flatMap((s) => s.values.filter((v): v is number => v !== undefined));
  const max = Math.max(...all, 0) || 1;
  const length = Math.max(...props.series.map((s) => s.values.length), 2);
  const x = (i: number) => (i / (length - 1)) * WIDTH;
  const y = (v: number) => HEIGHT - (v / max) * (HEIGHT - 4) - 2;
  const latest = props.series.map((s) => ({ name: s.name, value: [...s.values].reverse().find((v) => v !== undefined) }));
  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width={WIDTH} height={HEIGHT} role="img" aria-label={`${props.title}, peak ${props.format(max)} ${props.unit}`}>
        <line x1="0" y1={HEIGHT - 1} x2={WIDTH} y2={HEIGHT - 1} class="axis" />
        {props.series.map((s, si) => {
          const lastIndex = s.values.findLastIndex((v) => v !== undefined);
          const lastValue = s.values[lastIndex];
          return (
            <g key={s.name}>
              <polyline
                fill="none"
                stroke={PALETTE[si % PALETTE.length]}
                stroke-width="2"
                points={s.values.map((v, i) => (v === undefined ? '' : `${x(i).toFixed(1)},${y(v).toFixed(1)}`)).filter(Boolean).join(' ')}
              />
              {/* The newest value as a dot: visible even while the line has a single point. */}
              {lastValue !== undefined && <circle cx={x(lastIndex).toFixed(1)} cy={y(lastValue).toFixed(1)} r="3" fill={PALETTE[si % PALETTE.length]} />}
            </g>
          );
        })}
      </svg>
      <ul class="legend">
        {latest.map((l, i) => (
          <li key={l.name}>
            <span class="swatch" style={{ background: PALETTE[i % PALETTE.length] }} aria-hidden="true" /> {l.name}: {l.value === undefined ? '–' : `${props.format(l.value)} ${props.unit}`}
          </li>
        ))}
      </ul>
    </figure>
  );
}

export function MetricsCharts(props: { namespace: string; name: string }) {
  const [points, setPoints] = useState<MetricsPoint[]>([]);
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    const subscription = subscribeMetrics(
      props.namespace,
      props.name,
      (event) => {
        if (event.type === 'history') setPoints(event.points);
        else if (event.type === 'point') {
          setError(undefined);
          setPoints((p) => [...p, event.point].slice(-120));
        } else setError(event.message);
      },
      () => undefined,
    );
    return () => subscription.close();
  }, [props.namespace, props.name]);

  const tools = [...new Set(points.flatMap((p) => Object.keys(p.callsPerTool)))].sort();
  return (
    <section aria-labelledby="metrics-title" class="metrics">
      <h2 id="metrics-title">Metrics</h2>
      <p class="muted">Sampled from the servers' /metrics every few seconds while this page is open.</p>
      {error && <p class="error">{error}</p>}
      {points.length === 0 && !error && <p class="muted">Waiting for the second sample…</p>}
      {points.length > 0 && (
        <div class="charts" data-testid="charts">
          <LineChart title="Calls per tool" unit="/s" format={(v) => v.toFixed(2)} series={tools.map((t) => ({ name: t, values: points.map((p) => p.callsPerTool[t] ?? 0) }))} />
          <LineChart title="Error rate" unit="%" format={(v) => (v * 100).toFixed(1)} series={[{ name: 'errors', values: points.map((p) => p.errorRate) }]} />
          <LineChart title="p99 latency" unit="ms" format={(v) => (v * 1000).toFixed(0)} series={[{ name: 'p99', values: points.map((p) => p.p99Seconds) }]} />
        </div>
      )}
    </section>
  );
}
