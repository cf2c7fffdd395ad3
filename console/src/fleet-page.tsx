// The fleet: every McpServer the viewer may list, live from the event stream; search, filters,
// and a virtualised, keyboard-navigable grid (arrows, Page Up/Down, Home/End, Enter opens).
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { FleetRow } from '../../operator/src/console/api-types.ts';
import { subscribeFleet } from './api.ts';
import { age, applyFleetEvent, filterRows, type ReadyFilter } from './fleet-state.ts';
import { readyClass, readyLabel, serverHash } from './format.ts';
import { VirtualList } from './virtual-list.tsx';

const ROW_HEIGHT = 44;

export function FleetPage() {
  const [rows, setRows] = useState<Map<string, FleetRow>>(new Map());
  const [loaded, setLoaded] = useState(false);
  const [live, setLive] = useState(false);
  const [streamError, setStreamError] = useState<string | undefined>();
  const [text, setText] = useState('');
  const [ready, setReady] = useState<ReadyFilter>('all');
  const [namespace, setNamespace] = useState('');
  const [active, setActive] = useState(0);
  const [now, setNow] = useState(Date.now());

  useEffect(() => {
    const subscription = subscribeFleet(
      (event) => {
        if (event.type === 'problem') setStreamError(event.message);
        if (event.type === 'snapshot') setLoaded(true);
        setRows((current) => applyFleetEvent(current, event));
      },
      setLive,
    );
    // Ages are relative: refresh the clock once a minute (display only; no data is fetched).
    const clock = setInterval(() => setNow(Date.now()), 60_000);
    return () => {
      subscription.close();
      clearInterval(clock);
    };
  }, []);

  const namespaces = useMemo(() => [...new Set([...rows.values()].map((r) => r.namespace))].sort(), [rows]);
  const visible = useMemo(() => filterRows(rows.values(), { text, ready, namespace }), [rows, text, ready, namespace]);
  const readyCount = useMemo(() => [...rows.values()].filter((r) => r.ready === 'True').length, [rows]);
  const activeIndex = Math.min(active, visible.length - 1);

  function onKeyDown(event: KeyboardEvent) {
    const page = 10;
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page, Home: -Infinity, End: Infinity };
    const move = moves[event.key];
    if (move !== undefined) {
      event.preventDefault();
      setActive(Math.max(0, Math.min(visible.length - 1, (activeIndex < 0 ? 0 : activeIndex) + (Number.isFinite(move) ? move : move > 0 ? visible.length : -visible.length))));
    } else if (event.key === 'Enter' && visible[activeIndex]) {
      const row = visible[activeIndex]!;
      location.hash = serverHash(row.namespace, row.name);
    }
  }

  return (
    <main class="fleet">
      <header class="page-header">
        <h1>Fleet</h1>
        <p class="summary" aria-live="polite">
          <span data-testid="fleet-count">{rows.size}</span> servers, {readyCount} ready, {rows.size - readyCount} not ready
          <span class={live ? 'live on' : 'live off'}>{live ? 'live' : 'reconnecting…'}</span>
        </p>
      </header>
      {streamError && <p class="error" role="alert">{streamError}</p>}
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search
          <input type="search" value={text} placeholder="name, catalog, reason…" onInput={(e) => { setText((e.target as HTMLInputElement).value); setActive(0); }} />
        </label>
        <label>
          Status
          <select value={ready} onChange={(e) => { setReady((e.target as HTMLSelectElement).value as ReadyFilter); setActive(0); }}>
            <option value="all">All</option>
            <option value="ready">Ready</option>
            <option value="not-ready">Not ready</option>
          </select>
        </label>
        <label>
          Namespace
          <select value={namespace} onChange={(e) => { setNamespace((e.target as HTMLSelectElement).value); setActive(0); }}>
            <option value="">All namespaces</option>
            {namespaces.map((ns) => <option key={ns} value={ns}>{ns}</option>)}
          </select>
        </label>
      </form>
      {!loaded && <p class="empty">Loading the fleet…</p>}
      {loaded && visible.length === 0 && <p class="empty" role="status">No McpServer matches.</p>}
      <div
        class="grid"
        role="grid"
        tabIndex={0}
        aria-label="McpServers: arrow keys move, Enter opens"
        aria-rowcount={visible.length + 1}
        aria-activedescendant={visible[activeIndex] ? `row-${activeIndex}` : undefined}
        onKeyDown={onKeyDown}
      >
        <div class="grid-head-group" role="rowgroup"><div class="grid-row grid-head" role="row" aria-rowindex={1}>
          <span role="columnheader">Server</span>
          <span role="columnheader">Status</span>
          <span role="columnheader">Replicas</span>
          <span role="columnheader">Tools</span>
          <span role="columnheader">URL</span>
          <span role="columnheader">External URL</span>
          <span role="columnheader">Age</span>
        </div></div>
        <VirtualList
          items={visible}
          rowHeight={ROW_HEIGHT}
          activeIndex={activeIndex}
          renderRow={(row, index) => (
            <div
              key={row.key}
              id={`row-${index}`}
              class={index === activeIndex ? 'grid-row active' : 'grid-row'}
              role="row"
              aria-rowindex={index + 2}
              aria-selected={index === activeIndex}
              data-key={row.key}
              onClick={() => setActive(index)}
            >
              <span role="gridcell" class="name">
                <a href={serverHash(row.namespace, row.name)} tabIndex={-1}>
                  <span class="ns">{row.namespace}/</span>
                  {row.name}
                </a>
                <span class="muted"> {row.catalog ?? row.image}</span>
              </span>
              <span role="gridcell" class="status">
                <span class={readyClass(row.ready)} data-testid="ready">{readyLabel(row.ready)}</span>
                {row.blocker && <span class="blocker" title={row.blocker.message}>{row.blocker.reason}: {row.blocker.message}</span>}
              </span>
              <span role="gridcell">{row.readyReplicas}/{row.replicas}</span>
              <span role="gridcell">{row.toolCount ?? '–'}</span>
              <span role="gridcell" class="url">{row.url ?? ''}</span>
              <span role="gridcell" class="url">{row.externalUrl ?? ''}</span>
              <span role="gridcell">{age(row.createdAt, now)}</span>
            </div>
          )}
        />
      </div>
    </main>
  );
}
