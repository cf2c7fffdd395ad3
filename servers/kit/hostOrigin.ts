// Host and Origin allow-lists (DNS-rebinding and cross-site protection for the MCP endpoint).
// Pure functions over header values; the HTTP layer turns a refusal into 403.

/** Always allowed: probes and port-forwards reach the pod as localhost. */
export const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

interface HostPort {
  hostname: string;
  port: string | undefined;
}

/** A TCP port as written in a Host header or origin: 1-65535 (0 and 99999 are malformed). */
function isPort(text: string): boolean {
  if (!/^\d{1,5}$/.test(text)) return false;
  const port = Number(text);
  return port >= 1 && port <= 65535;
}

/** Splits a Host header value ("name", "name:port", "[::1]:port"); undefined when malformed. */
export function parseHostHeader(value: string): HostPort | undefined {
  const host = value.trim().toLowerCase();
  if (host.length === 0 || /[\s/@?#\\]/.test(host)) return undefined;
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    if (end < 0) return undefined;
    const rest = host.slice(end + 1);
    if (rest !== '' && !(rest.startsWith(':') && isPort(rest.slice(1)))) return undefined;
    return { hostname: host.slice(0, end + 1), port: rest === '' ? undefined : rest.slice(1) };
  }
  const parts = host.split(':');
  if (parts.length > 2 || parts[0] === '') return undefined;
  if (parts.length === 2 && !isPort(parts[1] ?? '')) return undefined;
  return { hostname: parts[0] ?? '', port: parts[1] };
}

/** Whether the Host header names this machine (localhost, 127.0.0.1 or [::1], any port). */
export function isLoopbackHost(hostHeader: string | undefined): boolean {
  const host = hostHeader === undefined ? undefined : parseHostHeader(hostHeader);
  return host !== undefined && LOOPBACK_HOSTS.includes(host.hostname);
}

/** One allow-list entry (`name`, `name:port` or `*.suffix`), parsed once. */
type HostMatcher = { suffix: string } | HostPort | undefined;

function compileHostEntry(entry: string): HostMatcher {
  const pattern = entry.trim().toLowerCase();
  if (pattern.startsWith('*.')) return { suffix: pattern.slice(1) }; // ".example.com"
  return parseHostHeader(pattern);
}

function hostEntryMatches(matcher: HostMatcher, host: HostPort): boolean {
  if (matcher === undefined) return false;
  if ('suffix' in matcher) return host.hostname.endsWith(matcher.suffix) && host.hostname.length > matcher.suffix.length;
  if (matcher.hostname !== host.hostname) return false;
  return matcher.port === undefined || matcher.port === host.port;
}

// The allow-list is fixed at startup but checked on every request: parse each list once.
const compiledHostLists = new WeakMap<readonly string[], HostMatcher[]>();

function compiledHosts(allowedHosts: readonly string[]): HostMatcher[] {
  let compiled = compiledHostLists.get(allowedHosts);
  if (compiled === undefined) {
    compiled = [...LOOPBACK_HOSTS, ...allowedHosts].map(compileHostEntry);
    compiledHostLists.set(allowedHosts, compiled);
  }
  return compiled;
}

export function isHostAllowed(hostHeader: string | undefined, allowedHosts: readonly string[]): boolean {
  if (hostHeader === undefined) return false;
  const host = parseHostHeader(hostHeader);
  if (host === undefined) return false;
  return compiledHosts(allowedHosts).some((matcher) => hostEntryMatches(matcher, host));
}

/**
 * Requests without Origin pass (non-browser clients send none). Entries are full origins
 * ("https://app.example.com"), bare host names ("app.example.com", any scheme and port) or
 * "*.suffix". The opaque origin "null" is refused. A loopback origin (http://localhost:<port>,
 * http://127.0.0.1:<port>, http://[::1]:<port>) is accepted exactly when the request's Host is
 * loopback too: a browser client on the same machine may connect, while a page served elsewhere
 * that resolves its own name to 127.0.0.1 (DNS rebinding) still sends its own Host and is refused.
 */
export function isOriginAllowed(originHeader: string | undefined, allowedOrigins: readonly string[], hostHeader?: string): boolean {
  if (originHeader === undefined || originHeader === '') return true;
  let origin: URL;
  try {
    origin = new URL(originHeader);
  } catch {
    return false;
  }
  if (origin.origin === 'null') return false;
  const hostname = origin.hostname.toLowerCase();
  if ((origin.protocol === 'http:' || origin.protocol === 'https:') && LOOPBACK_HOSTS.includes(hostname) && isLoopbackHost(hostHeader)) return true;
  return allowedOrigins.some((raw) => {
    const entry = raw.trim().toLowerCase();
    if (entry.includes('://')) {
      try {
        return new URL(entry).origin === origin.origin.toLowerCase();
      } catch {
        return false;
      }
    }
    if (entry.startsWith('*.')) return hostname.endsWith(entry.slice(1)) && hostname.length > entry.length - 1;
    return hostname === entry;
  });
}
