import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind, context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { ConfigError } from '../../env.ts';
import { DEFAULT_OTLP_TRACES_URL, parseTracingConfig } from '../config.ts';
import { incomingTraceContext, traceContextFromHeaders, traceContextFromMeta, traceHeadersFor, withTraceMeta } from '../propagation.ts';
import { inChildSpan, kitTracer } from '../spans.ts';
import { startTracing } from '../start.ts';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${PARENT_ID}-01`;
const META_TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const META_TRACEPARENT = `00-${META_TRACE_ID}-b7ad6b7169203331-01`;

const traceIdOf = (ctx: ReturnType<typeof context.active> | undefined) => (ctx ? trace.getSpanContext(ctx)?.traceId : undefined);

describe('tracing config (OTEL_* variables)', () => {
  it('is off without an endpoint, with OTEL_SDK_DISABLED and with OTEL_TRACES_EXPORTER=none', () => {
    assert.equal(parseTracingConfig({}).enabled, false);
    assert.equal(parseTracingConfig({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }).enabled, false);
    assert.equal(parseTracingConfig({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }).enabled, false);
    // An empty variable (a ConfigMap key rendered as "") counts as unset.
    assert.equal(parseTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: '' }).enabled, false);
  });

  it('builds the traces URL by the OTLP/HTTP rules and reads headers, resource, sampler and batch settings', () => {
    const generic = parseTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' });
    assert.ok(generic.enabled);
    assert.equal(generic.url, 'http://collector:4318/v1/traces');
    assert.equal(generic.protocol, 'http/protobuf');
    assert.deepEqual(generic.sampler, { name: 'parentbased_always_on', ratio: 1 });
    const specific = parseTracingConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/custom',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20abc,x-tenant=t1',
      OTEL_SERVICE_NAME: 'weather',
      OTEL_RESOURCE_ATTRIBUTES: 'k8s.namespace.name=prod,service.namespace=mcp',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
      OTEL_BSP_MAX_QUEUE_SIZE: '100',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '500',
    });
    assert.ok(specific.enabled);
    assert.equal(specific.url, 'https://traces.example/custom');
    assert.equal(specific.protocol, 'http/json');
    assert.deepEqual(specific.headers, { authorization: 'Bearer abc', 'x-tenant': 't1' });
    assert.equal(specific.serviceName, 'weather');
    assert.deepEqual(specific.resourceAttributes, { 'k8s.namespace.name': 'prod', 'service.namespace': 'mcp' });
    assert.deepEqual(specific.sampler, { name: 'parentbased_traceidratio', ratio: 0.25 });
    assert.equal(specific.batch.maxExportBatchSize, 100, 'a batch never exceeds the queue');
    const defaulted = parseTracingConfig({ OTEL_TRACES_EXPORTER: 'otlp' });
    assert.ok(defaulted.enabled);
    assert.equal(defaulted.url, DEFAULT_OTLP_TRACES_URL);
  });

  it('refuses what it cannot honour, naming the variable', () => {
    const refused: [Record<string, string>, RegExp][] = [
      [{ OTEL_TRACES_EXPORTER: 'zipkin' }, /OTEL_TRACES_EXPORTER.*zipkin/],
      [{ OTEL_TRACES_EXPORTER: 'console' }, /OTEL_TRACES_EXPORTER/],
      [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, /grpc is not supported/],
      [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, /OTEL_EXPORTER_OTLP_ENDPOINT/],
      [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_SAMPLER: 'sometimes' }, /OTEL_TRACES_SAMPLER/],
      [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_SAMPLER_ARG: '2' }, /OTEL_TRACES_SAMPLER_ARG/],
      [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_HEADERS: 'novalue' }, /OTEL_EXPORTER_OTLP_HEADERS/],
      [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_BSP_MAX_QUEUE_SIZE: '-1' }, /OTEL_BSP_MAX_QUEUE_SIZE/],
    ];
    for (const [env, message] of refused) assert.throws(() => parseTracingConfig(env), (error: unknown) => error instanceof ConfigError && message.test(error.message), JSON.stringify(env));
  });
});

describe('trace context propagation (W3C traceparent in headers and MCP _meta)', () => {
  it('reads a valid traceparent (and tracestate) from headers and from _meta', () => {
    const fromHeaders = traceContextFromHeaders({ traceparent: TRACEPARENT, tracestate: 'vendor=abc' });
    assert.equal(traceIdOf(fromHeaders), TRACE_ID);
    assert.equal(trace.getSpanContext(fromHeaders!)?.traceState?.get('vendor'), 'abc');
    assert.equal(traceIdOf(traceContextFromMeta({ traceparent: META_TRACEPARENT })), META_TRACE_ID);
  });

  it('lets a single message _meta win over the headers, and uses the headers for batches', () => {
    const single = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x', _meta: { traceparent: META_TRACEPARENT } } };
    assert.equal(traceIdOf(incomingTraceContext({ traceparent: TRACEPARENT }, single)), META_TRACE_ID);
    assert.equal(traceIdOf(incomingTraceContext({ traceparent: TRACEPARENT }, [single, single])), TRACE_ID);
    assert.equal(traceIdOf(incomingTraceContext({ traceparent: TRACEPARENT }, { ...single, params: { name: 'x', _meta: { traceparent: 'garbage' } } })), TRACE_ID, 'a bad _meta falls back to the headers');
    assert.equal(traceIdOf(incomingTraceContext({}, { jsonrpc: '2.0', id: 1, method: 'ping' })), undefined);
  });

  it('ignores malformed values safely (fuzzed)', () => {
    const bad: unknown[] = [
      `00-${'0'.repeat(32)}-${PARENT_ID}-01`, // all-zero trace id
      `00-${TRACE_ID}-${'0'.repeat(16)}-01`, // all-zero span id
      `ff-${TRACE_ID}-${PARENT_ID}-01`, // forbidden version
      `00-${TRACE_ID.toUpperCase()}-${PARENT_ID}-01`, // upper case
      `00-${TRACE_ID}-${PARENT_ID}`, // missing flags
      `00-${TRACE_ID}-${PARENT_ID}-01${'-x'.repeat(1_000_000)}`, // huge
      '-'.repeat(100_000),
      '',
      42,
      { traceparent: TRACEPARENT },
      [TRACEPARENT.slice(1)],
      null,
    ];
    const started = Date.now();
    for (const value of bad) {
      assert.equal(traceContextFromHeaders({ traceparent: value }), undefined, String(value).slice(0, 60));
      assert.equal(traceContextFromMeta({ traceparent: value }), undefined);
    }
    for (const meta of [null, 'x', [TRACEPARENT], 7, undefined]) assert.equal(traceContextFromMeta(meta), undefined);
    for (let i = 0; i < 500; i++) {
      const random = Array.from({ length: Math.floor(Math.random() * 80) }, () => '0123456789abcdef-xX '.charAt(Math.floor(Math.random() * 20))).join('');
      const parsed = traceContextFromHeaders({ traceparent: random });
      if (parsed !== undefined) assert.match(random.trim(), /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}/);
    }
    assert.ok(Date.now() - started < 5000, 'parsing stays linear');
    // An oversized tracestate is dropped, the traceparent still counts.
    const withHugeState = traceContextFromHeaders({ traceparent: TRACEPARENT, tracestate: `a=${'b'.repeat(10_000)}` });
    assert.equal(traceIdOf(withHugeState), TRACE_ID);
    assert.equal(trace.getSpanContext(withHugeState!)?.traceState, undefined);
  });

  it('writes the context into headers and into _meta, keeping other _meta keys', () => {
    const ctx = traceContextFromHeaders({ traceparent: TRACEPARENT })!;
    assert.deepEqual(traceHeadersFor(ctx), { traceparent: TRACEPARENT });
    assert.deepEqual(traceHeadersFor(context.active()), {});
    const message = { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 't', _meta: { progressToken: 9, traceparent: META_TRACEPARENT, tracestate: 'old=1' } } };
    assert.deepEqual(withTraceMeta(message, ctx).params._meta, { progressToken: 9, traceparent: TRACEPARENT });
    assert.deepEqual(withTraceMeta({ jsonrpc: '2.0', id: 4, method: 'ping' }, ctx), { jsonrpc: '2.0', id: 4, method: 'ping', params: { _meta: { traceparent: TRACEPARENT } } });
    assert.equal(withTraceMeta(message, context.active()), message, 'no span, no change');
  });
});

describe('startTracing', () => {
  it('stays off (no-op spans) without an endpoint', async () => {
    const handle = await startTracing({ serviceName: 'test', env: {} });
    assert.equal(handle.enabled, false);
    assert.match(handle.disabledReason ?? '', /endpoint/);
    const span = kitTracer().startSpan('nothing');
    assert.equal(span.isRecording(), false);
    span.end();
    await handle.shutdown();
  });

  it('records nested spans with the service resource, the remote parent and outcomes', async () => {
    const exporter = new InMemorySpanExporter();
    const handle = await startTracing({ serviceName: 'unit', serviceVersion: '1.2.3', env: { OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=test' }, exporter });
    try {
      assert.equal(handle.enabled, true);
      const remote = traceContextFromHeaders({ traceparent: TRACEPARENT })!;
      await inChildSpan('outer', { kind: SpanKind.SERVER, parent: remote }, async () => {
        await inChildSpan('inner ok', { kind: SpanKind.CLIENT }, async () => 1);
        await assert.rejects(inChildSpan('inner failing', { kind: SpanKind.CLIENT }, async () => Promise.reject(new RangeError('nope'))), RangeError);
      });
      await handle.forceFlush();
      const spans = exporter.getFinishedSpans();
      const byName = new Map(spans.map((span) => [span.name, span]));
      const outer = byName.get('outer')!;
      assert.equal(outer.spanContext().traceId, TRACE_ID);
      assert.equal(outer.parentSpanContext?.spanId, PARENT_ID);
      assert.equal(byName.get('inner ok')!.parentSpanContext?.spanId, outer.spanContext().spanId);
      assert.equal(byName.get('inner failing')!.attributes['error.type'], 'RangeError');
      assert.equal(byName.get('inner failing')!.status.code, 2);
      assert.equal(outer.resource.attributes['service.name'], 'unit');
      assert.equal(outer.resource.attributes['service.version'], '1.2.3');
      assert.equal(outer.resource.attributes['deployment.environment.name'], 'test');
    } finally {
      await handle.shutdown();
    }
    assert.equal(kitTracer().startSpan('after shutdown').isRecording(), false, 'shutdown unregisters the SDK');
    await handle.shutdown();
  });

  it('OTEL_SERVICE_NAME wins over the default name; OTEL_SDK_DISABLED wins over a test exporter', async () => {
    const exporter = new InMemorySpanExporter();
    const named = await startTracing({ serviceName: 'default', env: { OTEL_SERVICE_NAME: 'from-env' }, exporter });
    kitTracer().startSpan('x').end();
    await named.forceFlush();
    assert.equal(exporter.getFinishedSpans()[0]?.resource.attributes['service.name'], 'from-env');
    await named.shutdown();
    const disabled = await startTracing({ serviceName: 'x', env: { OTEL_SDK_DISABLED: 'true' }, exporter: new InMemorySpanExporter() });
    assert.equal(disabled.enabled, false);
  });

  it('never blocks when the collector is down or hangs: shutdown keeps its deadline and export failures are reported', async function () {
    this.timeout(30_000);
    // A collector that accepts connections and never answers.
    const hanging = createServer(() => {});
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const port = (hanging.address() as AddressInfo).port;
    const failures: string[] = [];
    try {
      const handle = await startTracing({
        serviceName: 'down',
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_EXPORTER_OTLP_TIMEOUT: '300', OTEL_BSP_SCHEDULE_DELAY: '50' },
        onExportFailure: (message) => failures.push(message),
      });
      assert.equal(handle.enabled, true);
      const started = Date.now();
      for (let i = 0; i < 5000; i++) kitTracer().startSpan(`span ${i}`).end();
      assert.ok(Date.now() - started < 5000, 'ending spans does not wait for the collector');
      const deadline = Date.now() + 15_000;
      while (failures.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.match(failures[0] ?? '', /trace export failed/);
      const stopping = Date.now();
      await handle.shutdown(1000);
      assert.ok(Date.now() - stopping < 5000, `shutdown took ${Date.now() - stopping} ms`);
    } finally {
      hanging.closeAllConnections();
      await new Promise((resolve) => hanging.close(resolve));
    }
  });
});
