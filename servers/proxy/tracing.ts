// The proxy's part of a trace: a CLIENT span for each exchange with the upstream (child of the
// kit's HTTP and MCP spans for the client's request), whose context replaces the client's
// `traceparent` on the way up, in the headers and, for messages that carried one, in
// `params._meta` (an upstream that reads `_meta` first must see the proxy as its parent too).
// With tracing off nothing is touched: the client's headers pass through as they came.
import type { Span } from '@opentelemetry/api';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { metaOf, traceHeadersFor, withTraceMeta } from '../kit/tracing/propagation.ts';
import { ATTR, kitTracer } from '../kit/tracing/spans.ts';
import { tracingActive } from '../kit/tracing/state.ts';
import { redactedUrl } from '../kit/tracing/urls.ts';

export interface UpstreamExchangeTrace {
  /** Headers and body to send, carrying the exchange span's context. */
  headers: Record<string, string | string[]>;
  body: unknown;
  end(status: number | undefined, failure?: string): void;
}

function carriesMetaTraceparent(message: unknown): boolean {
  const meta = metaOf(message);
  return typeof meta === 'object' && meta !== null && 'traceparent' in meta;
}

function methodOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const method = (body as { method?: unknown }).method;
  return typeof method === 'string' ? method.slice(0, 128) : undefined;
}

export function traceUpstreamExchange(upstream: URL, httpMethod: string, headers: Record<string, string | string[]>, body: unknown): UpstreamExchangeTrace {
  if (!tracingActive()) return { headers, body, end: () => {} };
  const mcpMethod = methodOf(body);
  const span: Span = kitTracer().startSpan(
    mcpMethod ? `upstream ${mcpMethod}` : `${httpMethod} upstream`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        [ATTR.httpMethod]: httpMethod,
        [ATTR.urlFull]: redactedUrl(upstream),
        [ATTR.serverAddress]: upstream.hostname,
        [ATTR.serverPort]: Number(upstream.port || (upstream.protocol === 'https:' ? 443 : 80)),
        ...(mcpMethod !== undefined && { [ATTR.mcpMethod]: mcpMethod }),
      },
    },
    context.active(),
  );
  const ctx = trace.setSpan(context.active(), span);
  const { traceparent: _traceparent, tracestate: _tracestate, ...others } = headers;
  const rewrite = (message: unknown) => (carriesMetaTraceparent(message) ? withTraceMeta(message, ctx) : message);
  let ended = false;
  return {
    headers: { ...others, ...traceHeadersFor(ctx) },
    body: Array.isArray(body) ? body.map(rewrite) : rewrite(body),
    end(status, failure) {
      if (ended) return;
      ended = true;
      if (status !== undefined) span.setAttribute(ATTR.httpStatus, status);
      if (failure !== undefined || (status !== undefined && status >= 500)) {
        span.setAttribute(ATTR.errorType, failure ?? String(status));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    },
  };
}
