// A CLIENT span per AWS SDK command (retries included), added as SDK middleware rather than the
// aws-sdk instrumentation package: that one patches modules at load time, which our ESM entry
// points would need a loader hook for. Names follow the RPC conventions the AWS instrumentation
// uses (rpc.system aws-api, rpc.service S3, rpc.method GetObject); no parameters are recorded.
import { SpanKind } from '@opentelemetry/api';
import { ATTR, inChildSpan } from './spans.ts';
import { tracingActive } from './state.ts';

interface HandlerContext {
  clientName?: string;
  commandName?: string;
}

type Next = (args: unknown) => Promise<{ output?: { $metadata?: { httpStatusCode?: number; requestId?: string } } }>;

/** The part of an SDK v3 client the middleware needs. */
export interface TraceableAwsClient {
  middlewareStack: { add(middleware: never, options: { step: 'initialize'; name: string; override?: boolean }): void };
}

const strip = (name: string | undefined, suffix: string) => (name ?? 'Unknown').replace(new RegExp(`${suffix}$`), '');

export function traceAwsClient<T extends TraceableAwsClient>(client: T, region: string): T {
  const middleware = (next: Next, handlerContext: HandlerContext) => (args: unknown) => {
    if (!tracingActive()) return next(args);
    const service = strip(handlerContext.clientName, 'Client');
    const operation = strip(handlerContext.commandName, 'Command');
    return inChildSpan(
      `${service}.${operation}`,
      { kind: SpanKind.CLIENT, attributes: { [ATTR.rpcSystem]: 'aws-api', [ATTR.rpcService]: service, [ATTR.rpcMethod]: operation, [ATTR.cloudRegion]: region } },
      async (span) => {
        const result = await next(args);
        const metadata = result.output?.$metadata;
        if (metadata?.httpStatusCode !== undefined) span.setAttribute(ATTR.httpStatus, metadata.httpStatusCode);
        if (metadata?.requestId !== undefined) span.setAttribute('aws.request_id', metadata.requestId);
        return result;
      },
    );
  };
  client.middlewareStack.add(middleware as never, { step: 'initialize', name: 'mcpfleetTracing', override: true });
  return client;
}
