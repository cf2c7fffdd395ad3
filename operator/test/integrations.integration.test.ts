// Autoscaling, exposure, disruption, network policy, monitoring and RBAC with the real operator, on
// kube-sim and on the real control plane: with and without the KEDA and Prometheus Operator CRDs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { KubeConfig, Watch, type V1Deployment } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { FIELD_MANAGER } from '../src/api/constants.ts';
import { HANDOFF_FIELD_MANAGER } from '../src/mcpserver/reconciler.ts';
import { allows, operatorRbacRules } from '../src/rbac.ts';
import { describeOnBackends } from './backends.ts';
import { MCP, REPO_ROOT, quiescent, startHarness, utilityServer, waitFor, type Harness } from './harness.ts';

const CRDS = {
  keda: 'hack/kube-sim/fixtures/crds/keda-scaledobjects.yaml',
  serviceMonitors: 'hack/kube-sim/fixtures/crds/monitoring-servicemonitors.yaml',
  prometheusRules: 'hack/kube-sim/fixtures/crds/monitoring-prometheusrules.yaml',
};
const ALL_CRDS = [CRDS.keda, CRDS.serviceMonitors, CRDS.prometheusRules];

const DEPLOY = (ns: string, name: string) => `/apis/apps/v1/namespaces/${ns}/deployments/${name}`;
const HPA = (ns: string, name: string) => `/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers/${name}`;
const SCALED = (ns: string, name: string) => `/apis/keda.sh/v1alpha1/namespaces/${ns}/scaledobjects/${name}`;
const INGRESS = (ns: string, name: string) => `/apis/networking.k8s.io/v1/namespaces/${ns}/ingresses/${name}`;
const PDB = (ns: string, name: string) => `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets/${name}`;
const NETPOL = (ns: string, name: string) => `/apis/networking.k8s.io/v1/namespaces/${ns}/networkpolicies/${name}`;
const SMON = (ns: string, name: string) => `/apis/monitoring.coreos.com/v1/namespaces/${ns}/servicemonitors/${name}`;
const PRULE = (ns: string, name: string) => `/apis/monitoring.coreos.com/v1/namespaces/${ns}/prometheusrules/${name}`;

type Obj = { metadata: { annotations?: Record<string, string>; managedFields?: { manager: string; operation: string; subresource?: string; fieldsV1?: { 'f:spec'?: Record<string, unknown> } }[] }; spec?: Record<string, unknown>; status?: Record<string, unknown> };

async function condition(h: Harness, ns: string, name: string, type: string, status?: string, reason?: string) {
  return waitFor(`${ns}/${name} ${type}${status ? `=${status}` : ''}${reason ? ` (${reason})` : ''}`, async () => {
    const c = await h.condition(ns, name, type);
    return c && (status === undefined || c.status === status) && (reason === undefined || c.reason === reason) ? c : undefined;
  });
}

const exists = (h: Harness, p: string) => waitFor(`${p} to exist`, () => h.get<Obj>(p));
const gone = (h: Harness, p: string) => waitFor(`${p} to be pruned`, async () => (await h.get(p)) === undefined);

/** Whether the operator's apply entry on the live object owns spec.replicas. */
function operatorOwnsReplicas(d: Obj): boolean {
  const entry = d.metadata.managedFields?.find((m) => m.manager === FIELD_MANAGER && m.operation === 'Apply' && !m.subresource);
  return entry?.fieldsV1?.['f:spec']?.['f:replicas'] !== undefined;
}

function exampleObjects(file: string): Record<string, unknown>[] {
  return parseAllDocuments(readFileSync(path.join(REPO_ROOT, 'examples', file), 'utf8'))
    .map((d) => d.toJS() as Record<string, unknown> | null)
    .filter((o): o is Record<string, unknown> => o !== null && typeof o === 'object');
}

/** Watches one Deployment from before it exists and records spec.replicas of every event. */
async function watchReplicas(h: Harness, ns: string, name: string): Promise<{ values: number[]; stop(): void }> {
  const kc = new KubeConfig();
  kc.loadFromFile(h.kubeconfigPath);
  const values: number[] = [];
  let failure: unknown;
  let stopped = false;
  const request = await new Watch(kc).watch(
    `/apis/apps/v1/namespaces/${ns}/deployments`,
    { fieldSelector: `metadata.name=${name}` },
    (type: string, obj: V1Deployment) => {
      if (type !== 'BOOKMARK' && obj.spec?.replicas !== undefined) values.push(obj.spec.replicas);
    },
    (error: unknown) => {
      if (!stopped) failure ??= error ?? new Error('the watch ended');
    },
  );
  return {
    get values() {
      // A watch that ended early would record nothing more: fail loudly instead of passing on a partial record.
      if (failure) throw new Error(`the replicas watch ended: ${String(failure)}`);
      return values;
    },
    stop() {
      stopped = true;
      request.abort();
    },
  };
}

