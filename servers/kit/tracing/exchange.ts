// Spans of one MCP HTTP exchange, shared by catalog servers and the proxy: a SERVER span for the
// HTTP request (`POST /mcp`) and, when the body is one JSON-RPC request, an MCP SERVER span under
// it named `{mcp.method.name} {tool}` with the MCP conventions' attributes. Tool runners (or the
// proxy) claim that span to report how the call ended; a tools/call nobody claimed was answered
// by the protocol layer (unknown tool, invalid arguments) and is marked as a protocol error.
// Only names, ids and outcomes are recorded: never argument values, results or credentials.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context, Span } from '@opentelemetry/api';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, createContextKey, trace } from '@opentelemetry/api';
import { incomingTraceContext, metaOf, traceContextFromHeaders, traceContextFromMeta } from './propagation.ts';
import { ATTR, kitTracer } from './spans.ts';
import { tracingActive } from './state.ts';

/** Client-chosen strings in span names and attributes are cut to this length. */
const MAX_NAME_LENGTH = 128;
const PROTOCOL_VERSION_META_KEY = 'io.modelcontextprotocol/protocolVersion';

/** Outcomes as the kit's metrics name them, plus the protocol layer's own refusals. */
export type TracedOutcome = 'success' | 'cached' | 'tool_error' | 'error' | 'protocol_error';

interface PendingCall {
  tool: string;
  span: Span;
  claimed: boolean;
}

const PENDING_CALL = createContextKey('mcpfleet pending tools/call');

export interface ToolCallTrace {
  /** Runs the call's own work in its span, so upstream requests become its children. */
  run<T>(work: () => T): T;
  end(outcome: TracedOutcome, errorType?: string): void;
}

const cut = (value: string) => (value.length > MAX_NAME_LENGTH ? value.slice(0, MAX_NAME_LENGTH) : value);

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function setOutcome(span: Span, outcome: TracedOutcome, errorType: string | undefined): void {
  span.setAttribute(ATTR.toolOutcome, outcome);
  if (outcome === 'success' || outcome === 'cached') return;
  // The MCP conventions: a result with isError is error.type "tool_error".
  span.setAttribute(ATTR.errorType, errorType ?? outcome);
  span.setStatus({ code: SpanStatusCode.ERROR });
}

interface SingleRequest {
  method: string;
  id: string | number | undefined;
  tool: string | undefined;
  protocolVersion: string | undefined;
}

function singleRequest(body: unknown): SingleRequest | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const { method, id, params } = body as { method?: unknown; id?: unknown; params?: { name?: unknown } };
  if (typeof method !== 'string') return undefined;
  const meta = metaOf(body) as Record<string, unknown> | undefined;
  const version = meta?.[PROTOCOL_VERSION_META_KEY];
  return {
    method: cut(method),
    id: typeof id === 'string' || typeof id === 'number' ? id : undefined,
    tool: method === 'tools/call' && typeof params?.name === 'string' ? cut(params.name) : undefined,
    protocolVersion: typeof version === 'string' ? cut(version) : undefined,
  };
}

export interface TracedExchange {
  /** Starts the spans once the body is known and runs the MCP handler inside them. */
  run<T>(body: unknown, handler: () => T): T;
}

const UNTRACED: TracedExchange = { run: (_body, handler) => handler() };

/**
 * Traces one request to the MCP endpoint. The HTTP span starts at the request's arrival (its
 * parent needs the body, so it is created when the body is read) and ends with the response;
 * a request refused before its body was read (auth, rate limit) still gets one, parented by
 * its headers.
 */
