// The console's request guards, as pure checks the HTTP layer applies to every request:
//  - Host must be loopback or configured (a DNS-rebinding page cannot reach the console);
//  - a state-changing request must come from the console's own origin and carry the CSRF token
//    the page got from /api/viewer (a cross-site form or fetch can do neither);
//  - every response carries a strict Content-Security-Policy and friends.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export const CSRF_HEADER = 'x-csrf-token';

/** Scripts, styles and connections only from the console itself; no framing, no plugins. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

export type Refusal = { status: number; message: string } | undefined;

const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];

/** "host[:port]" parsed by the WHATWG URL parser; undefined when it is not a plain authority. */
function authority(value: string | undefined): { hostname: string; host: string } | undefined {
  if (value === undefined || value === '' || /[\s/@?#\\]/.test(value)) return undefined;
  try {
    const url = new URL(`http://${value}`);
    return { hostname: url.hostname.toLowerCase(), host: url.host.toLowerCase() };
  } catch {
    return undefined;
  }
}

/** Allowed entries are host names (any port) or host:port. */
export function isAllowedHost(value: string | undefined, allowedHosts: readonly string[]): boolean {
  const parsed = authority(value);
  if (!parsed) return false;
  return [...LOOPBACK, ...allowedHosts].some((entry) => {
    const e = entry.trim().toLowerCase();
    return e === parsed.hostname || e === parsed.host;
  });
}

export function checkHost(headers: IncomingHttpHeaders, allowedHosts: readonly string[]): Refusal {
  if (isAllowedHost(headers.host, allowedHosts)) return undefined;
  return { status: 421, message: `Host ${JSON.stringify(headers.host ?? '')} is not one this console answers to (start it with --allowed-host to add one)` };
}

function tokensEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * The CSRF token of one viewer: an HMAC of the viewer's identity under the console's secret, so a
 * token learnt by one viewer is worth nothing for another, and nothing is stored per session.
 */
export function csrfTokenFor(secret: string, viewer: unknown): string {
  return createHmac('sha256', secret).update(JSON.stringify(viewer)).digest('base64url');
}

/** For POST/PUT/PATCH/DELETE: same-origin (Origin, else Sec-Fetch-Site) and the CSRF token. */
export function checkCsrf(method: string, headers: IncomingHttpHeaders, csrfToken: string): Refusal {
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return undefined;
  const origin = headers.origin;
  if (origin !== undefined) {
    let originHost: string | undefined;
    try {
      originHost = new URL(origin).host;
    } catch {
      originHost = undefined;
    }
    const host = authority(headers.host);
    const sameHost = host !== undefined && originHost !== undefined && originHost.toLowerCase() === host.host;
    if (!sameHost) return { status: 403, message: `cross-origin request from ${origin} refused` };
  } else if (headers['sec-fetch-site'] !== undefined && headers['sec-fetch-site'] !== 'same-origin') {
    return { status: 403, message: 'cross-site request refused' };
  }
  const token = headers[CSRF_HEADER];
  if (typeof token !== 'string' || !tokensEqual(token, csrfToken)) return { status: 403, message: `missing or wrong ${CSRF_HEADER} header (reload the page)` };
  return undefined;
}
