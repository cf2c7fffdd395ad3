// Hash routes (#/ and #/servers/<namespace>/<name>) so the backend serves one index.html.
import { useEffect, useState } from 'preact/hooks';
import { FleetPage } from './fleet-page.tsx';
import { ServerPage } from './server-page.tsx';

export type Route = { page: 'fleet' } | { page: 'server'; namespace: string; name: string };

export function parseRoute(hash: string): Route {
  const match = /^#\/servers\/([^/]+)\/([^/]+)$/.exec(hash);
  if (match) return { page: 'server', namespace: decodeURIComponent(match[1]!), name: decodeURIComponent(match[2]!) };
  return { page: 'fleet' };
}

export function App() {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onHash = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    document.title = route.page === 'server' ? `${route.namespace}/${route.name} · MCP Fleet` : 'Fleet · MCP Fleet';
  }, [route]);
  return (
    <>
      <a class="skip-link" href="#content" onClick={(e) => { e.preventDefault(); document.getElementById('content')?.focus(); }}>Skip to content</a>
      <nav class="top" aria-label="Console"><a href="#/">MCP Fleet</a></nav>
      <div id="content" tabIndex={-1}>
        {route.page === 'server' ? <ServerPage key={`${route.namespace}/${route.name}`} namespace={route.namespace} name={route.name} /> : <FleetPage />}
      </div>
    </>
  );
}
