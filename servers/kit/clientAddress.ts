// The address a request comes from, for the auth-failure throttle and for rate limits keyed by
// client. Behind an Ingress controller or a load balancer every request's direct peer is the
// proxy, so keyed by the peer one client's failed guesses would lock everybody out together.
// TRUSTED_PROXY_CIDRS names the proxies: only when the direct peer is one of them is
// X-Forwarded-For read, right to left, skipping trusted hops; the first untrusted hop is the
// client (the right-most address a trusted proxy vouched for). The header is never read when the
// peer is not trusted, so a client cannot pick its own address by sending one.
import { BlockList, isIP } from 'node:net';

/** More hops than any real proxy chain: beyond them the header is not read further. */
export const MAX_FORWARDED_HOPS = 32;

export class TrustedProxies {
  readonly cidrs: readonly string[];
  private readonly list = new BlockList();

  /** `cidrs`: addresses or CIDR ranges, IPv4 or IPv6 (e.g. 10.0.0.0/8, fd00::/8, 192.0.2.7). */
  constructor(cidrs: readonly string[]) {
    this.cidrs = cidrs;
    for (const entry of cidrs) {
      const [address = '', prefix, extra] = entry.split('/');
      const family = isIP(address);
      const bits = prefix === undefined ? (family === 6 ? 128 : 32) : /^\d{1,3}$/.test(prefix) ? Number(prefix) : Number.NaN;
      if (family === 0 || extra !== undefined || !(bits >= 0 && bits <= (family === 6 ? 128 : 32))) {
        throw new Error(`"${entry}" is not an IP address or CIDR range (e.g. 10.0.0.0/8 or fd00::/8)`);
      }
      this.list.addSubnet(address, bits, family === 6 ? 'ipv6' : 'ipv4');
    }
  }

  get empty(): boolean {
    return this.cidrs.length === 0;
  }

  has(address: string): boolean {
    const family = isIP(address);
    return family !== 0 && this.list.check(address, family === 6 ? 'ipv6' : 'ipv4');
  }
}

/**
 * One address as peers and proxies write it, normalised: `::ffff:a.b.c.d` (a dual-stack socket's
 * IPv4 peer) becomes `a.b.c.d`; `[v6]:port`, `[v6]` and `v4:port` (some proxies append the port)
 * lose the brackets and port; zone ids are dropped. undefined when it is not an IP address.
 */
export function normaliseAddress(raw: string): string | undefined {
  let value = raw.trim();
  if (value.length > 64) return undefined;
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(value);
  if (bracketed) value = bracketed[1]!;
  else if (/^[\d.]+:\d{1,5}$/.test(value)) value = value.slice(0, value.lastIndexOf(':'));
  value = value.replace(/%.*$/, '');
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(value);
  if (mapped) value = mapped[1]!;
  if (isIP(value) === 0) return undefined;
  return value.toLowerCase();
}

/**
 * The client's address. Without trusted proxies, or when the direct peer is not one, the peer
 * itself. Otherwise the right-most X-Forwarded-For hop that is not a trusted proxy; when the chain
 * holds only trusted hops, or a hop that is not an address, the last valid hop before it.
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | string[] | undefined, trusted: TrustedProxies): string {
  const direct = (peer !== undefined && normaliseAddress(peer)) || 'unknown';
  if (trusted.empty || !trusted.has(direct) || forwardedFor === undefined) return direct;
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
  let client = direct;
  let end = header.length;
  for (let hops = 0; hops < MAX_FORWARDED_HOPS && end > 0; hops += 1) {
    // Scans from the right without splitting the whole header: a 16 KiB chain costs 32 hops.
    const start = header.lastIndexOf(',', end - 1) + 1;
    const hop = normaliseAddress(header.slice(start, end));
    end = start - 1;
    if (hop === undefined) return client;
    client = hop;
    if (!trusted.has(hop)) return hop;
  }
  return client;
}

/**
 * The key a client's limits are counted under: its IPv4 address, or its IPv6 /64 (one host
 * usually holds a whole /64 and could otherwise rotate through it to escape the throttle).
 */
export function addressKey(address: string): string {
  if (isIP(address) !== 6) return address;
  const groups = expandIpv6(address).slice(0, 4).map((group) => group.replace(/^0+(?=.)/, ''));
  return `${groups.join(':')}::/64`;
}

function expandIpv6(address: string): string[] {
  const [head = '', tail] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  // An embedded IPv4 tail (::ffff:1.2.3.4 forms that were not IPv4-mapped) counts as two groups.
  const last = right.length > 0 ? right : left;
  if (last.length > 0 && last[last.length - 1]!.includes('.')) {
    const [a, b, c, d] = last.pop()!.split('.').map(Number) as [number, number, number, number];
    last.push(((a << 8) | b).toString(16), ((c << 8) | d).toString(16));
  }
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array.from({ length: missing }, () => '0'), ...right];
}
