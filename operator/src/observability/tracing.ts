// The operator's own traces: one span per reconcile with the named steps as child spans, a
// client span per Kubernetes API call made inside a reconcile, and the verifier's probe span.
// Spans go through the OpenTelemetry API only; the SDK is started by main.ts from the standard
// OTEL_* variables (servers/kit/tracing), so with tracing off every span is the API's no-op one
// and nothing is exported. Calls outside a reconcile (list/watch, leader election) make no spans:
// they would be a root trace per poll.
import type { Attributes, Span } from '@opentelemetry/api';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { endWithError, errorTypeOf } from '../../../servers/kit/tracing/spans.ts';
import { traceHeadersFor } from '../../../servers/kit/tracing/propagation.ts';
import { OPERATOR_VERSION } from '../version.ts';

export const OPERATOR_TRACER_NAME = 'mcpfleet-operator';

export const OPERATOR_ATTR = {
  controller: 'mcpfleet.controller',
  namespace: 'k8s.namespace.name',
  name: 'mcpfleet.mcpserver.name',
  generation: 'mcpfleet.mcpserver.generation',
  reconcileId: 'mcpfleet.reconcile.id',
  /** ok, requeue, error or not_leader. */
  result: 'mcpfleet.reconcile.result',
  httpMethod: 'http.request.method',
  httpStatus: 'http.response.status_code',
  urlPath: 'url.path',
  k8sResource: 'k8s.resource',
  url: 'url.full',
} as const;

function tracer() {
  return trace.getTracer(OPERATOR_TRACER_NAME, OPERATOR_VERSION);
}

/** Runs `work` in `span` (active), ending it as ok or as failed with the error's type. */
async function runIn<T>(span: Span, work: (span: Span) => Promise<T>): Promise<T> {
  try {
    const result = await context.with(trace.setSpan(context.active(), span), () => work(span));
    span.end();
    return result;
  } catch (error) {
    endWithError(span, errorTypeOf(error), error instanceof Error ? error.message.slice(0, 200) : undefined);
    throw error;
  }
}

/** The root span of one reconcile; `work` reports the result it ended with. */
export function reconcileSpan<T>(attributes: { controller: string; key: string; reconcileId: string }, work: (span: Span) => Promise<T>): Promise<T> {
  const [namespace, name] = attributes.key.includes('/') ? attributes.key.split('/', 2) : ['', attributes.key];
  const span = tracer().startSpan(`reconcile ${attributes.controller}`, {
    kind: SpanKind.INTERNAL,
    root: true,
    attributes: { [OPERATOR_ATTR.controller]: attributes.controller, [OPERATOR_ATTR.namespace]: namespace ?? '', [OPERATOR_ATTR.name]: name ?? '', [OPERATOR_ATTR.reconcileId]: attributes.reconcileId },
  });
  return runIn(span, work);
}

export function setReconcileResult(span: Span, result: string): void {
  span.setAttribute(OPERATOR_ATTR.result, result);
  if (result === 'error') span.setStatus({ code: SpanStatusCode.ERROR });
}

/** Adds attributes to the reconcile (or step) span in progress, if any. */
export function annotateActiveSpan(attributes: Attributes): void {
  trace.getActiveSpan()?.setAttributes(attributes);
}

/** One named step of a reconcile as a child span of it. */
export function reconcileStep<T>(name: string, work: () => Promise<T>): Promise<T> {
  if (trace.getActiveSpan() === undefined) return work();
  return runIn(tracer().startSpan(name, { kind: SpanKind.INTERNAL }), () => work());
}

/**
 * A Kubernetes API call as a client span of the active reconcile, with `traceparent` for the API
 * server (its own tracing joins the trace when enabled). Outside a reconcile: no span, no header.
 */
export async function kubeApiSpan<T>(method: string, path: string, work: (traceHeaders: Record<string, string>, span: Span | undefined) => Promise<T>): Promise<T> {
  if (trace.getActiveSpan() === undefined) return work({}, undefined);
  const span = tracer().startSpan(`${method} ${kubeResourceOf(path)}`, {
    kind: SpanKind.CLIENT,
    attributes: { [OPERATOR_ATTR.httpMethod]: method, [OPERATOR_ATTR.urlPath]: path.split('?')[0]!, [OPERATOR_ATTR.k8sResource]: kubeResourceOf(path) },
  });
  return runIn(span, (active) => work(traceHeadersFor(trace.setSpan(context.active(), active)), active));
}

/**
 * The resource of an API path without object names (low cardinality): /apis/apps/v1/namespaces/x/deployments/y → apps/v1 deployments.
 * Namespaces and names are in url.path.
 */
export function kubeResourceOf(path: string): string {
  const parts = path.split('?')[0]!.split('/').filter((p) => p !== '');
  const group = parts[0] === 'api' ? parts.slice(1, 2) : parts.slice(1, 3);
  let rest = parts.slice(parts[0] === 'api' ? 2 : 3);
  if (rest[0] === 'namespaces' && rest.length > 2) rest = rest.slice(2);
  const resource = rest[0] ?? 'namespaces';
  const subresource = rest.length > 2 ? `/${rest[2]}` : '';
  return `${group.join('/')} ${resource}${subresource}`;
}

/** The verifier's probe of one endpoint as a client span; `work` gets the traceparent headers to send. */
export function probeSpan<T>(key: string, endpoint: string, work: (traceHeaders: Record<string, string>) => Promise<T>): Promise<T> {
  const [namespace, name] = key.split('/', 2);
  const span = tracer().startSpan('verify McpServer', {
    kind: SpanKind.CLIENT,
    attributes: { [OPERATOR_ATTR.namespace]: namespace ?? '', [OPERATOR_ATTR.name]: name ?? '', [OPERATOR_ATTR.url]: endpoint },
  });
  return runIn(span, (active) => work(traceHeadersFor(trace.setSpan(context.active(), active))));
}
