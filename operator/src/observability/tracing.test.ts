// The operator's spans with the SDK's in-memory exporter: one root span per reconcile with its
// result (ok, requeue, error), steps and Kubernetes API calls as children, no span for API calls
// outside a reconcile, and low-cardinality API span names.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { startTracing, type TracingHandle } from '../../../servers/kit/tracing/start.ts';
import { KubeClient } from '../kube/client.ts';
import { captureLogs, pollUntil } from '../kube/test/helpers.ts';
import { Controller, type ReconcileFn } from '../runtime/controller.ts';
import { ItemExponentialLimiter } from '../runtime/ratelimit.ts';
import { WorkQueue } from '../runtime/workqueue.ts';
import { kubeResourceOf, reconcileStep } from './tracing.ts';

describe('operator tracing', () => {
  let exporter: InMemorySpanExporter;
  let tracing: TracingHandle;
  let api: Server;
  let client: KubeClient;
  const seenHeaders: IncomingHttpHeaders[] = [];
  before(async () => {
    exporter = new InMemorySpanExporter();
    tracing = await startTracing({ serviceName: 'mcpfleet-operator', exporter, env: {} });
    api = createServer((req, res) => {
      seenHeaders.push(req.headers);
      res.writeHead(req.url?.includes('missing') ? 404 : 200, { 'content-type': 'application/json' }).end('{"kind":"Status","metadata":{}}');
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    const kc = new KubeConfig();
    kc.loadFromOptions({ clusters: [{ name: 'c', server: `http://127.0.0.1:${(api.address() as { port: number }).port}`, skipTLSVerify: true }], users: [{ name: 'u' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });
    client = new KubeClient({ kc });
  });
  after(async () => {
    await tracing.shutdown();
    await new Promise((resolve) => api.close(resolve));
  });
  beforeEach(() => {
    exporter.reset();
    seenHeaders.length = 0;
  });

  async function runReconciles(reconcile: ReconcileFn, keys: string[], done: () => boolean) {
    const { logger } = captureLogs();
    const queue = new WorkQueue({ name: 't', rateLimiter: new ItemExponentialLimiter({ baseMs: 60_000, maxMs: 60_000 }) });
    const controller = new Controller({ name: 'mcpserver', queue, workers: 1, reconcile, logger });
    controller.start();
    for (const key of keys) queue.add(key);
    try {
      await pollUntil(done, 'reconciles to finish');
    } finally {
      await controller.stop();
      queue.shutDown();
    }
  }

  it('makes one root span per reconcile with the result, and the steps and API calls under it', async () => {
    let finished = 0;
    await runReconciles(
      async (key) => {
        try {
          if (key === 'team-a/fails') throw new Error('boom');
          await reconcileStep('apply children', () => client.request({ method: 'PATCH', path: '/apis/apps/v1/namespaces/team-a/deployments/ok', body: {}, contentType: 'application/apply-patch+yaml' }));
          await client.get('/api/v1/namespaces/team-a/secrets/missing');
          return key === 'team-a/later' ? { requeueAfterMs: 60_000 } : undefined;
        } finally {
          finished++;
        }
      },
      ['team-a/ok', 'team-a/later', 'team-a/fails'],
      () => finished === 3 && exporter.getFinishedSpans().filter((s) => s.name === 'reconcile mcpserver').length === 3,
    );
    const spans = exporter.getFinishedSpans();
    const roots = spans.filter((s) => s.name === 'reconcile mcpserver');
    const byName = Object.fromEntries(roots.map((r) => [r.attributes['mcpfleet.mcpserver.name'], r]));
    assert.equal(byName.ok?.attributes['mcpfleet.reconcile.result'], 'ok');
    assert.equal(byName.later?.attributes['mcpfleet.reconcile.result'], 'requeue');
    assert.equal(byName.fails?.attributes['mcpfleet.reconcile.result'], 'error');
    assert.equal(byName.fails?.status.code, 2);
    for (const root of roots) {
      assert.equal(root.parentSpanContext, undefined, 'a reconcile is a root span');
      assert.equal(root.attributes['k8s.namespace.name'], 'team-a');
    }
    const ok = byName.ok!;
    const step = spans.find((s) => s.name === 'apply children' && s.parentSpanContext?.spanId === ok.spanContext().spanId)!;
    const patch = spans.find((s) => s.parentSpanContext?.spanId === step.spanContext().spanId)!;
    assert.equal(patch.name, 'PATCH apps/v1 deployments');
    assert.equal(patch.attributes['http.response.status_code'], 200);
    assert.equal(patch.attributes['url.path'], '/apis/apps/v1/namespaces/team-a/deployments/ok');
    const get = spans.find((s) => s.name === 'GET v1 secrets' && s.parentSpanContext?.spanId === ok.spanContext().spanId)!;
    assert.equal(get.attributes['http.response.status_code'], 404);
    // Every API call inside a reconcile told the API server its trace.
    assert.equal(seenHeaders.length, 4);
    for (const headers of seenHeaders) assert.match(String(headers.traceparent), /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    assert.ok(seenHeaders.some((h) => String(h.traceparent).includes(patch.spanContext().spanId)), 'the PATCH carried its own span id');
  });

  it('makes no span and sends no traceparent for API calls outside a reconcile', async () => {
    await client.get('/api/v1/namespaces/team-a/configmaps/x');
    await tracing.forceFlush();
    assert.deepEqual(exporter.getFinishedSpans(), []);
    assert.equal(seenHeaders[0]?.traceparent, undefined);
  });

  it('names API spans by resource, without namespaces or object names', () => {
    assert.equal(kubeResourceOf('/api/v1/namespaces/team-a/secrets/x'), 'v1 secrets');
    assert.equal(kubeResourceOf('/api/v1/namespaces/team-a'), 'v1 namespaces');
    assert.equal(kubeResourceOf('/apis/apps/v1/namespaces/team-a/deployments/x?fieldManager=m'), 'apps/v1 deployments');
    assert.equal(kubeResourceOf('/apis/mcpfleet.dev/v1alpha1/namespaces/a/mcpservers/x/status'), 'mcpfleet.dev/v1alpha1 mcpservers/status');
    assert.equal(kubeResourceOf('/apis/apiextensions.k8s.io/v1/customresourcedefinitions'), 'apiextensions.k8s.io/v1 customresourcedefinitions');
    assert.equal(kubeResourceOf('/api/v1/nodes'), 'v1 nodes');
  });
});
