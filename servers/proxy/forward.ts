// The proxy's MCP handler: what the kit's HTTP front accepted (Host/Origin, auth, rate limit and
// body cap already checked) goes to the upstream MCP endpoint in the same pod. Requests for
// hidden tools are answered here; tools/list answers are rewritten by the tool policy; SSE
// answers stream through event by event; every other answer (and the upstream's own headers,
// Mcp-Session-Id included) passes through as is. Tool calls are measured like the kit's own.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { pipeline } from 'node:stream/promises';
import type { Logger } from '../kit/logger.ts';
import type { KitMetrics } from '../kit/metrics.ts';
import type { KitMcpHandler } from '../kit/nodeAdapter.ts';
import { boundedToolLabels } from '../kit/toolLabels.ts';
import type { ForwardingGuard } from '../kit/toolPinning.ts';
import { mayForward } from '../kit/toolPinning.ts';
import type { ToolPolicy } from '../kit/toolPolicy.ts';
import type { PolicedRequest } from './messages.ts';
import { calledUpstreamTools, policeRequest, policeResponse } from './messages.ts';
import { SseRewriter } from './sse.ts';
import type { ToolCallTrace } from '../kit/tracing/exchange.ts';
import { traceToolCall } from '../kit/tracing/exchange.ts';
import { traceUpstreamExchange } from './tracing.ts';

export interface ProxyHandlerDeps {
  upstream: URL;
  policy: ToolPolicy;
  metrics: KitMetrics;
  logger: Logger;
  /** Connect and first-byte deadline of an upstream request. */
  connectTimeoutMs: number;
  /** Largest JSON answer the proxy reads to police it, and largest single SSE event. */
  maxResponseBytes: number;
  /** The kit authenticates clients itself, so their credentials are not handed to the upstream. */
  stripCredentials: boolean;
  /** Pinning enforcement: calls go through only to tools whose current digest is approved. */
  guard?: ForwardingGuard | undefined;
}

/** The upstream tools of a body that pinning withholds (checked against a fresh enough listing). */
async function withheldCalls(policy: ToolPolicy, guard: ForwardingGuard | undefined, body: unknown): Promise<Set<string>> {
  const withheld = new Set<string>();
  if (!guard || body === undefined) return withheld;
  for (const name of new Set(calledUpstreamTools(policy, body))) if (!(await mayForward(guard, name))) withheld.add(name);
  return withheld;
}

/** Hop-by-hop headers (RFC 9110 §7.6.1) and the ones the proxy sets itself. */
const NOT_FORWARDED = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host', 'content-length']);
const CREDENTIALS = new Set(['authorization', 'x-api-key', 'cookie']);

export function forwardedHeaders(headers: IncomingHttpHeaders, stripCredentials: boolean): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || NOT_FORWARDED.has(name) || (stripCredentials && CREDENTIALS.has(name))) continue;
    out[name] = value;
  }
  return out;
}

function responseHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || NOT_FORWARDED.has(name)) continue;
    out[name] = value;
  }
  return out;
}

async function readLimited(stream: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      stream.destroy();
      return undefined;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * stream.pipeline into an http.ServerResponse adds seven 'close' listeners of its own (two
 * end-of-stream watchers and Readable.pipe's); with the kit's and the proxy's four, one streamed
 * answer passes Node's warning threshold of 10. The count stays flat however long the stream
 * runs (measured), so it is headroom, not a leak being hidden.
 */
const STREAMED_RESPONSE_MAX_LISTENERS = 20;

function sendJsonRpc(res: ServerResponse, status: number, body: unknown, extra: Record<string, string | string[]> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...extra, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) }).end(text);
}

export interface ProxyHandler {
  handle: KitMcpHandler;
  /**
   * Ends the standalone GET streams (server-to-client notifications): they last as long as the
   * session, so a drain would otherwise always time out. Clients reconnect to another replica.
   */
  endStandaloneStreams(): void;
}

