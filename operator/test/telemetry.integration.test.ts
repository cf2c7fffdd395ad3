// Traces at a real OpenTelemetry Collector (hack/otelcol): the operator's reconcile spans with
// their steps, Kubernetes API calls and the verifier's probe as children, on both API-server
// backends; and, with real pod processes on kube-sim, an image's own server sending its spans
// with the resource attributes of spec.telemetry and the OTLP headers from the Secret (the
// collector refuses exports without that bearer token).
import assert from 'node:assert/strict';
import path from 'node:path';
import { startCollector, type Collector } from '../../hack/otelcol/src/collector.ts';
import type { Span } from '../../hack/otelcol/src/spans.ts';
import { startTracing, type TracingHandle } from '../../servers/kit/tracing/start.ts';
import { describeOnBackends } from './backends.ts';
import { REPO_ROOT, SERVERS_IMAGE, startHarness, utilityServer, waitFor, type Harness } from './harness.ts';
import { apiReaders, podProcessRunner } from './pod-process-runner.ts';

/** The operator in this process exports its spans to `collector` (quickly, for the test). */
function operatorTracing(collector: Collector): Promise<TracingHandle> {
  return startTracing({ serviceName: 'mcpfleet-operator', env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpEndpoint, OTEL_BSP_SCHEDULE_DELAY: '200' } });
}

const childrenOf = (spans: Span[], parent: Span) => spans.filter((s) => s.traceId === parent.traceId && s.parentSpanId === parent.spanId);

