// Child spans for what tools call, without patching modules: outbound fetch through the official
// undici instrumentation (it listens on undici's diagnostics channels and injects traceparent),
// Redis through node-redis's own tracing channel (the official redis instrumentation covers
// redis below v6 and patches modules at load time; node-redis v6 publishes a TracingChannel, so
// the kit subscribes to that instead). Spans are only
// made inside a trace (never a root span for background work such as key refreshes), and never
// carry a query string or command arguments: they hold API keys and tool argument values.
import { tracingChannel } from 'node:diagnostics_channel';
import type { Span } from '@opentelemetry/api';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { ATTR, errorTypeOf, kitTracer } from './spans.ts';
import { redactedUrl } from './urls.ts';

interface RedisCommandMessage {
  command?: string;
  database?: number;
  serverAddress?: string;
  serverPort?: number;
  batchMode?: string;
  batchSize?: number;
  error?: unknown;
}

const spans = new WeakMap<object, Span>();

function startRedisSpan(message: RedisCommandMessage, operation: string): void {
  const parent = context.active();
  if (trace.getSpan(parent) === undefined) return;
  const span = kitTracer().startSpan(
    operation,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        [ATTR.dbSystem]: 'redis',
        [ATTR.dbOperation]: operation,
        ...(message.database !== undefined && { [ATTR.dbNamespace]: String(message.database) }),
        ...(message.serverAddress !== undefined && { [ATTR.serverAddress]: message.serverAddress }),
        ...(message.serverPort !== undefined && { [ATTR.serverPort]: message.serverPort }),
        ...(message.batchSize !== undefined && { 'db.operation.batch.size': message.batchSize }),
      },
    },
    parent,
  );
  spans.set(message, span);
}

function endRedisSpan(message: RedisCommandMessage): void {
  const span = spans.get(message);
  if (span === undefined) return;
  spans.delete(message);
  if (message.error !== undefined) {
    span.setAttribute(ATTR.errorType, errorTypeOf(message.error));
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}

const commandName = (message: RedisCommandMessage) => (typeof message.command === 'string' ? message.command.toUpperCase().slice(0, 32) : 'COMMAND');

const redisCommandHandlers = {
  start: (message: unknown) => startRedisSpan(message as RedisCommandMessage, commandName(message as RedisCommandMessage)),
  end: () => {},
  asyncStart: () => {},
  // tracePromise publishes error (which sets message.error) before asyncEnd, so one place ends the span.
  asyncEnd: (message: unknown) => endRedisSpan(message as RedisCommandMessage),
  error: () => {},
};
const redisBatchHandlers = {
  ...redisCommandHandlers,
  start: (message: unknown) => startRedisSpan(message as RedisCommandMessage, (message as RedisCommandMessage).batchMode ?? 'PIPELINE'),
};

export interface UpstreamInstrumentation {
  disable(): void;
}

export function instrumentUpstreams(): UpstreamInstrumentation {
  const undici = new UndiciInstrumentation({
    requireParentforSpans: true,
    startSpanHook: (request) => {
      try {
        const url = new URL(request.path, request.origin);
        return { [ATTR.urlFull]: redactedUrl(url), 'url.query': undefined as unknown as string };
      } catch {
        return {};
      }
    },
  });
  undici.enable();
  const commands = tracingChannel('node-redis:command');
  const batches = tracingChannel('node-redis:batch');
  commands.subscribe(redisCommandHandlers);
  batches.subscribe(redisBatchHandlers);
  return {
    disable() {
      undici.disable();
      commands.unsubscribe(redisCommandHandlers);
      batches.unsubscribe(redisBatchHandlers);
    },
  };
}
