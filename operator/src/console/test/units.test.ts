// The console's pure parts: fleet rows and their blockers, metrics arithmetic, request guards,
// viewer identity, flags, and the frontend's schema form and fleet filter.
import assert from 'node:assert/strict';
import type { McpServer } from '../../api/mcpserver.ts';
import { fleetRow } from '../fleet-row.ts';
import { childView } from '../children-view.ts';
import { eventsFor } from '../events-view.ts';
import { addScrape, emptyCounters, histogramQuantile, pointBetween } from '../metrics/tool-counters.ts';
import { checkCsrf, checkHost, isAllowedHost } from '../security.ts';
import { viewerOf } from '../viewer.ts';
import { parseConsoleConfig } from '../config.ts';
import { argumentsOf, carriedValues, fieldsOf, initialValues, parseRawArguments } from '../../../../console/src/schema-form.ts';
import { applyFleetEvent, filterRows } from '../../../../console/src/fleet-state.ts';
import type { FleetRow } from '../api-types.ts';

const at = '2026-01-01T00:00:00Z';
function server(conditions: { type: string; status: 'True' | 'False' | 'Unknown'; reason: string; message: string }[]): McpServer {
  return {
    apiVersion: 'mcpfleet.dev/v1alpha1',
    kind: 'McpServer',
    metadata: { name: 'x', namespace: 'ns', generation: 2 },
    spec: { catalog: 'utility' },
    status: { replicas: 2, readyReplicas: 1, toolCount: 6, url: 'http://x.ns.svc/mcp', observedGeneration: 2, conditions: conditions.map((c) => ({ ...c, lastTransitionTime: at })) },
  } as unknown as McpServer;
}