export function traceExchange(req: IncomingMessage, res: ServerResponse, route: string): TracedExchange {
  if (!tracingActive()) return UNTRACED;
  const startTime = Date.now();
  const method = req.method ?? 'GET';
  let httpSpan: Span | undefined;
  let pending: PendingCall | undefined;
  let mcpSpan: Span | undefined;

  const startHttpSpan = (parent: Context): Context => {
    httpSpan = kitTracer().startSpan(
      `${method} ${route}`,
      {
        kind: SpanKind.SERVER,
        startTime,
        attributes: {
          [ATTR.httpMethod]: method,
          [ATTR.httpRoute]: route,
          [ATTR.urlPath]: route,
          [ATTR.networkProtocol]: 'http',
          [ATTR.networkTransport]: 'tcp',
          ...(req.socket.remoteAddress !== undefined && { [ATTR.clientAddress]: req.socket.remoteAddress }),
        },
      },
      parent,
    );
    return trace.setSpan(parent, httpSpan);
  };

  res.once('close', () => {
    httpSpan ??= trace.getSpan(startHttpSpan(traceContextFromHeaders(req.headers) ?? ROOT_CONTEXT));
    if (mcpSpan) {
      if (pending && !pending.claimed) setOutcome(mcpSpan, res.statusCode >= 500 ? 'error' : 'protocol_error', undefined);
      mcpSpan.end();
    }
    const status = res.statusCode;
    httpSpan?.setAttribute(ATTR.httpStatus, status);
    if (status >= 500 || !res.writableFinished) {
      httpSpan?.setAttribute(ATTR.errorType, res.writableFinished ? String(status) : 'aborted');
      httpSpan?.setStatus({ code: SpanStatusCode.ERROR });
    }
    httpSpan?.end();
  });

  const enter = (body: unknown): Context => {
    if (httpSpan) return trace.setSpan(context.active(), httpSpan);
    const inHttp = startHttpSpan(incomingTraceContext(req.headers, body));
    const single = singleRequest(body);
    if (single === undefined) return inHttp;
    const sessionId = headerValue(req.headers['mcp-session-id']);
    const protocolVersion = single.protocolVersion ?? headerValue(req.headers['mcp-protocol-version']);
    mcpSpan = kitTracer().startSpan(
      single.tool ? `${single.method} ${single.tool}` : single.method,
      {
        kind: SpanKind.SERVER,
        startTime,
        attributes: {
          [ATTR.mcpMethod]: single.method,
          ...(single.id !== undefined && { [ATTR.jsonRpcRequestId]: String(single.id) }),
          ...(single.tool !== undefined && { [ATTR.toolName]: single.tool, [ATTR.operationName]: 'execute_tool' }),
          ...(sessionId !== undefined && { [ATTR.mcpSessionId]: cut(sessionId) }),
          ...(protocolVersion !== undefined && { [ATTR.mcpProtocolVersion]: cut(protocolVersion) }),
        },
      },
      inHttp,
    );
    let inMcp = trace.setSpan(inHttp, mcpSpan);
    if (single.tool !== undefined) {
      pending = { tool: single.tool, span: mcpSpan, claimed: false };
      inMcp = inMcp.setValue(PENDING_CALL, pending);
    }
    return inMcp;
  };
  return { run: (body, handler) => context.with(enter(body), handler) };
}

const NOT_TRACED: ToolCallTrace = { run: (work) => work(), end: () => {} };

/**
 * The span a tools/call reports its outcome on: the exchange's MCP span when this is the call
 * it was made for, else (batches, stdio) a new child span of the active context. Outside any
 * span (stdio: no HTTP exchange carries the context) the call's own `_meta` trace context, when
 * valid, is the parent.
 */
export function traceToolCall(tool: string, meta?: unknown): ToolCallTrace {
  if (!tracingActive()) return NOT_TRACED;
  const active = context.active();
  const pending = active.getValue(PENDING_CALL) as PendingCall | undefined;
  if (pending && !pending.claimed && pending.tool === tool) {
    pending.claimed = true;
    return { run: (work) => work(), end: (outcome, errorType) => setOutcome(pending.span, outcome, errorType) };
  }
  const parent = (trace.getSpan(active) === undefined ? traceContextFromMeta(meta, active) : undefined) ?? active;
  const span = kitTracer().startSpan(
    `tools/call ${cut(tool)}`,
    { kind: SpanKind.SERVER, attributes: { [ATTR.mcpMethod]: 'tools/call', [ATTR.toolName]: cut(tool), [ATTR.operationName]: 'execute_tool' } },
    parent,
  );
  let ended = false;
  const inSpan = trace.setSpan(parent, span);
  return {
    run: (work) => context.with(inSpan, work),
    end(outcome, errorType) {
      if (ended) return;
      ended = true;
      setOutcome(span, outcome, errorType);
      span.end();
    },
  };
}
