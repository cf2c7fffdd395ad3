// W3C trace context in and out: `traceparent`/`tracestate` from HTTP headers and from MCP
// `params._meta` (where MCP clients and SDKs put them), and back out on upstream requests.
// Rule: for a request carrying one JSON-RPC message whose `_meta` holds a valid traceparent, the
// `_meta` one wins (it belongs to that very message; a gateway in between may have rewritten the
// header without knowing MCP); otherwise the headers count. Malformed values (wrong version,
// all-zero ids, oversized, not strings) are ignored and the request starts a new trace.
import type { Context, TextMapGetter } from '@opentelemetry/api';
import { ROOT_CONTEXT, isSpanContextValid, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/** Longer than any traceparent of a known version; anything bigger is not parsed at all. */
const MAX_TRACEPARENT_LENGTH = 256;
/** W3C asks to propagate at least 512 characters of tracestate; beyond that it may be dropped. */
const MAX_TRACESTATE_LENGTH = 512;

// The kit always speaks W3C, also when the global propagator is the API's no-op (tracing off, or
// a host process that registered nothing): extraction and injection are ours, not configuration.
const w3c = new W3CTraceContextPropagator();

type Carrier = Record<string, unknown>;

const boundedGetter: TextMapGetter<Carrier> = {
  keys: (carrier) => Object.keys(carrier),
  get(carrier, key) {
    const raw = carrier[key];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (typeof value !== 'string') return undefined;
    const limit = key === 'tracestate' ? MAX_TRACESTATE_LENGTH : MAX_TRACEPARENT_LENGTH;
    return value.length > limit ? undefined : value;
  },
};

function extractFrom(carrier: Carrier, base: Context): Context | undefined {
  const extracted = w3c.extract(base, carrier, boundedGetter);
  const spanContext = trace.getSpanContext(extracted);
  return spanContext !== undefined && isSpanContextValid(spanContext) ? extracted : undefined;
}

/** The remote parent named by `traceparent`/`tracestate` headers, if valid. */
export function traceContextFromHeaders(headers: Readonly<Record<string, unknown>>, base: Context = ROOT_CONTEXT): Context | undefined {
  return extractFrom(headers as Carrier, base);
}

/** The remote parent named by `_meta.traceparent`/`_meta.tracestate` of an MCP request, if valid. */
export function traceContextFromMeta(meta: unknown, base: Context = ROOT_CONTEXT): Context | undefined {
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) return undefined;
  return extractFrom(meta as Carrier, base);
}

/** `params._meta` of a single JSON-RPC message (not a batch), else undefined. */
export function metaOf(message: unknown): unknown {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return undefined;
  const params = (message as { params?: unknown }).params;
  if (typeof params !== 'object' || params === null) return undefined;
  return (params as { _meta?: unknown })._meta;
}

/** The parent of a request's server span: the single message's `_meta`, else the headers, else none (a new trace). */
export function incomingTraceContext(headers: Readonly<Record<string, unknown>>, body: unknown): Context {
  return traceContextFromMeta(metaOf(body)) ?? traceContextFromHeaders(headers) ?? ROOT_CONTEXT;
}

/** `traceparent` (and `tracestate`) for the span active in `ctx`; empty when there is none. */
export function traceHeadersFor(ctx: Context): Record<string, string> {
  const out: Record<string, string> = {};
  const spanContext = trace.getSpanContext(ctx);
  if (spanContext === undefined || !isSpanContextValid(spanContext)) return out;
  w3c.inject(ctx, out, { set: (carrier, key, value) => (carrier[key] = value) });
  return out;
}

/**
 * The message with `_meta.traceparent`/`tracestate` set to `ctx`'s span, for hops that carry the
 * context inside the MCP message. Other `_meta` keys are kept; a stale `tracestate` is dropped.
 */
export function withTraceMeta<T>(message: T, ctx: Context): T {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return message;
  const headers = traceHeadersFor(ctx);
  if (headers.traceparent === undefined) return message;
  const params = (message as { params?: unknown }).params;
  const baseParams = typeof params === 'object' && params !== null && !Array.isArray(params) ? (params as Record<string, unknown>) : {};
  const meta = baseParams._meta;
  const baseMeta = typeof meta === 'object' && meta !== null && !Array.isArray(meta) ? (meta as Record<string, unknown>) : {};
  const { tracestate: _dropped, ...keptMeta } = baseMeta;
  return { ...message, params: { ...baseParams, _meta: { ...keptMeta, ...headers } } };
}