describeOnBackends('platform integrations', (backend) => {
  let h: Harness;
  afterEach(async () => h?.stop());

  it('HPA mode never writes spec.replicas: ownership passes to the handoff manager without a blip', async () => {
    h = await startHarness({ backend, runServers: false });
    await h.apply(utilityServer('kv', 'team-a', { replicas: 3 }));
    await waitFor('3 replicas applied', async () => (await h.get<V1Deployment>(DEPLOY('team-a', 'kv')))?.spec?.replicas === 3);

    await h.apply(utilityServer('kv', 'team-a', { replicas: 3, autoscaling: { hpa: { minReplicas: 2, maxReplicas: 6 } } }));
    const hpa = await exists(h, HPA('team-a', 'kv'));
    assert.deepEqual(hpa.spec!.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'kv' });
    await condition(h, 'team-a', 'kv', 'AutoscalingReady', 'True', 'HorizontalPodAutoscalerConfigured');
    const handedOver = await waitFor('replicas released by the operator', async () => {
      const d = await h.get<Obj & V1Deployment>(DEPLOY('team-a', 'kv'));
      return d && !operatorOwnsReplicas(d) ? d : undefined;
    });
    assert.equal(handedOver.spec!.replicas, 3, 'no scale-to-1 blip');
    assert.ok(handedOver.metadata.managedFields!.some((m) => m.manager === HANDOFF_FIELD_MANAGER), 'the handoff manager holds the field');
    await exists(h, PDB('team-a', 'kv'));

    // The HPA controller scales; the operator leaves the field alone through further reconciles.
    const scaled = await h.request('PATCH', `${DEPLOY('team-a', 'kv')}/scale`, { spec: { replicas: 5 } }, 'application/merge-patch+json');
    assert.equal(scaled.status, 200);
    h.accounting.reset();
    const before = await h.reconcileCount();
    await h.request('PATCH', MCP('team-a', 'kv'), { metadata: { annotations: { nudge: '1' } } }, 'application/merge-patch+json');
    await waitFor('a reconcile after the scale', async () => (await h.reconcileCount()) > before);
    await h.settle();
    const after = (await h.get<Obj & V1Deployment>(DEPLOY('team-a', 'kv')))!;
    assert.equal(after.spec!.replicas, 5);
    assert.equal(operatorOwnsReplicas(after), false);
    assert.equal(h.accounting.count({ userAgent: 'mcpfleet-operator', resource: 'deployments.apps', verb: 'patch' }), 0, 'the Deployment was not written');

    // A server created in HPA mode: the operator never owned replicas, so no handoff is needed.
    await h.apply(utilityServer('fresh', 'team-a', { autoscaling: { hpa: { minReplicas: 2, maxReplicas: 4 } } }));
    const fresh = await exists(h, DEPLOY('team-a', 'fresh'));
    assert.equal(operatorOwnsReplicas(fresh), false);
    assert.ok(!fresh.metadata.managedFields!.some((m) => m.manager === HANDOFF_FIELD_MANAGER));
    assert.equal(h.accounting.count({ fieldManager: HANDOFF_FIELD_MANAGER, namespace: 'team-a' }), 0);
  });

  it('records every replicas value of the Deployment: the autoscaler (the real HPA controller on the real server) moves it, the operator never resets it, and takes over again when autoscaling is off', async () => {
    h = await startHarness({ backend, runServers: false, manifests: ALL_CRDS });
    const seen = await watchReplicas(h, 'team-a', 'kv');
    try {
      await h.apply(utilityServer('kv', 'team-a', { replicas: 3 }));
      await waitFor('3 replicas applied', () => seen.values.at(-1) === 3);

      // HPA on with a floor above the current count: the HPA controller (no metrics needed to
      // enforce minReplicas) raises it to 4; kube-sim has no HPA controller, so the test scales as it would.
      await h.apply(utilityServer('kv', 'team-a', { replicas: 3, autoscaling: { hpa: { minReplicas: 4, maxReplicas: 6 } } }));
      await exists(h, HPA('team-a', 'kv'));
      await waitFor('replicas released by the operator', async () => {
        const d = await h.get<Obj & V1Deployment>(DEPLOY('team-a', 'kv'));
        return d && !operatorOwnsReplicas(d) ? d : undefined;
      });
      if (backend === 'kube-sim') assert.equal((await h.request('PATCH', `${DEPLOY('team-a', 'kv')}/scale`, { spec: { replicas: 4 } }, 'application/merge-patch+json')).status, 200);
      await waitFor('the autoscaler scaled to 4', () => seen.values.at(-1) === 4, 120_000);
      await condition(h, 'team-a', 'kv', 'AutoscalingReady', 'True', 'HorizontalPodAutoscalerConfigured');
      h.accounting.reset();
      await h.settle();
      assert.equal(h.accounting.count({ userAgent: 'mcpfleet-operator', resource: 'deployments.apps', verb: 'patch' }), 0, 'the operator left the autoscaled Deployment alone');

      // KEDA instead of the HPA: the count stays where the HPA left it.
      await h.apply(utilityServer('kv', 'team-a', { replicas: 3, autoscaling: { keda: { minReplicas: 0, maxReplicas: 6, triggers: [{ type: 'cron', metadata: { timezone: 'UTC', start: '0 8 * * *', end: '0 18 * * *', desiredReplicas: '2' } }] } } }));
      await exists(h, SCALED('team-a', 'kv'));
      await gone(h, HPA('team-a', 'kv'));
      await h.settle();
      assert.equal(seen.values.at(-1), 4, 'switching autoscalers keeps the count');

      // Autoscaling off: the operator applies spec.replicas again, straight from the current count.
      await h.apply(utilityServer('kv', 'team-a', { replicas: 3 }));
      await gone(h, SCALED('team-a', 'kv'));
      await waitFor('the operator owns replicas at 3 again', async () => {
        const d = await h.get<Obj & V1Deployment>(DEPLOY('team-a', 'kv'));
        return d?.spec?.replicas === 3 && operatorOwnsReplicas(d);
      });
      await h.settle();
    } finally {
      seen.stop();
    }
    // Each change of the count, in order: the operator's 3, the autoscaler's 4, the operator's 3 — no blip to 1 or to 0.
    assert.deepEqual(seen.values.filter((v, i, all) => i === 0 || v !== all[i - 1]), [3, 4, 3], `every replicas value: ${JSON.stringify(seen.values)}`);
  });

  it('KEDA scale to zero, and switching keda → hpa → none prunes the previous autoscaler', async () => {
    h = await startHarness({ backend, runServers: false, manifests: ALL_CRDS });
    const cron = { type: 'cron', metadata: { timezone: 'Europe/Paris', start: '0 8 * * 1-5', end: '0 19 * * 1-5', desiredReplicas: '2' } };
    await h.apply(utilityServer('kv', 'team-a', { autoscaling: { keda: { minReplicas: 0, maxReplicas: 4, cooldownPeriod: 120, triggers: [cron] } } }));
    const so = await exists(h, SCALED('team-a', 'kv'));
    assert.equal(so.spec!.minReplicaCount, 0);
    assert.equal(so.spec!.maxReplicaCount, 4);
    assert.equal(so.spec!.cooldownPeriod, 120);
    assert.deepEqual(so.spec!.triggers, [cron]);
    assert.deepEqual(so.spec!.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'kv' });
    await condition(h, 'team-a', 'kv', 'AutoscalingReady', 'True', 'ScaledObjectConfigured');
    assert.equal((await h.get<V1Deployment>(DEPLOY('team-a', 'kv')))!.spec!.replicas, 1, 'the API server default; KEDA owns it from here');

    // KEDA reports trouble through the ScaledObject status: the McpServer says so.
    await h.request('PATCH', `${SCALED('team-a', 'kv')}/status`, { status: { conditions: [{ type: 'Ready', status: 'False', reason: 'ScaledObjectCheckFailed', message: 'cron: invalid timezone' }] } }, 'application/merge-patch+json');
    const notReady = await condition(h, 'team-a', 'kv', 'AutoscalingReady', 'False', 'ScaledObjectNotReady');
    assert.match(notReady.message, /invalid timezone/);
    await condition(h, 'team-a', 'kv', 'Degraded', 'True');

    await h.apply(utilityServer('kv', 'team-a', { autoscaling: { hpa: { minReplicas: 2, maxReplicas: 4 } } }));
    await exists(h, HPA('team-a', 'kv'));
    await gone(h, SCALED('team-a', 'kv'));
    await exists(h, PDB('team-a', 'kv'));

    await h.apply(utilityServer('kv', 'team-a', { replicas: 2 }));
    await gone(h, HPA('team-a', 'kv'));
    await waitFor('spec.replicas applied again', async () => {
      const d = await h.get<Obj & V1Deployment>(DEPLOY('team-a', 'kv'));
      return d?.spec?.replicas === 2 && operatorOwnsReplicas(d);
    });
    const goneCondition = await waitFor('AutoscalingReady removed', async () => {
      const s = await h.mcpServer('team-a', 'kv');
      return s?.status?.conditions && !s.status.conditions.some((c) => c.type === 'AutoscalingReady') ? s : undefined;
    });
    assert.ok(goneCondition);
  });

  it('without the KEDA and Prometheus Operator CRDs: conditions say so, nothing else breaks, nothing watches them', async () => {
    h = await startHarness({ backend });
    await h.apply(utilityServer('kv', 'team-a', { autoscaling: { keda: { maxReplicas: 3 } }, monitoring: {} }));
    const keda = await condition(h, 'team-a', 'kv', 'AutoscalingReady', 'False', 'KedaNotInstalled');
    assert.match(keda.message, /install KEDA/);
    const mon = await condition(h, 'team-a', 'kv', 'MonitoringReady', 'False', 'PrometheusOperatorNotInstalled');
    assert.match(mon.message, /ServiceMonitor, PrometheusRule/);
    await condition(h, 'team-a', 'kv', 'Available', 'True');
    await condition(h, 'team-a', 'kv', 'Verified', 'True');
    const degraded = await condition(h, 'team-a', 'kv', 'Degraded', 'True');
    assert.match(degraded.message, /AutoscalingReady/);
    for (const resource of ['scaledobjects.keda.sh', 'servicemonitors.monitoring.coreos.com', 'prometheusrules.monitoring.coreos.com']) {
      assert.equal(h.accounting.select({ userAgent: 'mcpfleet-operator', resource }).length, 0, `no request for ${resource}`);
    }
  });

  it('renders the ALB Ingress of examples/weather-eks-alb.yaml and reports externalUrl from the Ingress status', async () => {
    h = await startHarness({ backend, runServers: false, manifests: ALL_CRDS });
    await h.request('POST', '/api/v1/namespaces/default/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'openweather' }, stringData: { 'api-key': 'test-key' } });
    const [weather] = exampleObjects('weather-eks-alb.yaml');
    await h.apply(weather!);
    const ingress = await exists(h, INGRESS('default', 'weather'));
    const a = ingress.metadata.annotations!;
    assert.equal(a['alb.ingress.kubernetes.io/scheme'], 'internet-facing');
    assert.equal(a['alb.ingress.kubernetes.io/target-type'], 'ip');
    assert.equal(a['alb.ingress.kubernetes.io/healthcheck-path'], '/readyz');
    assert.equal(a['alb.ingress.kubernetes.io/listen-ports'], '[{"HTTPS":443}]');
    assert.match(a['alb.ingress.kubernetes.io/certificate-arn']!, /^arn:aws:acm:us-west-2:123456789012:certificate\//);
    assert.equal(a['alb.ingress.kubernetes.io/target-group-attributes'], 'deregistration_delay.timeout_seconds=30');
    assert.equal(ingress.spec!.ingressClassName, 'alb');
    await exists(h, HPA('default', 'weather'));
    assert.equal((await exists(h, PDB('default', 'weather'))).spec!.minAvailable, 1);
    await condition(h, 'default', 'weather', 'IngressReady', 'Unknown', 'LoadBalancerPending');
    assert.equal((await h.mcpServer('default', 'weather'))!.status!.externalUrl, undefined);

    // The AWS Load Balancer Controller publishes the ALB's DNS name on the status subresource.
    const published = await h.request('PATCH', `${INGRESS('default', 'weather')}/status`, { status: { loadBalancer: { ingress: [{ hostname: 'k8s-default-weather-1234.us-west-2.elb.amazonaws.com' }] } } }, 'application/merge-patch+json');
    assert.equal(published.status, 200);
    const url = await waitFor('status.externalUrl', async () => (await h.mcpServer('default', 'weather'))?.status?.externalUrl);
    assert.equal(url, 'https://weather.mcp.example.com/mcp');
    const ready = await condition(h, 'default', 'weather', 'IngressReady', 'True', 'LoadBalancerReady');
    assert.match(ready.message, /k8s-default-weather-1234/);
  });

  it('applies the KEDA examples: the 001 servers, the S3 summarizer with API key, rate limit and SQS trigger, the DynamoDB-cached server at zero', async () => {
    h = await startHarness({ backend, runServers: false, manifests: ALL_CRDS });
    await h.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'mcp-servers' } });
    await h.request('POST', '/api/v1/namespaces/default/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's3-summarizer-api-keys' }, stringData: { keys: 'k1' } });
    const files = ['four-servers-keda.yaml', 's3-summarizer-keda-sqs.yaml', 'cached-scale-to-zero.yaml'];
    const servers = files.flatMap(exampleObjects);
    assert.equal(servers.length, 7);
    for (const s of servers) await h.apply(s);
    for (const s of servers) {
      const { name, namespace } = s.metadata as { name: string; namespace: string };
      await condition(h, namespace, name, 'Accepted', 'True');
      await condition(h, namespace, name, 'AutoscalingReady', 'True', 'ScaledObjectConfigured');
      await exists(h, SCALED(namespace, name));
      await exists(h, INGRESS(namespace, name));
    }
    const fs = await exists(h, INGRESS('mcp-servers', 'filesystem'));
    assert.equal(fs.metadata.annotations!['alb.ingress.kubernetes.io/group.name'], 'mcp-servers', 'the four share one ALB');

    const summarizer = await exists(h, SCALED('default', 's3-summarizer'));
    assert.equal(summarizer.spec!.minReplicaCount, 0);
    const [sqs] = summarizer.spec!.triggers as { type: string; metadata: Record<string, string>; authenticationRef: { name: string } }[];
    assert.equal(sqs!.type, 'aws-sqs-queue');
    assert.equal(sqs!.metadata.queueLength, '5');
    assert.equal(sqs!.authenticationRef.name, 'keda-aws');
    const env = Object.fromEntries(((await h.get<V1Deployment>(DEPLOY('default', 's3-summarizer')))!.spec!.template.spec!.containers[0]!.env ?? []).map((e) => [e.name, e.value]));
    assert.equal(env.RATE_LIMIT_RPS, '10');
    assert.equal(env.RATE_LIMIT_BURST, '5');
    assert.equal(env.RATE_LIMIT_DAILY_QUOTA, '1000');
    assert.equal(env.API_KEYS_FILE, '/etc/mcpfleet/api-keys/keys');
    assert.equal(env.S3_BUCKET_NAME, 'mcp-dev-files');
    assert.equal(env.BEDROCK_MODEL_ID, 'anthropic.claude-3-haiku-20240307-v1:0');
    assert.equal(env.AWS_REGION, 'us-east-1');
    const awsEnv = Object.fromEntries(((await h.get<V1Deployment>(DEPLOY('mcp-servers', 'aws')))!.spec!.template.spec!.containers[0]!.env ?? []).map((e) => [e.name, e.value]));
    assert.equal(awsEnv.BEDROCK_MODEL_IDS, 'anthropic.claude-3-haiku-20240307-v1:0');
    await exists(h, PRULE('default', 's3-summarizer'));
    await exists(h, SMON('default', 's3-summarizer'));

    const cached = await exists(h, SCALED('default', 'weather-cached'));
    assert.equal(cached.spec!.minReplicaCount, 0);
    assert.equal((cached.spec!.triggers as { type: string }[])[0]!.type, 'prometheus');
    const cachedEnv = (await h.get<V1Deployment>(DEPLOY('default', 'weather-cached')))!.spec!.template.spec!.containers[0]!.env!;
    const cachedValues = Object.fromEntries(cachedEnv.map((e) => [e.name, e.value]));
    assert.equal(cachedValues.CACHE_BACKEND, 'dynamodb');
    assert.equal(cachedValues.CACHE_TTL_SECONDS, '300');
    assert.equal(cachedValues.DYNAMODB_TABLE, 'mcp-tool-results-prod');
    assert.equal(cachedValues.DYNAMODB_REGION, 'us-west-2');
  });

  it('applies examples/stdio-bridge.yaml: the bridge command and pool settings reach the servers container', async () => {
    h = await startHarness({ runServers: false, manifests: ALL_CRDS });
    const [bridge] = exampleObjects('stdio-bridge.yaml');
    await h.apply(bridge!);
    await condition(h, 'default', 'utility-over-stdio', 'Accepted', 'True');
    await exists(h, DEPLOY('default', 'utility-over-stdio'));
    const container = (await h.get<V1Deployment>(DEPLOY('default', 'utility-over-stdio')))!.spec!.template.spec!.containers[0]!;
    assert.deepEqual(container.args, ['stdio-bridge']);
    const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));
    assert.deepEqual(JSON.parse(env.BRIDGE_COMMAND!), ['node', '/app/servers/main.js', 'utility']);
    assert.equal(env.BRIDGE_POOL_SIZE, '3');
    assert.equal(env.BRIDGE_MAX_IN_FLIGHT, '8');
    assert.equal(env.BRIDGE_REQUEST_TIMEOUT, '30');
  });

  it('converges with every integration enabled, then a forced resync makes zero writes; every request is within the RBAC rules', async () => {
    h = await startHarness({ backend, manifests: ALL_CRDS, operatorFlags: ['--resync-period', '1s'] });
    const full = {
      replicas: 2,
      expose: { service: { type: 'ClusterIP', port: 80 }, ingress: { className: 'alb', host: 'kv.example.com', alb: { scheme: 'internal', groupName: 'g' }, annotations: { 'alb.ingress.kubernetes.io/load-balancer-attributes': 'idle_timeout.timeout_seconds=300' } } },
      autoscaling: { hpa: { minReplicas: 2, maxReplicas: 5, targetCPUUtilization: 60, behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } } },
      networkPolicy: { egressTo: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ protocol: 'TCP', port: 443 }] }] },
      monitoring: { serviceMonitor: { interval: '30s', labels: { release: 'prom' } } },
    };
    await h.apply(utilityServer('all', 'team-a', full));
    await h.apply(utilityServer('zero', 'team-b', { autoscaling: { keda: { minReplicas: 0, maxReplicas: 3, triggers: [{ type: 'cron', metadata: { timezone: 'UTC', start: '0 8 * * *', end: '0 18 * * *', desiredReplicas: '1' } }] } }, disruption: { maxUnavailable: 1 }, networkPolicy: {}, monitoring: { prometheusRule: { enabled: false } } }));
    for (const p of [HPA('team-a', 'all'), INGRESS('team-a', 'all'), PDB('team-a', 'all'), NETPOL('team-a', 'all'), SMON('team-a', 'all'), PRULE('team-a', 'all'), SCALED('team-b', 'zero'), PDB('team-b', 'zero'), NETPOL('team-b', 'zero'), SMON('team-b', 'zero')]) await exists(h, p);
    await h.request('PATCH', `${INGRESS('team-a', 'all')}/status`, { status: { loadBalancer: { ingress: [{ hostname: 'internal-k8s-g.elb.amazonaws.com' }] } } }, 'application/merge-patch+json');
    await condition(h, 'team-a', 'all', 'Ready', 'True');
    await condition(h, 'team-a', 'all', 'IngressReady', 'True');
    await condition(h, 'team-a', 'all', 'MonitoringReady', 'True');
    await condition(h, 'team-b', 'zero', 'Ready', 'True');
    await condition(h, 'team-b', 'zero', 'AutoscalingReady', 'True');
    assert.equal(await h.get(PRULE('team-b', 'zero')), undefined, 'prometheusRule.enabled false');

    // Every request the operator made so far (applies, prunes, status, events, watches) is allowed.
    const rules = operatorRbacRules();
    const seen = new Set<string>();
    for (const r of h.accounting.select({ userAgent: 'mcpfleet-operator' })) {
      if (r.resource.startsWith('/')) continue; // discovery and /version: allowed to every user
      const dot = r.resource.indexOf('.');
      const [plural, group] = dot === -1 ? [r.resource, ''] : [r.resource.slice(0, dot), r.resource.slice(dot + 1)];
      seen.add(`${r.verb} ${r.resource}`);
      assert.ok(allows(rules, group, plural, r.verb), `RBAC rules lack ${r.verb} on ${r.resource}`);
    }
    for (const needed of ['patch horizontalpodautoscalers.autoscaling', 'patch scaledobjects.keda.sh', 'watch servicemonitors.monitoring.coreos.com', 'patch networkpolicies.networking.k8s.io']) assert.ok(seen.has(needed), `exercised: ${needed}`);

    await quiescent(() => h.operatorWrites());
    h.accounting.reset();
    const before = await h.reconcileCount();
    await waitFor('several resync reconciles', async () => (await h.reconcileCount()) - before >= 6, 60_000);
    assert.equal(h.operatorWrites(), 0, `writes: ${JSON.stringify(h.accounting.snapshot().byResource)}`);
  });
});
