// The test collector receives what the official JS SDK exports over OTLP/HTTP (protobuf and
// JSON), keeps parent-child links and resource attributes, refuses requests without its bearer
// token when it has one, and leaves no process behind.
import { strict as assert } from 'node:assert';
import { context, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor, TracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace';
import { startCollector, type Collector } from '../src/collector.ts';
import { spansOfJsonLines } from '../src/spans.ts';

function providerExportingTo(exporter: SpanExporter, serviceName: string): TracerProvider {
  return new TracerProvider({ resource: resourceFromAttributes({ 'service.name': serviceName, 'k8s.namespace.name': 'tools' }), spanProcessors: [new SimpleSpanProcessor({ exporter })] });
}

/** A parent span with one child, ended and flushed; resolves with their ids. */
async function exportParentAndChild(provider: TracerProvider): Promise<{ traceId: string; parentId: string; childId: string }> {
  const tracer = provider.getTracer('collector-test');
  const parent = tracer.startSpan('parent', { attributes: { 'mcp.tool.name': 'echo', attempt: 2, ok: true } });
  const child = tracer.startSpan('child', {}, trace.setSpan(context.active(), parent));
  child.addEvent('step', { phase: 'one' });
  child.end();
  parent.end();
  await provider.forceFlush();
  return { traceId: parent.spanContext().traceId, parentId: parent.spanContext().spanId, childId: child.spanContext().spanId };
}

describe('hack/otelcol: the OpenTelemetry Collector built from Go modules', function () {
  // The first call builds the collector (minutes on a busy 2-core machine); later calls find it cached.
  this.timeout(30 * 60_000);
  let collector: Collector | undefined;
  afterEach(async () => {
    await collector?.stop();
    collector = undefined;
  });

  it('receives spans from the JS SDK OTLP/HTTP exporters with their parent-child links, attributes and resource', async () => {
    collector = await startCollector();
    const proto = providerExportingTo(new OtlpProtoExporter({ url: `${collector.otlpHttpEndpoint}/v1/traces` }), 'proto-service');
    const json = providerExportingTo(new OtlpJsonExporter({ url: `${collector.otlpHttpEndpoint}/v1/traces` }), 'json-service');
    const sent = [await exportParentAndChild(proto), await exportParentAndChild(json)];
    const spans = await collector.waitForSpans((received) => received.length >= 4, 60_000);
    for (const [index, ids] of sent.entries()) {
      const parent = spans.find((s) => s.spanId === ids.parentId);
      const child = spans.find((s) => s.spanId === ids.childId);
      assert.ok(parent && child, `both spans of export ${index} arrived`);
      assert.equal(parent.traceId, ids.traceId);
      assert.equal(parent.parentSpanId, '');
      assert.equal(child.traceId, ids.traceId);
      assert.equal(child.parentSpanId, ids.parentId);
      assert.deepEqual(parent.attributes, { 'mcp.tool.name': 'echo', attempt: 2, ok: true });
      assert.deepEqual(child.events, [{ name: 'step', attributes: { phase: 'one' } }]);
      assert.equal(child.scope, 'collector-test');
      assert.equal(parent.resource['service.name'], index === 0 ? 'proto-service' : 'json-service');
      assert.equal(parent.resource['k8s.namespace.name'], 'tools');
    }
    await Promise.all([proto.shutdown(), json.shutdown()]);
  });

  it('with a bearer token, refuses exports without it and accepts those that carry it', async () => {
    collector = await startCollector({ bearerToken: 'otlp-token-1' });
    const url = `${collector.otlpHttpEndpoint}/v1/traces`;
    const unauthenticated = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(unauthenticated.status, 401);
    const wrong = providerExportingTo(new OtlpProtoExporter({ url, headers: { Authorization: 'Bearer guessed' } }), 'guesser');
    await assert.rejects(exportParentAndChild(wrong), /Unauthorized/);
    const right = providerExportingTo(new OtlpProtoExporter({ url, headers: { Authorization: 'Bearer otlp-token-1' } }), 'holder');
    const ids = await exportParentAndChild(right);
    const spans = await collector.waitForSpans((received) => received.some((s) => s.spanId === ids.childId), 60_000);
    assert.deepEqual([...new Set(spans.map((s) => s.resource['service.name']))], ['holder'], 'only the exports with the token arrived');
    await Promise.all([wrong.shutdown(), right.shutdown()]);
  });

  it('stops its process and cleans up; waitForSpans fails with what did arrive', async () => {
    collector = await startCollector({ grpc: true });
    assert.match(collector.otlpGrpcEndpoint ?? '', /^127\.0\.0\.1:\d+$/);
    await assert.rejects(collector.waitForSpans((spans) => spans.length > 0, 500), /spans did not arrive within 500 ms; received: none/);
    const { pid } = collector;
    await collector.stop();
    collector = undefined;
    assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' });
  });
});

describe('hack/otelcol: the file exporter output', () => {
  it('flattens OTLP/JSON values and ignores a last line still being written', () => {
    const line = JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 's' } }] },
          scopeSpans: [
            {
              scope: { name: 'scope' },
              spans: [
                {
                  traceId: 't',
                  spanId: 'a',
                  name: 'n',
                  kind: 2,
                  status: { code: 2 },
                  attributes: [
                    { key: 'i', value: { intValue: '7' } },
                    { key: 'd', value: { doubleValue: 0.5 } },
                    { key: 'list', value: { arrayValue: { values: [{ stringValue: 'x' }, { boolValue: false }] } } },
                    { key: 'map', value: { kvlistValue: { values: [{ key: 'k', value: { stringValue: 'v' } }] } } },
                    { key: 'empty' },
                  ],
                },
              ],
            },
          ],
        },
      ],
    });
    const [span, ...rest] = spansOfJsonLines(`${line}\n${line.slice(0, 40)}`);
    assert.equal(rest.length, 0);
    assert.deepEqual(span?.attributes, { i: 7, d: 0.5, list: ['x', false], map: { k: 'v' }, empty: null });
    assert.equal(span?.parentSpanId, '');
    assert.equal(span?.statusCode, 2);
    assert.equal(span?.resource['service.name'], 's');
    assert.deepEqual(spansOfJsonLines(''), []);
  });
});
