import assert from 'node:assert/strict';
import { captureLogs } from '../kube/test/helpers.ts';
import { evaluateReadiness, startHealthServer, type HealthServer } from './health.ts';
import { reconcileLogger, withObject } from './logger.ts';
import { createMetrics, METRIC_NAMES } from './metrics.ts';

describe('logger', () => {
  it('writes JSON lines; reconcile child loggers carry controller, namespace, name, reconcileId and generation', () => {
    const { logger, lines } = captureLogs('info');
    const child = reconcileLogger(logger, { controller: 'mcpserver', key: 'team-a/weather', reconcileId: 'r-1' });
    withObject(child, { metadata: { name: 'weather', namespace: 'team-a', generation: 7, resourceVersion: '99' } }).info('applied', { kind: 'Deployment' });
    logger.debug('hidden at info level');
    assert.equal(lines.length, 1);
    const line = lines[0]!;
    assert.equal(line.level, 'info');
    assert.equal(line.message, 'applied');
    assert.equal(line.controller, 'mcpserver');
    assert.equal(line.namespace, 'team-a');
    assert.equal(line.name, 'weather');
    assert.equal(line.reconcileId, 'r-1');
    assert.equal(line.generation, 7);
    assert.equal(line.kind, 'Deployment');
    assert.equal(typeof line.timestamp, 'string');
  });
});

describe('metrics', () => {
  it('registers every documented metric in a per-instance registry', async () => {
    const a = createMetrics();
    const b = createMetrics(); // a second operator in the same process must not clash
    const names = (await a.registry.getMetricsAsJSON()).map((m) => m.name);
    for (const name of Object.values(METRIC_NAMES)) assert.ok(names.includes(name), `${name} registered`);
    assert.ok(names.includes('process_cpu_user_seconds_total'), 'default process metrics');
    assert.notEqual(a.registry, b.registry);
  });

  it('exposes McpServers by Ready state as a gauge the reconciler sets', async () => {
    const m = createMetrics({ defaultMetrics: false });
    m.setMcpServersByReady({ True: 3, False: 1 });
    const text = await m.registry.metrics();
    assert.match(text, /mcpfleet_mcpservers\{ready="True"\} 3/);
    assert.match(text, /mcpfleet_mcpservers\{ready="False"\} 1/);
    assert.match(text, /mcpfleet_mcpservers\{ready="Unknown"\} 0/);
  });
});

describe('health server', () => {
  let server: HealthServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('serves /healthz and /readyz (503 until every check passes) on loopback, and no /metrics', async () => {
    let synced = false;
    server = await startHealthServer({ host: '127.0.0.1', port: 0, readiness: { 'informer:mcpservers': () => synced }, logger: captureLogs().logger });
    assert.ok(server.port > 0);
    const healthz = await fetch(`${server.url}/healthz`);
    assert.equal(healthz.status, 200);
    const notReady = await fetch(`${server.url}/readyz`);
    assert.equal(notReady.status, 503);
    assert.deepEqual(await notReady.json(), { ready: false, checks: { 'informer:mcpservers': 'failed' } });
    synced = true;
    const ready = await fetch(`${server.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.equal((await fetch(`${server.url}/metrics`)).status, 404, 'metrics live on their own port');
    assert.equal((await fetch(`${server.url}/nope`)).status, 404);
    assert.equal((await fetch(`${server.url}/healthz`, { method: 'POST' })).status, 405);
  });

  it('reports a throwing readiness check as failed instead of crashing', () => {
    assert.deepEqual(
      evaluateReadiness({
        ok: () => true,
        broken: () => {
          throw new Error('x');
        },
      }),
      { ready: false, checks: { ok: 'ok', broken: 'failed' } },
    );
  });
});
