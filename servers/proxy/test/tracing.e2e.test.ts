// One trace from a real MCP client, through the proxy, into a kit server and on to its HTTP
// upstream, received by a real OpenTelemetry Collector: every hop's span with its parent intact.
// Also: the trace context carried in MCP `_meta` instead of headers, a collector that hangs (tool
// calls still answer), and SIGTERM (the spans of the last calls are flushed before exit).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind, context, trace } from '@opentelemetry/api';
import type { Collector } from '../../../hack/otelcol/src/collector.ts';
import { startCollector } from '../../../hack/otelcol/src/collector.ts';
import type { Span } from '../../../hack/otelcol/src/spans.ts';
import { startServerProcess, type ServerProcess } from '../../kit/test/serverProcess.ts';
import { connectClient } from '../../kit/testing.ts';
import type { TracingHandle } from '../../kit/tracing/start.ts';
import { startTracing } from '../../kit/tracing/start.ts';
import { startUpstreamStub, type UpstreamStub } from '../../weather/test/upstream-stub.ts';

const KEY = 'ow-trace-test-key-81c2aa';
const TOOL = 'get_current_weather';

const SERVER = 2;
const CLIENT = 3;

function only(spans: Span[], predicate: (span: Span) => boolean, what: string): Span {
  const found = spans.filter(predicate);
  assert.equal(found.length, 1, `expected one ${what}, got ${found.length}: ${spans.map((s) => `${String(s.resource['service.name'])}:${s.name}`).join(', ')}`);
  return found[0]!;
}

const service = (span: Span) => String(span.resource['service.name']);

function assertChild(child: Span, parent: Span, what: string): void {
  assert.equal(child.traceId, parent.traceId, `${what}: same trace`);
  assert.equal(child.parentSpanId, parent.spanId, `${what}: ${service(child)}:${child.name} is a child of ${service(parent)}:${parent.name}`);
}

