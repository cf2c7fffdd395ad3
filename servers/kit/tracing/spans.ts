// The kit's span vocabulary: one tracer, the attribute names of the OpenTelemetry MCP and GenAI
// conventions (development status, so they live here in one place), and a helper that runs work
// in a child span and records its outcome. With tracing off every span is the API's no-op one.
import type { Attributes, Context, Span, SpanKind } from '@opentelemetry/api';
import { SpanStatusCode, context, trace } from '@opentelemetry/api';

export const KIT_TRACER_NAME = 'mcpfleet-kit';

/** Attribute names from the OpenTelemetry semantic conventions the kit's spans use. */
export const ATTR = {
  mcpMethod: 'mcp.method.name',
  mcpSessionId: 'mcp.session.id',
  mcpProtocolVersion: 'mcp.protocol.version',
  jsonRpcRequestId: 'jsonrpc.request.id',
  rpcStatusCode: 'rpc.response.status_code',
  toolName: 'gen_ai.tool.name',
  operationName: 'gen_ai.operation.name',
  errorType: 'error.type',
  httpMethod: 'http.request.method',
  httpRoute: 'http.route',
  httpStatus: 'http.response.status_code',
  urlPath: 'url.path',
  urlFull: 'url.full',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  clientAddress: 'client.address',
  networkTransport: 'network.transport',
  networkProtocol: 'network.protocol.name',
  dbSystem: 'db.system.name',
  dbOperation: 'db.operation.name',
  dbNamespace: 'db.namespace',
  rpcSystem: 'rpc.system',
  rpcService: 'rpc.service',
  rpcMethod: 'rpc.method',
  cloudRegion: 'cloud.region',
  /** The kit's own: how a tools/call ended (success, cached, tool_error, error). */
  toolOutcome: 'mcpfleet.tool.outcome',
} as const;

export function kitTracer() {
  return trace.getTracer(KIT_TRACER_NAME);
}

export function errorTypeOf(error: unknown): string {
  if (error instanceof Error) return error.name && error.name !== 'Error' ? error.name : error.constructor.name || 'Error';
  return '_OTHER';
}

/** Ends `span` as failed with `errorType`; the message goes in the status, never an argument value. */
export function endWithError(span: Span, errorType: string, message?: string): void {
  span.setAttribute(ATTR.errorType, errorType);
  span.setStatus({ code: SpanStatusCode.ERROR, ...(message !== undefined && { message }) });
  span.end();
}

export interface ChildSpanOptions {
  kind: SpanKind;
  attributes?: Attributes;
  /** Parent context; defaults to the active one. */
  parent?: Context;
}

/**
 * Runs `work` in a child span of the active (or given) context: ok when it resolves, error with
 * `error.type` when it throws (the error is rethrown untouched).
 */
export async function inChildSpan<T>(name: string, options: ChildSpanOptions, work: (span: Span) => Promise<T>): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = kitTracer().startSpan(name, { kind: options.kind, ...(options.attributes && { attributes: options.attributes }) }, parent);
  try {
    const result = await context.with(trace.setSpan(parent, span), () => work(span));
    span.end();
    return result;
  } catch (error) {
    endWithError(span, errorTypeOf(error), error instanceof Error ? error.message.slice(0, 200) : undefined);
    throw error;
  }
}
