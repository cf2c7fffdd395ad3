// Starts and stops the OpenTelemetry SDK for one process: a tracer provider with a bounded batch
// queue, the OTLP/HTTP exporter (protobuf or JSON) the OTEL_* variables describe, the W3C trace
// context propagator and an AsyncLocalStorage context manager. With tracing off nothing is
// registered, so the API's no-op tracer answers every call (no exporter, no network, no spans).
// A collector that is down or slow never holds a request: spans queue (and are dropped past the
// bound), exports time out, and shutdown() gives the final flush a deadline of its own.
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan, Sampler, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace';
import { AlwaysOffSampler, AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler, SimpleSpanProcessor, TraceIdRatioBasedSampler, TracerProvider } from '@opentelemetry/sdk-trace';
import type { EnabledTracingConfig, TracingConfig } from './config.ts';
import { parseTracingConfig } from './config.ts';

export interface StartTracingOptions {
  /** The default service.name; OTEL_SERVICE_NAME wins when set. */
  serviceName: string;
  serviceVersion?: string;
  /** Defaults to process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Export here instead of OTLP, each span as it ends (tests use the SDK's InMemorySpanExporter).
   * Tracing is then on whatever the environment says, apart from OTEL_SDK_DISABLED.
   */
  exporter?: SpanExporter;
  /** Told (at most once a minute) when exports fail, e.g. to log that the collector is unreachable. */
  onExportFailure?: (message: string) => void;
}

export interface TracingHandle {
  readonly enabled: boolean;
  /** Why tracing is off, when it is. */
  readonly disabledReason: string | undefined;
  /** Exports what is queued; resolves by the deadline even when the collector does not answer. */
  forceFlush(timeoutMs?: number): Promise<void>;
  /** Flushes (bounded by `timeoutMs`, default 5 s) and unregisters the SDK; idempotent. */
  shutdown(timeoutMs?: number): Promise<void>;
}

const FAILURE_REPORT_INTERVAL_MS = 60_000;

function samplerFor({ name, ratio }: EnabledTracingConfig['sampler']): Sampler {
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

async function otlpExporter(config: EnabledTracingConfig): Promise<SpanExporter> {
  const options = { url: config.url, headers: config.headers, timeoutMillis: config.exportTimeoutMs };
  // Loaded only when tracing is on: servers without a collector never pay for the exporter.
  if (config.protocol === 'http/json') return new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter(options);
  return new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter(options);
}

/** Reports failed exports, throttled, without changing what the exporter does. */
function reportingFailures(exporter: SpanExporter, report: ((message: string) => void) | undefined): SpanExporter {
  if (report === undefined) return exporter;
  let lastReport = Number.NEGATIVE_INFINITY;
  let dropped = 0;
  return {
    export(spans: ReadableSpan[], done) {
      exporter.export(spans, (result) => {
        if (result.code !== 0) {
          dropped += spans.length;
          const now = Date.now();
          if (now - lastReport >= FAILURE_REPORT_INTERVAL_MS) {
            lastReport = now;
            report(`trace export failed (${result.error?.message ?? 'unknown error'}); ${dropped} span(s) dropped so far`);
          }
        }
        done(result);
      });
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}

function withDeadline(work: Promise<unknown>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work.then(
      () => undefined,
      () => undefined,
    ),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      timer.unref();
    }),
  ]).finally(() => clearTimeout(timer));
}

const disabledHandle = (reason: string): TracingHandle => ({
  enabled: false,
  disabledReason: reason,
  forceFlush: async () => {},
  shutdown: async () => {},
});

/**
 * Reads the OTEL_* variables and, when tracing is on, registers the SDK globally (one provider
 * per process: a second start replaces the first's registration). Throws ConfigError on bad values.
 */
export async function startTracing(options: StartTracingOptions): Promise<TracingHandle> {
  const env = options.env ?? process.env;
  const parsed: TracingConfig = options.exporter ? parseTracingConfig({ ...env, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://in-process.invalid/v1/traces', OTEL_TRACES_EXPORTER: undefined }) : parseTracingConfig(env);
  if (!parsed.enabled) return disabledHandle(parsed.reason);

  const exporter = reportingFailures(options.exporter ?? (await otlpExporter(parsed)), options.onExportFailure);
  const processor: SpanProcessor = options.exporter
    ? new SimpleSpanProcessor({ exporter })
    : new BatchSpanProcessor({
        exporter,
        maxQueueSize: parsed.batch.maxQueueSize,
        maxExportBatchSize: parsed.batch.maxExportBatchSize,
        scheduledDelayMillis: parsed.batch.scheduledDelayMs,
        exportTimeoutMillis: parsed.exportTimeoutMs,
      });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      ...parsed.resourceAttributes,
      'service.name': parsed.serviceName || options.serviceName,
      ...(options.serviceVersion !== undefined && { 'service.version': options.serviceVersion }),
    }),
    sampler: samplerFor(parsed.sampler),
    spanProcessors: [processor],
  });

  // Replacing a previous registration (tests start several in one process) needs disable() first.
  trace.disable();
  context.disable();
  propagation.disable();
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);

  let stopping: Promise<void> | undefined;
  return {
    enabled: true,
    disabledReason: undefined,
    forceFlush: (timeoutMs = 5000) => withDeadline(provider.forceFlush({ timeoutMillis: timeoutMs }), timeoutMs),
    shutdown: (timeoutMs = 5000) =>
      (stopping ??= (async () => {
        await withDeadline(provider.shutdown(), timeoutMs);
        // Only unregister what is still ours: a later start may have replaced it.
        if ((trace.getTracerProvider() as { getDelegate?: () => unknown }).getDelegate?.() === provider) {
          trace.disable();
          context.disable();
          propagation.disable();
        }
      })()),
  };
}
