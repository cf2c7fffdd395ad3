// One server: status and the real blocker, conditions, events, children, what the operator
// verified, the live tool list with each tool's schemas, the pinned tool surface, the playground
// and the charts.
import { useEffect, useState } from 'preact/hooks';
import type { ServerDetail } from '../../operator/src/console/api-types.ts';
import { loadServer, subscribeFleet } from './api.ts';
import { MetricsCharts } from './charts.tsx';
import { pretty, readyClass, readyLabel } from './format.ts';
import { Playground } from './playground.tsx';
import { ToolSurface } from './tool-surface.tsx';

export function ServerPage(props: { namespace: string; name: string }) {
  const [detail, setDetail] = useState<ServerDetail | undefined>();
  const [error, setError] = useState<string | undefined>();
  const key = `${props.namespace}/${props.name}`;

  useEffect(() => {
    let cancelled = false;
    const load = () =>
      loadServer(props.namespace, props.name).then(
        (d) => !cancelled && (setDetail(d), setError(undefined)),
        (e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)),
      );
    void load();
    // The fleet stream says when this server changed; only then is the page reloaded.
    let lastSeen: string | undefined;
    const subscription = subscribeFleet(
      (event) => {
        const row = event.type === 'snapshot' ? event.rows.find((r) => r.key === key) : event.type === 'upsert' && event.row.key === key ? event.row : undefined;
        if (event.type === 'delete' && event.key === key) return setError(`McpServer ${key} was deleted`);
        if (!row) return;
        const seen = JSON.stringify(row);
        if (lastSeen !== undefined && seen !== lastSeen) void load();
        lastSeen = seen;
      },
      () => undefined,
    );
    return () => {
      cancelled = true;
      subscription.close();
    };
  }, [props.namespace, props.name]);

  if (error && !detail) return <main><p><a href="#/">← Fleet</a></p><p class="error" role="alert">{error}</p></main>;
  if (!detail) return <main><p><a href="#/">← Fleet</a></p><p>Loading {key}…</p></main>;
  const { row } = detail;
  return (
    <main class="server">
      <p><a href="#/">← Fleet</a></p>
      <header class="page-header">
        <h1>{row.namespace}/{row.name}</h1>
        <p>
          <span class={readyClass(row.ready)} data-testid="server-ready">{readyLabel(row.ready)}</span> {row.readyReplicas}/{row.replicas} replicas · {row.catalog ? `catalog ${row.catalog}` : row.image}
        </p>
        {row.blocker && <p class="blocker-line" role="status"><strong>{row.blocker.condition}: {row.blocker.reason}</strong> — {row.blocker.message}</p>}
        {error && <p class="error" role="alert">{error}</p>}
        <dl class="facts">
          <dt>URL</dt><dd>{row.url ?? '–'}</dd>
          <dt>External URL</dt><dd>{row.externalUrl ?? '–'}</dd>
          <dt>Verified server</dt>
          <dd>{detail.verified ? `${detail.verified.name} ${detail.verified.version}, MCP ${detail.verified.protocolVersion}${detail.verified.lastVerifiedTime ? `, at ${detail.verified.lastVerifiedTime}` : ''}` : 'not verified yet'}</dd>
        </dl>
      </header>

      <section aria-labelledby="conditions-title">
        <h2 id="conditions-title">Conditions</h2>
        <table>
          <thead><tr><th scope="col">Type</th><th scope="col">Status</th><th scope="col">Reason</th><th scope="col">Message</th><th scope="col">Since</th></tr></thead>
          <tbody>
            {detail.conditions.map((c) => (
              <tr key={c.type}><td>{c.type}</td><td>{c.status}</td><td>{c.reason}</td><td>{c.message}</td><td>{c.lastTransitionTime}</td></tr>
            ))}
          </tbody>
        </table>
      </section>

      <section aria-labelledby="tools-title">
        <h2 id="tools-title">Tools ({detail.tools.length})</h2>
        {detail.toolsError && <p class="error">Could not list the tools: {detail.toolsError}</p>}
        <ul class="tools" data-testid="tools">
          {detail.tools.map((t) => (
            <li key={t.name}>
              <details>
                <summary><code>{t.name}</code>{t.title ? ` — ${t.title}` : ''}</summary>
                {t.description && <p>{t.description}</p>}
                <h3>Input schema</h3>
                <pre>{pretty(t.inputSchema)}</pre>
                {t.outputSchema && (<><h3>Output schema</h3><pre>{pretty(t.outputSchema)}</pre></>)}
                {t.annotations && (<><h3>Annotations</h3><pre>{pretty(t.annotations)}</pre></>)}
              </details>
            </li>
          ))}
        </ul>
      </section>

      {detail.toolSurface && <ToolSurface surface={detail.toolSurface} />}

      <Playground namespace={row.namespace} name={row.name} tools={detail.tools} access={detail.playground} />

      <MetricsCharts namespace={row.namespace} name={row.name} />

      <section aria-labelledby="children-title">
        <h2 id="children-title">Children</h2>
        <table>
          <thead><tr><th scope="col">Kind</th><th scope="col">Name</th><th scope="col">State</th></tr></thead>
          <tbody>
            {detail.children.map((c) => (
              <tr key={`${c.kind}/${c.name}`}><td>{c.kind}</td><td>{c.name}</td><td class={c.healthy ? '' : 'bad-text'}>{c.state}</td></tr>
            ))}
          </tbody>
        </table>
      </section>

      <section aria-labelledby="events-title">
        <h2 id="events-title">Events</h2>
        {detail.events.length === 0 ? <p class="muted">No events.</p> : (
          <table>
            <thead><tr><th scope="col">Type</th><th scope="col">Reason</th><th scope="col">Message</th><th scope="col">Count</th><th scope="col">Last seen</th></tr></thead>
            <tbody>
              {detail.events.map((e, i) => (
                <tr key={i}><td>{e.type}</td><td>{e.reason}</td><td>{e.message}</td><td>{e.count}</td><td>{e.lastSeen}</td></tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </main>
  );
}
