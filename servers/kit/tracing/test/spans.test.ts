// The kit's spans in one process, read from the SDK's in-memory exporter: the HTTP and MCP spans
// of a request on both dispatch paths (the direct path and the SDK entry), tool outcomes, and the
// child spans of real upstreams: Redis (redis-server), SQLite (the database server's query
// processes), S3 on moto (AWS SDK middleware) and the proxy streaming SSE from a real upstream.
import assert from 'node:assert/strict';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { SpanKind, context, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { openS3 } from '../../../aws/lib/clients.ts';
import { QueryHost } from '../../../database/lib/queryHost.ts';
import { parseProxyConfig } from '../../../proxy/config.ts';
import { startProxy } from '../../../proxy/run.ts';
import { startEverythingHttp } from '../../../proxy/test/upstreams.ts';
import { connectRedis, closeRedis } from '../../redis.ts';
import { fixtureServer } from '../../test/fixtures.ts';
import { connectClient, defaultTestLogStream, startTestServer } from '../../testing.ts';
import { createLogger } from '../../logger.ts';
import { setTestAwsEnv, startTestMoto } from '../../testMoto.ts';
import { startTestRedis } from '../../testRedis.ts';
import type { TracingHandle } from '../start.ts';
import { startTracing } from '../start.ts';

const TRACEPARENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACEPARENT = `00-${TRACEPARENT_TRACE}-00f067aa0ba902b7-01`;

describe('kit spans (in-memory exporter)', function () {
  this.timeout(120_000);
  let exporter: InMemorySpanExporter;
  let tracing: TracingHandle;

  before(async () => {
    exporter = new InMemorySpanExporter();
    tracing = await startTracing({ serviceName: 'kit-test', env: {}, exporter });
  });
  after(async () => tracing?.shutdown());
  beforeEach(() => exporter.reset());

  const finished = async (): Promise<ReadableSpan[]> => {
    await tracing.forceFlush();
    return exporter.getFinishedSpans();
  };
  const childrenOf = (spans: ReadableSpan[], parent: ReadableSpan) => spans.filter((s) => s.parentSpanContext?.spanId === parent.spanContext().spanId);

  /** Runs `work` under a root span and returns the spans of that trace. */
  async function traced(work: () => Promise<unknown>): Promise<{ root: ReadableSpan; spans: ReadableSpan[] }> {
    const root = trace.getTracer('test').startSpan('root');
    await context.with(trace.setSpan(context.active(), root), work);
    root.end();
    const spans = (await finished()).filter((s) => s.spanContext().traceId === root.spanContext().traceId);
    return { root: spans.find((s) => s.name === 'root')!, spans };
  }

  for (const protocol of ['current', 'legacy'] as const) {
    it(`records HTTP and MCP spans with outcomes on the ${protocol === 'current' ? 'direct path (2026-07-28)' : 'SDK entry (2025 revisions)'}`, async () => {
      const server = await startTestServer(fixtureServer());
      try {
        const client = await connectClient(server.url, { protocol, headers: { traceparent: TRACEPARENT } });
        try {
          assert.notEqual((await client.callTool({ name: 'lookup', arguments: { word: 'hello' } })).isError, true);
          assert.equal((await client.callTool({ name: 'lookup', arguments: { word: 'missing' } })).isError, true);
          assert.equal((await client.callTool({ name: 'lookup', arguments: { word: 'crash' } })).isError, true);
          await client.callTool({ name: 'lookup', arguments: { word: 42 } }).then(
            () => {},
            () => {},
          );
        } finally {
          await client.close();
        }
      } finally {
        await server.close();
      }
      const spans = (await finished()).filter((s) => s.spanContext().traceId === TRACEPARENT_TRACE);
      const calls = spans.filter((s) => s.name === 'tools/call lookup');
      assert.equal(calls.length, 4, spans.map((s) => s.name).join(', '));
      for (const call of calls) {
        assert.equal(call.kind, SpanKind.SERVER);
        const http = spans.find((s) => s.spanContext().spanId === call.parentSpanContext?.spanId);
        assert.equal(http?.name, 'POST /mcp');
        assert.equal(http?.parentSpanContext?.spanId, '00f067aa0ba902b7', 'the header traceparent is the parent');
        assert.equal(call.attributes['gen_ai.tool.name'], 'lookup');
        assert.equal(call.attributes['mcp.method.name'], 'tools/call');
      }
      const outcomes = calls.map((s) => [s.attributes['mcpfleet.tool.outcome'], s.attributes['error.type']]);
      assert.deepEqual(outcomes, [
        ['success', undefined],
        ['tool_error', 'tool_error'],
        ['error', 'Error'],
        // Invalid arguments: the SDK answers them (as a tool error result) before any tool code runs.
        ['protocol_error', 'protocol_error'],
      ]);
      const text = JSON.stringify(spans.map((s) => s.attributes));
      assert.ok(!text.includes('hello') && !text.includes('secret-internal-detail'), 'no argument values or error details in attributes');
    });
  }

  it('Redis commands become CLIENT spans without their arguments (node-redis tracing channel)', async () => {
    const redis = await startTestRedis();
    const client = await connectRedis(redis.url, createLogger({ level: 'error', stream: defaultTestLogStream() }));
    try {
      const { root, spans } = await traced(async () => {
        await client.set('trace:key', 'secret-value-123');
        await client.get('trace:key');
      });
      const children = childrenOf(spans, root);
      assert.deepEqual(
        children.map((s) => s.name),
        ['SET', 'GET'],
      );
      for (const span of children) {
        assert.equal(span.kind, SpanKind.CLIENT);
        assert.equal(span.attributes['db.system.name'], 'redis');
        assert.equal(span.attributes['server.port'], redis.port);
      }
      assert.ok(!JSON.stringify(children.map((s) => s.attributes)).includes('secret-value-123'));
      // Outside a trace (background work) no span is made.
      exporter.reset();
      await client.get('trace:key');
      assert.equal((await finished()).length, 0);
    } finally {
      await closeRedis(client);
      await redis.close();
    }
  });

  it('SQLite operations become CLIENT spans with the operation, never the statement', async () => {
    const host = new QueryHost({ source: { kind: 'sample' }, caps: { maxRows: 10, maxResultBytes: 65_536 }, deadlineMs: 30_000, maxProcesses: 1, maxProcessBytes: 256 * 1024 * 1024 });
    try {
      const { root, spans } = await traced(() => host.run({ op: 'query', request: { sql: "SELECT 'literal-secret' AS x" } }, new AbortController().signal));
      const [query] = childrenOf(spans, root);
      assert.equal(query?.name, 'sqlite query');
      assert.equal(query?.attributes['db.system.name'], 'sqlite');
      assert.ok(!JSON.stringify(query?.attributes).includes('literal-secret'));
    } finally {
      await host.close();
    }
  });

  it('AWS SDK commands become CLIENT spans (S3 on moto)', async function () {
    const moto = await startTestMoto();
    const restore = setTestAwsEnv();
    try {
      const s3 = openS3({ region: 'us-east-1', endpoints: { s3: moto.endpoint, ec2: undefined, bedrockRuntime: undefined }, s3ForcePathStyle: true, timeoutMs: 10_000, maxAttempts: 1 });
      const { root, spans } = await traced(() => s3.send(new ListBucketsCommand({})));
      const [call] = childrenOf(spans, root);
      assert.equal(call?.name, 'S3.ListBuckets');
      assert.equal(call?.kind, SpanKind.CLIENT);
      assert.equal(call?.attributes['rpc.system'], 'aws-api');
      assert.equal(call?.attributes['rpc.method'], 'ListBuckets');
      assert.equal(call?.attributes['http.response.status_code'], 200);
    } finally {
      restore();
      await moto.close();
    }
  });

  it('the proxy streams SSE unbuffered with tracing on and reports the call on its MCP span', async () => {
    const upstream = await startEverythingHttp();
    const proxy = await startProxy(parseProxyConfig({ LOG_LEVEL: 'error', PORT: '0', HOST: '127.0.0.1', UPSTREAM_URL: upstream.url }), { logStream: defaultTestLogStream(), defaultMetrics: false });
    try {
      const client = await connectClient(proxy.url, { protocol: 'legacy' });
      const progressAt: number[] = [];
      try {
        await client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 3, steps: 3 } }, { onprogress: () => progressAt.push(Date.now()), timeout: 60_000 });
      } finally {
        await client.close();
      }
      const doneAt = Date.now();
      assert.ok(progressAt.length >= 2 && doneAt - progressAt[0]! >= 900, `progress arrived as it happened (${progressAt.map((t) => doneAt - t).join(', ')} ms before the result)`);
      const spans = await finished();
      const call = spans.find((s) => s.name === 'tools/call trigger-long-running-operation');
      assert.equal(call?.attributes['mcpfleet.tool.outcome'], 'success');
      const upstreamSpan = spans.find((s) => s.kind === SpanKind.CLIENT && s.parentSpanContext?.spanId === call?.spanContext().spanId);
      assert.equal(upstreamSpan?.attributes['http.response.status_code'], 200);
    } finally {
      await proxy.shutdown();
      await upstream.stop();
    }
  });
});
