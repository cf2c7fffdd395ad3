// controller-runtime style bind addresses: "host:port", ":port" (every interface), "[::1]:port",
// or "0" (serve nothing). Pure, so config validation and the servers share one reading.

export interface BindAddress {
  /** '0.0.0.0' when the address names only a port. */
  host: string;
  /** 0 picks a free port. */
  port: number;
}

/** The address, undefined for "0" (disabled); throws a readable message when malformed. */
export function parseBindAddress(text: string): BindAddress | undefined {
  const value = text.trim();
  if (value === '0') return undefined;
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]*)):(\d{1,5})$/.exec(value);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) throw new Error('must be host:port, :port (every interface) or 0 (disabled), with a port from 0 to 65535');
  const host = match[1] ?? match[2] ?? '';
  return { host: host === '' ? '0.0.0.0' : host, port };
}

/** The URL of a listening address (loopback stands in for every-interface addresses). */
export function urlOf(scheme: 'http' | 'https', host: string, port: number): string {
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `${scheme}://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
}