export function createProxyHandler(deps: ProxyHandlerDeps): ProxyHandler {
  const { upstream, policy, metrics, logger } = deps;
  const standalone = new Set<AbortController>();
  // Clients choose the names they call: only tools that answered successfully become labels.
  const toolLabel = boundedToolLabels();
  const send = upstream.protocol === 'https:' ? httpsRequest : httpRequest;
  const enforcement = deps.guard?.enforcement;
  const onListed = deps.guard ? (tools: Parameters<ForwardingGuard['surface']['observe']>[0]) => deps.guard!.surface.observe(tools) : undefined;

  const record = (policed: PolicedRequest, id: string | number, outcome: 'success' | 'tool_error' | 'error', startedAt: bigint, traces?: Map<string | number, ToolCallTrace>) => {
    const tool = policed.calls.get(id);
    if (tool === undefined) return;
    traces?.get(id)?.end(outcome, outcome === 'tool_error' ? 'tool_error' : outcome === 'error' ? 'upstream_error' : undefined);
    const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
    const label = toolLabel(tool, outcome);
    metrics.toolCalls.inc({ tool: label, outcome });
    metrics.toolDuration.observe({ tool: label, outcome }, seconds);
    policed.calls.delete(id);
  };

  const handle: KitMcpHandler = async (req, res, parsedBody) => {
    const startedAt = process.hrtime.bigint();
    const policed: PolicedRequest = parsedBody === undefined ? { forward: undefined, refusals: [], calls: new Map(), lists: new Set() } : policeRequest(policy, parsedBody, await withheldCalls(policy, deps.guard, parsedBody));
    if (parsedBody !== undefined && policed.forward === undefined) {
      // Everything in the body was refused: answer without bothering the upstream.
      return sendJsonRpc(res, 200, Array.isArray(parsedBody) ? policed.refusals : policed.refusals[0]);
    }
    if (policed.refusals.length > 0) {
      // A batch mixing hidden and visible calls: refused whole, so no partial side effects happen.
      return sendJsonRpc(res, 200, policed.refusals);
    }
    const traces = new Map<string | number, ToolCallTrace>();
    for (const [id, tool] of policed.calls) traces.set(id, traceToolCall(tool));
    const exchange = traceUpstreamExchange(upstream, req.method ?? 'GET', forwardedHeaders(req.headers, deps.stripCredentials), policed.forward);
    const body = parsedBody === undefined ? undefined : Buffer.from(JSON.stringify(exchange.body));
    const headers = exchange.headers;
    if (body) headers['content-length'] = String(body.length);
    headers['x-forwarded-for'] = req.socket.remoteAddress ?? '';
    headers['x-forwarded-proto'] = 'http';

    const upstreamReq = send(upstream, { method: req.method ?? 'GET', headers, timeout: deps.connectTimeoutMs });
    // The client went away: stop the upstream exchange too (it cancels the tool call there).
    res.once('close', () => {
      if (!res.writableFinished) upstreamReq.destroy();
    });
    let answered: IncomingMessage;
    try {
      answered = await new Promise<IncomingMessage>((resolve, reject) => {
        upstreamReq.once('response', resolve);
        upstreamReq.once('error', reject);
        upstreamReq.once('timeout', () => upstreamReq.destroy(new Error(`no answer within ${deps.connectTimeoutMs} ms`)));
        upstreamReq.end(body);
      });
    } catch (error) {
      logger.warn('upstream unreachable', { error: (error as Error).message });
      exchange.end(undefined, 'upstream_unreachable');
      for (const id of [...policed.calls.keys()]) record(policed, id, 'error', startedAt, traces);
      if (!res.headersSent && !res.destroyed) sendJsonRpc(res, 502, { jsonrpc: '2.0', id: null, error: { code: -32000, message: `The MCP server behind the proxy did not answer: ${(error as Error).message}` } });
      return;
    }
    // Streams stay open as long as the upstream keeps them (SSE); only the wait for headers is bounded.
    upstreamReq.setTimeout(0);
    const contentType = String(answered.headers['content-type'] ?? '');
    const status = answered.statusCode ?? 502;
    const passHeaders = responseHeaders(answered.headers);
    // tools/list answers are always read: at least the upstream's own surface report is dropped.
    const watched = policed.calls.size > 0 || policed.lists.size > 0;

    try {
      if (watched && contentType.startsWith('text/event-stream')) {
        res.writeHead(status, passHeaders);
        res.flushHeaders();
        const rewriter = new SseRewriter((data) => {
          let message: unknown;
          try {
            message = JSON.parse(data);
          } catch {
            return data;
          }
          const findings = policeResponse(policy, policed, message, enforcement, onListed);
          if (findings.call) record(policed, findings.call.id, findings.call.outcome, startedAt, traces);
          return findings.message === message ? data : JSON.stringify(findings.message);
        }, deps.maxResponseBytes);
        res.setMaxListeners(STREAMED_RESPONSE_MAX_LISTENERS);
        await pipeline(answered, rewriter, res);
      } else if (watched && contentType.startsWith('application/json')) {
        const raw = await readLimited(answered, deps.maxResponseBytes);
        if (raw === undefined) throw new Error(`the upstream answer exceeds ${deps.maxResponseBytes} bytes`);
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw.toString('utf8'));
        } catch {
          res.writeHead(status, { ...passHeaders, 'content-length': String(raw.length) }).end(raw);
          return;
        }
        const messages = Array.isArray(parsed) ? parsed : [parsed];
        const out = messages.map((m) => {
          const findings = policeResponse(policy, policed, m, enforcement, onListed);
          if (findings.call) record(policed, findings.call.id, findings.call.outcome, startedAt, traces);
          return findings.message;
        });
        sendJsonRpc(res, status, Array.isArray(parsed) ? out : out[0], passHeaders);
      } else {
        res.writeHead(status, passHeaders);
        const ending = new AbortController();
        if (contentType.startsWith('text/event-stream')) {
          res.flushHeaders();
          if (req.method === 'GET') {
            standalone.add(ending);
            res.once('close', () => standalone.delete(ending));
          }
        }
        try {
          res.setMaxListeners(STREAMED_RESPONSE_MAX_LISTENERS);
          await pipeline(answered, res, { signal: ending.signal });
        } catch (error) {
          if (!ending.signal.aborted) throw error;
          // Drain: end the notification stream cleanly; the client reconnects elsewhere.
          answered.destroy();
          res.end();
        }
      }
    } catch (error) {
      exchange.end(status, 'upstream_answer_failed');
      logger.warn('upstream answer failed', { error: (error as Error).message });
      if (!res.headersSent) sendJsonRpc(res, 502, { jsonrpc: '2.0', id: null, error: { code: -32000, message: `The MCP server behind the proxy failed: ${(error as Error).message}` } });
      else res.destroy();
    } finally {
      exchange.end(status);
      // Calls whose answer never arrived (stream cut, 4xx/5xx without a JSON-RPC body).
      for (const id of [...policed.calls.keys()]) record(policed, id, 'error', startedAt, traces);
    }
  };
  return {
    handle,
    endStandaloneStreams() {
      for (const ending of standalone) ending.abort();
      standalone.clear();
    },
  };
}
