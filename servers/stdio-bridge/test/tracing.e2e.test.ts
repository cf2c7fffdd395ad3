// One trace through the stdio bridge into the program it wraps, at a real OpenTelemetry
// Collector: stdio has no headers, so the bridge hands its trace context to the child in the
// call's `_meta`, and a kit server on stdio continues the trace from there. The child exports
// only because the bridge was told to pass its OTEL_* settings on (BRIDGE_TRACE_CHILDREN), under
// the service name `<bridge's>-upstream`.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { Collector } from '../../../hack/otelcol/src/collector.ts';
import { startCollector } from '../../../hack/otelcol/src/collector.ts';
import type { Span } from '../../../hack/otelcol/src/spans.ts';
import { startServerProcess, type ServerProcess } from '../../kit/test/serverProcess.ts';
import { connectClient } from '../../kit/testing.ts';

const MAIN = fileURLToPath(new URL('../../main.ts', import.meta.url));
const SERVER = 2;
const service = (span: Span) => String(span.resource['service.name']);

describe('traces: MCP client → stdio bridge → kit server on stdio, at a real OpenTelemetry Collector', function () {
  this.timeout(180_000);
  let collector: Collector;
  let bridge: ServerProcess;

  before(async () => {
    collector = await startCollector();
    bridge = await startServerProcess('stdio-bridge', {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpEndpoint,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_SERVICE_NAME: 'time-tools',
      BRIDGE_COMMAND: JSON.stringify([process.execPath, MAIN, 'utility']),
      BRIDGE_TRACE_CHILDREN: 'true',
      BRIDGE_POOL_SIZE: '1',
      BRIDGE_START_TIMEOUT: '60',
    });
  });
  after(async () => {
    bridge?.kill();
    await collector?.stop();
  });

  it("continues the client's trace in the wrapped server: its tool span is a child of the bridge's", async () => {
    const traceId = 'b41d9e00b41d9e00b41d9e00b41d9e01';
    const parentId = '0123456789abcdef';
    const client = await connectClient(bridge.url);
    try {
      const result = await client.callTool({ name: 'kv_set', arguments: { key: 'traced', value: 'yes' }, _meta: { traceparent: `00-${traceId}-${parentId}-01` } });
      assert.notEqual(result.isError, true, JSON.stringify(result.content));
    } finally {
      await client.close();
    }
    const spans = (
      await collector.waitForSpans((all) => {
        const ours = all.filter((s) => s.traceId === traceId);
        return ours.some((s) => service(s) === 'time-tools' && s.name === 'tools/call kv_set') && ours.some((s) => service(s) === 'time-tools-upstream' && s.name === 'tools/call kv_set');
      }, 60_000)
    ).filter((s) => s.traceId === traceId);
    const bridgeHttp = spans.find((s) => service(s) === 'time-tools' && s.name === 'POST /mcp');
    const bridgeCall = spans.find((s) => service(s) === 'time-tools' && s.name === 'tools/call kv_set');
    const childCall = spans.find((s) => service(s) === 'time-tools-upstream' && s.name === 'tools/call kv_set');
    assert.ok(bridgeHttp && bridgeCall && childCall, spans.map((s) => `${service(s)}:${s.name}`).join(', '));
    assert.equal(bridgeHttp.parentSpanId, parentId, 'the bridge continues the client trace');
    assert.equal(bridgeCall.parentSpanId, bridgeHttp.spanId);
    assert.equal(childCall.parentSpanId, bridgeCall.spanId, "the child's tool span is a child of the bridge's MCP span");
    assert.equal(childCall.kind, SERVER);
    assert.equal(childCall.attributes['gen_ai.tool.name'], 'kv_set');
    assert.equal(childCall.attributes['mcpfleet.tool.outcome'], 'success');
    assert.ok(!JSON.stringify(spans).includes('"yes"'), 'no argument value is in any span');
  });
});