/** A collector stand-in that accepts connections and never answers (the worst case for an exporter). */
async function startHangingCollector(): Promise<{ endpoint: string; close(): Promise<void> }> {
  const server: Server = createServer(() => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('traces: MCP client → proxy → kit server → HTTP upstream, at a real OpenTelemetry Collector', function () {
  this.timeout(240_000);
  let collector: Collector;
  let stub: UpstreamStub;
  let weather: ServerProcess;
  let proxy: ServerProcess;
  let tracing: TracingHandle;
  const processes: ServerProcess[] = [];

  const otelEnv = () => ({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpEndpoint, OTEL_BSP_SCHEDULE_DELAY: '100' });
  const weatherEnv = () => ({ OPENWEATHER_BASE_URL: stub.baseUrl, WTTR_BASE_URL: stub.baseUrl, OPENWEATHER_API_KEY: KEY, LOG_LEVEL: 'warn' });

  before(async () => {
    collector = await startCollector();
    stub = await startUpstreamStub({ validKey: KEY });
    weather = await startServerProcess('weather', { ...otelEnv(), ...weatherEnv(), OTEL_SERVICE_NAME: 'weather', LOG_LEVEL: 'info' });
    processes.push(weather);
    proxy = await startServerProcess('proxy', { ...otelEnv(), UPSTREAM_URL: weather.url, LOG_LEVEL: 'info' });
    processes.push(proxy);
    // The test process is the MCP client, traced like any application: its fetch calls become
    // CLIENT spans and carry traceparent (the SDK's undici instrumentation).
    tracing = await startTracing({ serviceName: 'test-client', env: otelEnv() });
  });
  after(async () => {
    await tracing?.shutdown();
    for (const child of processes) child.kill();
    await stub?.close();
    await collector?.stop();
  });

  it('delivers every span of one call with the parent-child links intact, and no secrets or argument values', async () => {
    const root = trace.getTracer('test').startSpan('agent turn', { kind: SpanKind.INTERNAL });
    const result = await context.with(trace.setSpan(context.active(), root), async () => {
      const client = await connectClient(proxy.url);
      try {
        return await client.callTool({ name: TOOL, arguments: { city: 'London' } });
      } finally {
        await client.close();
      }
    });
    root.end();
    assert.notEqual(result.isError, true, JSON.stringify(result));
    await tracing.forceFlush();
    const traceId = root.spanContext().traceId;
    const inTrace = (spans: Span[]) => spans.filter((span) => span.traceId === traceId);
    const spans = inTrace(
      await collector.waitForSpans((all) => {
        // Three processes export on their own batch schedules: wait for every span of the chain.
        const mine = inTrace(all);
        const has = (predicate: (s: Span) => boolean) => mine.some(predicate);
        const proxyMcp = mine.find((s) => service(s) === 'mcpfleet-proxy' && s.name === `tools/call ${TOOL}`);
        const proxyHttp = proxyMcp && mine.find((s) => s.spanId === proxyMcp.parentSpanId);
        return (
          proxyHttp !== undefined &&
          has((s) => s.spanId === proxyHttp.parentSpanId) &&
          has((s) => s.spanId === root.spanContext().spanId) &&
          has((s) => service(s) === 'mcpfleet-proxy' && s.kind === CLIENT) &&
          has((s) => service(s) === 'weather' && s.name === 'POST /mcp') &&
          has((s) => service(s) === 'weather' && s.name === `tools/call ${TOOL}`) &&
          has((s) => service(s) === 'weather' && s.kind === CLIENT)
        );
      }, 60_000),
    );

    const rootSpan = only(spans, (s) => s.spanId === root.spanContext().spanId, 'client root span');
    const proxyMcp = only(spans, (s) => service(s) === 'mcpfleet-proxy' && s.name === `tools/call ${TOOL}`, 'proxy tools/call span');
    const proxyHttp = only(spans, (s) => s.spanId === proxyMcp.parentSpanId, 'proxy HTTP span');
    const clientFetch = only(spans, (s) => s.spanId === proxyHttp.parentSpanId, 'client HTTP span of the call');
    const proxyUpstream = only(spans, (s) => service(s) === 'mcpfleet-proxy' && s.kind === CLIENT && s.parentSpanId === proxyMcp.spanId, 'proxy upstream span');
    const weatherHttp = only(spans, (s) => service(s) === 'weather' && s.parentSpanId === proxyUpstream.spanId, 'weather HTTP span');
    const weatherTool = only(spans, (s) => service(s) === 'weather' && s.name === `tools/call ${TOOL}`, 'weather tools/call span');
    const upstreamFetch = only(spans, (s) => service(s) === 'weather' && s.kind === CLIENT, 'weather upstream HTTP span');

    assertChild(clientFetch, rootSpan, 'client');
    assert.equal(service(clientFetch), 'test-client');
    assert.equal(clientFetch.kind, CLIENT);
    assertChild(proxyHttp, clientFetch, 'proxy continues the client trace');
    assert.equal(proxyHttp.kind, SERVER);
    assert.equal(proxyHttp.name, 'POST /mcp');
    assertChild(proxyMcp, proxyHttp, 'proxy MCP span');
    assertChild(proxyUpstream, proxyMcp, 'proxy upstream span');
    assertChild(weatherHttp, proxyUpstream, 'the server continues the proxy trace');
    assertChild(weatherTool, weatherHttp, 'tool span');
    assertChild(upstreamFetch, weatherTool, 'upstream call');

    for (const mcp of [proxyMcp, weatherTool]) {
      assert.equal(mcp.kind, SERVER);
      assert.equal(mcp.attributes['mcp.method.name'], 'tools/call');
      assert.equal(mcp.attributes['gen_ai.tool.name'], TOOL);
      assert.equal(mcp.attributes['gen_ai.operation.name'], 'execute_tool');
      assert.equal(mcp.attributes['mcpfleet.tool.outcome'], 'success');
      assert.equal(mcp.attributes['error.type'], undefined);
    }
    assert.equal(weatherHttp.attributes['http.response.status_code'], 200);
    assert.equal(upstreamFetch.attributes['server.address'], '127.0.0.1');
    // The OpenWeather URL carries the API key and the city in its query: neither reaches a span.
    const everything = JSON.stringify(await collector.spans());
    assert.ok(!everything.includes(KEY), 'the upstream API key is in no span');
    assert.ok(!everything.includes('London'), 'no argument value is in any span');
    assert.match(String(upstreamFetch.attributes['url.full']), /^http:\/\/127\.0\.0\.1:\d+\/data\/2\.5\/weather$/);
  });

  it('takes the trace context from MCP _meta when the request carries one (and the proxy rewrites it for the upstream)', async () => {
    const traceId = 'c0ffee00c0ffee00c0ffee00c0ffee01';
    const parentId = 'abcdef0123456789';
    const client = await connectClient(proxy.url);
    try {
      const result = await client.callTool({ name: TOOL, arguments: { city: 'Tokyo' }, _meta: { traceparent: `00-${traceId}-${parentId}-01` } });
      assert.notEqual(result.isError, true);
    } finally {
      await client.close();
    }
    const spans = (
      // Two processes export on their own batch schedules: wait for the proxy's spans as well as the weather server's.
      await collector.waitForSpans((all) => {
        const ours = all.filter((s) => s.traceId === traceId);
        return ours.some((s) => service(s) === 'weather' && s.kind === CLIENT) && ours.some((s) => service(s) === 'mcpfleet-proxy' && s.name === 'POST /mcp') && ours.some((s) => service(s) === 'mcpfleet-proxy' && s.kind === CLIENT);
      }, 60_000)
    ).filter((s) => s.traceId === traceId);
    const proxyHttp = only(spans, (s) => service(s) === 'mcpfleet-proxy' && s.name === 'POST /mcp', 'proxy HTTP span');
    assert.equal(proxyHttp.parentSpanId, parentId, 'the _meta traceparent is the parent');
    const proxyUpstream = only(spans, (s) => service(s) === 'mcpfleet-proxy' && s.kind === CLIENT, 'proxy upstream span');
    const weatherHttp = only(spans, (s) => service(s) === 'weather' && s.name === 'POST /mcp', 'weather HTTP span');
    assertChild(weatherHttp, proxyUpstream, 'the rewritten _meta makes the proxy the parent upstream');
  });

  it('a tool error and an unknown tool are recorded with their outcome', async () => {
    const client = await connectClient(weather.url);
    const root = trace.getTracer('test').startSpan('errors');
    try {
      await context.with(trace.setSpan(context.active(), root), async () => {
        const missing = await client.callTool({ name: TOOL, arguments: { city: 'Atlantis' } });
        assert.equal(missing.isError, true);
        await client.callTool({ name: 'no_such_tool', arguments: {} }).then(
          (answer) => assert.equal(answer.isError, true),
          () => {},
        );
      });
    } finally {
      root.end();
      await client.close();
    }
    await tracing.forceFlush();
    const traceId = root.spanContext().traceId;
    const spans = (
      await collector.waitForSpans((all) => all.filter((s) => s.traceId === traceId && service(s) === 'weather' && s.name.startsWith('tools/call')).length >= 2, 60_000)
    ).filter((s) => s.traceId === traceId && service(s) === 'weather');
    const toolError = only(spans, (s) => s.name === `tools/call ${TOOL}`, 'tool error span');
    assert.equal(toolError.attributes['mcpfleet.tool.outcome'], 'tool_error');
    assert.equal(toolError.attributes['error.type'], 'tool_error');
    assert.equal(toolError.statusCode, 2);
    const unknown = only(spans, (s) => s.name === 'tools/call no_such_tool', 'unknown tool span');
    assert.equal(unknown.attributes['mcpfleet.tool.outcome'], 'protocol_error');
  });

  it('a collector that hangs never holds a tool call; SIGTERM still exits within its deadlines', async () => {
    const hanging = await startHangingCollector();
    try {
      const server = await startServerProcess('weather', { ...weatherEnv(), OTEL_EXPORTER_OTLP_ENDPOINT: hanging.endpoint, OTEL_EXPORTER_OTLP_TIMEOUT: '60000', OTEL_BSP_SCHEDULE_DELAY: '50', LOG_LEVEL: 'info', DRAIN_TIMEOUT: '2' });
      processes.push(server);
      const client = await connectClient(server.url);
      try {
        for (let i = 0; i < 20; i++) {
          const started = Date.now();
          const result = await client.callTool({ name: TOOL, arguments: { city: 'London' } });
          assert.notEqual(result.isError, true);
          // Far below the 60 s export timeout: the call never waited for the collector.
          assert.ok(Date.now() - started < 30_000, `call ${i} took ${Date.now() - started} ms`);
        }
      } finally {
        await client.close();
      }
      const stopping = Date.now();
      server.child.kill('SIGTERM');
      assert.equal(await server.exited, 0, server.output());
      // Drain (2 s) plus the bounded final flush (3 s), with room for a busy machine.
      assert.ok(Date.now() - stopping < 45_000, `exit took ${Date.now() - stopping} ms`);
    } finally {
      await hanging.close();
    }
  });

  it('SIGTERM flushes the spans still queued', async () => {
    // A schedule delay far beyond the test: only the shutdown flush can deliver these spans.
    const server = await startServerProcess('weather', { ...weatherEnv(), OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpEndpoint, OTEL_BSP_SCHEDULE_DELAY: '600000', OTEL_SERVICE_NAME: 'weather-sigterm', LOG_LEVEL: 'info' });
    processes.push(server);
    const client = await connectClient(server.url);
    try {
      assert.notEqual((await client.callTool({ name: TOOL, arguments: { city: 'London' } })).isError, true);
    } finally {
      await client.close();
    }
    const before = (await collector.spans()).filter((s) => service(s) === 'weather-sigterm');
    assert.equal(before.length, 0, 'nothing exported before the signal');
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0, server.output());
    const spans = (await collector.waitForSpans((all) => all.some((s) => service(s) === 'weather-sigterm' && s.name === `tools/call ${TOOL}`), 30_000)).filter((s) => service(s) === 'weather-sigterm');
    assert.ok(spans.some((s) => s.kind === CLIENT), 'the upstream span is flushed too');
  });
});
