// CORS for the MCP endpoint: browsers on an allowed origin (ALLOWED_ORIGINS, or a loopback page
// talking to a loopback server) get their preflight answered and may read the MCP headers. Pure
// header builders; the HTTP layer decides when an origin is allowed.

/** Request headers MCP clients send (Streamable HTTP, both protocol eras, and our auth). */
const ALLOWED_REQUEST_HEADERS = [
  'accept',
  'authorization',
  'content-type',
  'last-event-id',
  'mcp-method',
  'mcp-name',
  'mcp-protocol-version',
  'mcp-session-id',
  'x-api-key',
  'x-request-id',
].join(', ');

/** Response headers a browser client must be able to read. */
const EXPOSED_HEADERS = ['mcp-session-id', 'mcp-protocol-version', 'www-authenticate', 'retry-after', 'x-request-id'].join(', ');

/** Headers on every response to an allowed cross-origin request. */
export function corsHeaders(origin: string): Record<string, string> {
  return { 'access-control-allow-origin': origin, 'access-control-expose-headers': EXPOSED_HEADERS, vary: 'Origin' };
}

/** The answer to a preflight (OPTIONS with Access-Control-Request-Method) from an allowed origin. */
export function preflightHeaders(origin: string): Record<string, string> {
  return {
    ...corsHeaders(origin),
    'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
    'access-control-allow-headers': ALLOWED_REQUEST_HEADERS,
    'access-control-max-age': '600',
  };
}
