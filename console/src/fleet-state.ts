// The fleet as the browser holds it: a map of rows updated by the event stream, and the pure
// filter/sort the page applies.
import type { FleetEvent, FleetRow } from '../../operator/src/console/api-types.ts';

export function applyFleetEvent(rows: Map<string, FleetRow>, event: FleetEvent): Map<string, FleetRow> {
  if (event.type === 'snapshot') return new Map(event.rows.map((r) => [r.key, r]));
  if (event.type === 'problem') return rows;
  const next = new Map(rows);
  if (event.type === 'upsert') next.set(event.row.key, event.row);
  else next.delete(event.key);
  return next;
}

export type ReadyFilter = 'all' | 'ready' | 'not-ready';

export interface FleetFilter {
  text: string;
  ready: ReadyFilter;
  namespace: string;
}

export function filterRows(rows: Iterable<FleetRow>, filter: FleetFilter): FleetRow[] {
  const needle = filter.text.trim().toLowerCase();
  const out: FleetRow[] = [];
  for (const row of rows) {
    if (filter.namespace !== '' && row.namespace !== filter.namespace) continue;
    if (filter.ready === 'ready' && row.ready !== 'True') continue;
    if (filter.ready === 'not-ready' && row.ready === 'True') continue;
    if (needle !== '') {
      const haystack = `${row.namespace}/${row.name} ${row.catalog ?? ''} ${row.image ?? ''} ${row.url ?? ''} ${row.blocker?.reason ?? ''} ${row.blocker?.message ?? ''}`.toLowerCase();
      if (!haystack.includes(needle)) continue;
    }
    out.push(row);
  }
  // Not-ready servers first (they are what people look for), then by key.
  return out.sort((a, b) => Number(a.ready === 'True') - Number(b.ready === 'True') || a.key.localeCompare(b.key));
}

export function age(createdAt: string | undefined, now: number): string {
  if (!createdAt) return '';
  const seconds = Math.max(0, Math.floor((now - Date.parse(createdAt)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172800) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}