describe('console units', () => {
  describe('fleetRow', () => {
    it('names the first failing condition as the blocker', () => {
      const row = fleetRow(
        server([
          { type: 'Accepted', status: 'True', reason: 'SpecValid', message: 'ok' },
          { type: 'Available', status: 'False', reason: 'DeploymentUnavailable', message: '1/2 replicas available' },
          { type: 'Verified', status: 'False', reason: 'McpHandshakeFailed', message: 'refused' },
          { type: 'Ready', status: 'False', reason: 'ServerNotReady', message: 'not available' },
        ]),
      );
      assert.equal(row.key, 'ns/x');
      assert.equal(row.ready, 'False');
      assert.deepEqual(row.blocker, { condition: 'Available', reason: 'DeploymentUnavailable', message: '1/2 replicas available' });
      assert.equal(row.readyReplicas, 1);
      assert.equal(row.toolCount, 6);
    });

    it('has no blocker when Ready, and says so when there is no status yet', () => {
      assert.equal(fleetRow(server([{ type: 'Ready', status: 'True', reason: 'ServerReady', message: 'ok' }])).blocker, undefined);
      const bare = fleetRow({ ...server([]), status: undefined } as McpServer);
      assert.equal(bare.ready, 'Unknown');
      assert.equal(bare.blocker?.reason, 'NotReconciled');
      const noSpec = fleetRow({ apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', metadata: { name: 'y', namespace: 'ns' } } as unknown as McpServer);
      assert.equal(noSpec.key, 'ns/y');
    });
  });

  it('describes children and filters events to the server', () => {
    assert.deepEqual(childView({ kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 2 }, status: { readyReplicas: 1 } } as never), { kind: 'Deployment', name: 'd', state: '1/2 ready', healthy: false });
    assert.equal(childView({ kind: 'Ingress', metadata: { name: 'i' }, status: { loadBalancer: { ingress: [{ hostname: 'lb.example' }] } } } as never).state, 'address lb.example');
    const events = eventsFor(
      [
        { metadata: { name: 'a' }, involvedObject: { kind: 'McpServer', name: 'x' }, reason: 'Old', lastTimestamp: '2026-01-01T00:00:00Z' },
        { metadata: { name: 'b' }, involvedObject: { kind: 'McpServer', name: 'x' }, reason: 'New', lastTimestamp: '2026-01-02T00:00:00Z' },
        { metadata: { name: 'c' }, involvedObject: { kind: 'Deployment', name: 'x' }, reason: 'Other' },
      ] as never,
      { kind: 'McpServer', name: 'x' },
    );
    assert.deepEqual(events.map((e) => e.reason), ['New', 'Old']);
  });

  describe('metrics', () => {
    const scrape = (calls: number, errors: number, fast: number, slow: number) => `# TYPE mcp_tool_calls_total counter
mcp_tool_calls_total{tool="kv_get",outcome="success"} ${calls - errors}
mcp_tool_calls_total{tool="kv_get",outcome="tool_error"} ${errors}
# TYPE mcp_tool_call_duration_seconds histogram
mcp_tool_call_duration_seconds_bucket{le="0.01",tool="kv_get",outcome="success"} ${fast}
mcp_tool_call_duration_seconds_bucket{le="1",tool="kv_get",outcome="success"} ${fast + slow}
mcp_tool_call_duration_seconds_bucket{le="+Inf",tool="kv_get",outcome="success"} ${fast + slow}
mcp_tool_call_duration_seconds_sum{tool="kv_get",outcome="success"} 1
mcp_tool_call_duration_seconds_count{tool="kv_get",outcome="success"} ${fast + slow}
`;

    it('computes rates, error rate and p99 between two readings summed over replicas', () => {
      const before = [scrape(10, 0, 10, 0), scrape(0, 0, 0, 0)].reduce(addScrape, emptyCounters());
      const after = [scrape(60, 5, 59, 1), scrape(50, 5, 49, 1)].reduce(addScrape, emptyCounters());
      const point = pointBetween(before, after, 10, 1);
      assert.equal(point.callsPerTool.kv_get, 10);
      assert.equal(point.errorRate, 0.1);
      assert.ok(point.p99Seconds! > 0.01 && point.p99Seconds! <= 1, String(point.p99Seconds));
    });

    it('treats a counter that went down as a restart, and no calls as no p99', () => {
      const point = pointBetween(addScrape(emptyCounters(), scrape(100, 0, 100, 0)), addScrape(emptyCounters(), scrape(5, 0, 5, 0)), 5, 1);
      assert.equal(point.callsPerTool.kv_get, 1);
      assert.equal(histogramQuantile(0.99, new Map([[Infinity, 0]])), undefined);
      assert.equal(pointBetween(emptyCounters(), emptyCounters(), 5, 1).p99Seconds, undefined);
    });

    it('interpolates quantiles like histogram_quantile', () => {
      assert.equal(histogramQuantile(0.5, new Map([[1, 50], [2, 100], [Infinity, 100]])), 1);
      assert.equal(histogramQuantile(0.75, new Map([[1, 50], [2, 100], [Infinity, 100]])), 1.5);
      assert.equal(histogramQuantile(0.99, new Map([[1, 50], [Infinity, 100]])), 1);
    });
  });

  describe('request guards', () => {
    it('accepts loopback and configured hosts only', () => {
      assert.ok(isAllowedHost('127.0.0.1:8090', []));
      assert.ok(isAllowedHost('localhost', []));
      assert.ok(isAllowedHost('[::1]:1', []));
      assert.ok(isAllowedHost('console.example.com', ['console.example.com']));
      assert.ok(!isAllowedHost('evil.example.com', ['console.example.com']));
      assert.ok(!isAllowedHost('127.0.0.1.evil.example', []));
      assert.ok(!isAllowedHost('user@127.0.0.1', []));
      assert.ok(!isAllowedHost(undefined, []));
      assert.equal(checkHost({ host: 'a' }, [])?.status, 421);
    });

    it('needs the CSRF token and the same origin on writes only', () => {
      const token = 'tok';
      assert.equal(checkCsrf('GET', {}, token), undefined);
      assert.equal(checkCsrf('POST', { host: '127.0.0.1:1', 'x-csrf-token': token }, token), undefined);
      assert.equal(checkCsrf('POST', { host: '127.0.0.1:1', origin: 'http://127.0.0.1:1', 'x-csrf-token': token }, token), undefined);
      assert.equal(checkCsrf('POST', { host: '127.0.0.1:1', origin: 'http://127.0.0.1:2', 'x-csrf-token': token }, token)?.status, 403);
      assert.equal(checkCsrf('POST', { host: '127.0.0.1:1', origin: 'null', 'x-csrf-token': token }, token)?.status, 403);
      assert.equal(checkCsrf('POST', { host: '127.0.0.1:1', 'sec-fetch-site': 'cross-site', 'x-csrf-token': token }, token)?.status, 403);
      assert.equal(checkCsrf('POST', { host: '127.0.0.1:1', 'x-csrf-token': 'to' }, token)?.status, 403);
      assert.equal(checkCsrf('DELETE', { host: '127.0.0.1:1' }, token)?.status, 403);
    });
  });

  it('takes the viewer from the configured proxy headers only', () => {
    assert.deepEqual(viewerOf('kubeconfig', { 'x-forwarded-user': 'x' }, undefined), { kind: 'self' });
    assert.deepEqual(viewerOf('service-account', {}, undefined), { kind: 'anonymous' });
    const names = { user: 'X-Forwarded-User', groups: 'X-Forwarded-Groups' };
    assert.equal(viewerOf('proxy', {}, names), undefined);
    assert.deepEqual(viewerOf('proxy', { 'x-forwarded-user': ' alice ', 'x-forwarded-groups': 'a, b,,c' }, names), { kind: 'user', user: 'alice', groups: ['a', 'b', 'c'] });
    const many = Array.from({ length: 500 }, (_, i) => `g${i}`).join(',');
    const bounded = viewerOf('proxy', { 'x-forwarded-user': 'a', 'x-forwarded-groups': many }, names);
    assert.equal(bounded?.kind === 'user' && bounded.groups.length, 64);
  });

  it('parses console flags and reports every bad one', () => {
    const config = parseConsoleConfig(['--kubeconfig', '/k', '--port', '0'], {});
    assert.equal(config.mode, 'kubeconfig');
    assert.equal(config.host, '127.0.0.1');
    assert.equal(parseConsoleConfig([], { KUBERNETES_SERVICE_HOST: '10.0.0.1' }).mode, 'service-account');
    assert.equal(parseConsoleConfig(['--user-header', 'X-User'], { KUBERNETES_SERVICE_HOST: '10.0.0.1' }).mode, 'proxy');
    assert.throws(() => parseConsoleConfig(['--port', '70000', '--mcp-timeout', 'soon', '--user-header', 'bad header'], {}), (e: Error) => /--port/.test(e.message) && /--mcp-timeout/.test(e.message) && /--user-header/.test(e.message));
    assert.throws(() => parseConsoleConfig(['--nope'], {}));
  });

  describe('frontend logic', () => {
    const schema = {
      type: 'object',
      properties: {
        key: { type: 'string', description: 'the key' },
        ttl: { type: 'integer', default: 60 },
        ratio: { type: 'number' },
        force: { type: 'boolean' },
        mode: { type: 'string', enum: ['a', 'b'] },
        tags: { type: 'array', items: { type: 'string' } },
      },
      required: ['key'],
    };

    it('builds form fields from a JSON Schema and arguments from the values', () => {
      const fields = fieldsOf(schema);
      assert.deepEqual(fields.map((f) => `${f.name}:${f.kind}${f.required ? '!' : ''}`), ['key:text!', 'ttl:integer', 'ratio:number', 'force:boolean', 'mode:enum', 'tags:json']);
      const values = { ...initialValues(fields), key: 'k', ratio: '0.5', mode: 'b', tags: '["x"]' };
      assert.deepEqual(argumentsOf(fields, values), { ok: true, args: { key: 'k', ttl: 60, ratio: 0.5, force: false, mode: 'b', tags: ['x'] } });
    });

    it('reports missing, mistyped and malformed values instead of sending them', () => {
      const fields = fieldsOf(schema);
      const result = argumentsOf(fields, { ...initialValues(fields), ttl: '1.5', tags: '[' });
      assert.deepEqual(result, { ok: false, problems: ['key is required', 'ttl must be an integer', 'tags must be JSON'] });
      assert.equal(parseRawArguments('[1]').ok, false);
      assert.equal(parseRawArguments('{').ok, false);
      assert.deepEqual(parseRawArguments(''), { ok: true, args: {} });
    });

    it('keeps what was typed into fields of the same name and kind when the schema changes', () => {
      const before = fieldsOf(schema);
      const typed = { ...initialValues(before), key: 'k', ttl: '5', mode: 'b' };
      const after = fieldsOf({ ...schema, properties: { ...schema.properties, ttl: { type: 'string' }, extra: { type: 'string', default: 'x' } } });
      const carried = carriedValues(after, before, typed);
      assert.equal(carried.key, 'k', 'same name and kind: kept');
      assert.equal(carried.mode, 'b');
      assert.equal(carried.ttl, '', 'ttl changed kind: back to its initial value');
      assert.equal(carried.extra, 'x', 'a new field starts from its default');
      assert.deepEqual(carriedValues(fieldsOf({ type: 'object', properties: {} }), before, typed), {}, 'fields that are gone are dropped');
    });

    it('applies fleet events and filters rows, not-ready first', () => {
      const row = (key: string, ready: FleetRow['ready']): FleetRow => ({ key, namespace: key.split('/')[0]!, name: key.split('/')[1]!, ready, replicas: 1, readyReplicas: ready === 'True' ? 1 : 0 });
      let rows = applyFleetEvent(new Map(), { type: 'snapshot', rows: [row('a/one', 'True'), row('b/two', 'False')] });
      rows = applyFleetEvent(rows, { type: 'upsert', row: row('a/three', 'True') });
      rows = applyFleetEvent(rows, { type: 'delete', key: 'a/one' });
      assert.deepEqual(filterRows(rows.values(), { text: '', ready: 'all', namespace: '' }).map((r) => r.key), ['b/two', 'a/three']);
      assert.deepEqual(filterRows(rows.values(), { text: 'THREE', ready: 'all', namespace: '' }).map((r) => r.key), ['a/three']);
      assert.deepEqual(filterRows(rows.values(), { text: '', ready: 'ready', namespace: 'b' }).map((r) => r.key), []);
    });
  });
});