describeOnBackends('operator reconcile traces at a real collector', (backend) => {
  let collector: Collector;
  let tracing: TracingHandle;
  let h: Harness;
  before(async function () {
    this.timeout(30 * 60_000); // the first run builds the collector
    collector = await startCollector();
    tracing = await operatorTracing(collector);
    h = await startHarness({ backend });
  });
  after(async () => {
    await h?.stop();
    await tracing?.shutdown();
    await collector?.stop();
  });

  it('a reconcile is one trace: the reconcile span, its steps, the API calls under them and the probe', async () => {
    await h.apply(utilityServer('traced', 'team-a'));
    await waitFor('traced Ready', async () => (await h.condition('team-a', 'traced', 'Ready'))?.status === 'True', 120_000);
    const reconcilesOfTraced = (all: Span[]) => all.filter((s) => s.name === 'reconcile mcpserver' && s.attributes['mcpfleet.mcpserver.name'] === 'traced');
    // The reconcile that created the Deployment (its apply step made the PATCH), and the one that asked for the probe.
    const deploymentPatchUnder = (all: Span[], reconcile: Span) => {
      const apply = childrenOf(all, reconcile).find((s) => s.name === 'apply children');
      return apply ? childrenOf(all, apply).find((s) => s.attributes['k8s.resource'] === 'apps/v1 deployments') : undefined;
    };
    const probeUnder = (all: Span[], reconcile: Span) => all.find((s) => s.traceId === reconcile.traceId && s.name === 'verify McpServer');
    const spans = await collector.waitForSpans((all) => reconcilesOfTraced(all).some((r) => deploymentPatchUnder(all, r)) && reconcilesOfTraced(all).some((r) => probeUnder(all, r)), 120_000);
    const reconcile = reconcilesOfTraced(spans).find((r) => deploymentPatchUnder(spans, r))!;
    assert.equal(reconcile.parentSpanId, '', 'a reconcile starts its own trace');
    assert.equal(reconcile.resource['service.name'], 'mcpfleet-operator');
    assert.equal(reconcile.attributes['k8s.namespace.name'], 'team-a');
    assert.equal(typeof reconcile.attributes['mcpfleet.mcpserver.generation'], 'number');
    assert.ok(['ok', 'requeue'].includes(String(reconcile.attributes['mcpfleet.reconcile.result'])), `result ${String(reconcile.attributes['mcpfleet.reconcile.result'])}`);

    const steps = childrenOf(spans, reconcile).map((s) => s.name);
    for (const step of ['read references', 'identity', 'apply children', 'prune', 'write status']) assert.ok(steps.includes(step), `step ${step} in ${steps.join(', ')}`);
    const deploymentApply = deploymentPatchUnder(spans, reconcile)!;
    assert.equal(deploymentApply.kind, 3, 'a client span');
    assert.equal(deploymentApply.attributes['http.request.method'], 'PATCH');
    assert.ok(Number(deploymentApply.attributes['http.response.status_code']) < 300);
    const asking = reconcilesOfTraced(spans).find((r) => probeUnder(spans, r))!;
    const probe = probeUnder(spans, asking)!;
    assert.equal(probe.parentSpanId, asking.spanId, 'the probe hangs under the reconcile that asked for it');
    assert.match(String(probe.attributes['url.full']), /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    // Background list/watch calls make no spans of their own. (The harness runs catalog servers
    // in this process, so the kit's own server spans share the exporter: only the operator's
    // tracer is looked at here.)
    const operatorRoots = spans.filter((s) => s.parentSpanId === '' && s.scope === 'mcpfleet-operator' && s.name !== 'reconcile mcpserver');
    assert.deepEqual([...new Set(operatorRoots.map((s) => s.name))], [], 'only reconciles are root spans of the operator');
  });
});

describe('spec.telemetry end to end (kube-sim, real pod processes, collector requiring a token)', function () {
  this.timeout(300_000);
  const TOKEN = 'otlp-bearer-2f9c1d';
  const IMAGE = 'ghcr.io/acme/traced:1';
  let collector: Collector;
  let h: Harness;
  before(async function () {
    this.timeout(30 * 60_000);
    collector = await startCollector({ bearerToken: TOKEN });
    const api: { harness?: Harness } = {};
    api.harness = await startHarness({
      runners: [
        podProcessRunner({
          repoRoot: REPO_ROOT,
          serversImage: SERVERS_IMAGE,
          images: { [IMAGE]: [process.execPath, path.join(REPO_ROOT, 'operator/test/fixtures/traced-upstream.ts')] },
          ...apiReaders(() => api.harness),
          env: { LOG_LEVEL: 'warn', OTEL_BSP_SCHEDULE_DELAY: '200' },
          ...(process.env.MCPFLEET_TEST_LOGS ? { log: (pod, container, line) => process.stderr.write(`[${pod}/${container}] ${line}`) } : {}),
        }),
      ],
    });
    h = api.harness;
  });
  after(async () => {
    await h?.stop();
    await collector?.stop();
  });

  it('the image gets the OTEL_* variables it asked for, reaches the collector with the Secret\'s headers and carries the resource attributes', async () => {
    const tracing = {
      endpoint: collector.otlpHttpEndpoint,
      headersSecretRef: { name: 'otlp-headers', key: 'headers' },
      samplingRatio: 1,
      resourceAttributes: { 'deployment.environment.name': 'test', team: 'tools & more' },
      upstream: true,
    };
    await h.apply({ apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', metadata: { name: 'traced-image', namespace: 'team-a' }, spec: { image: IMAGE, transport: { port: 3001 }, telemetry: { tracing } } });
    // Without the Secret: the usual missing-reference condition, no pods.
    await waitFor('missing Secret reported', async () => {
      const condition = await h.condition('team-a', 'traced-image', 'Ready');
      return condition?.reason === 'MissingReference' && /Secret otlp-headers/.test(condition.message) ? condition : undefined;
    }, 60_000);
    const created = await h.request('POST', '/api/v1/namespaces/team-a/secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'otlp-headers', namespace: 'team-a' },
      data: { headers: Buffer.from(`Authorization=Bearer%20${TOKEN}`).toString('base64') },
    });
    assert.equal(created.status, 201);

    // The pod spec names the Secret; its value never enters the Deployment.
    const deployment = await waitFor('the Deployment', () => h.get<{ spec: { template: { spec: { containers: { name: string; env?: { name: string; value?: string; valueFrom?: unknown }[] }[] } } } }>('/apis/apps/v1/namespaces/team-a/deployments/traced-image'), 60_000);
    assert.ok(!JSON.stringify(deployment).includes(TOKEN), 'the token is not in the Deployment');
    for (const container of deployment.spec.template.spec.containers) {
      const headers = container.env?.find((e) => e.name === 'OTEL_EXPORTER_OTLP_HEADERS');
      assert.deepEqual(headers?.valueFrom, { secretKeyRef: { name: 'otlp-headers', key: 'headers' } }, `${container.name} reads the headers through valueFrom`);
    }

    const spans = await collector.waitForSpans((all) => all.some((s) => s.name === 'traced-upstream started'), 180_000);
    const started = spans.find((s) => s.name === 'traced-upstream started')!;
    assert.equal(started.attributes['fixture.tracing'], true);
    assert.equal(started.resource['service.name'], 'traced-image-upstream');
    assert.equal(started.resource['k8s.namespace.name'], 'team-a');
    assert.equal(started.resource['k8s.deployment.name'], 'traced-image');
    assert.equal(started.resource['k8s.container.name'], 'server');
    assert.match(String(started.resource['k8s.pod.name']), /^traced-image-/, 'the pod name from the downward API');
    assert.equal(started.resource['mcpfleet.server.kind'], 'image-http');
    assert.equal(started.resource['deployment.environment.name'], 'test');
    assert.equal(started.resource.team, 'tools & more');
    await waitFor('traced-image Ready', async () => (await h.condition('team-a', 'traced-image', 'Ready'))?.status === 'True', 180_000);
  });
});
