// Unit tests of the integration builders (HPA, KEDA, Ingress/ALB, PDB, NetworkPolicy,
// ServiceMonitor/PrometheusRule): each rendered object is validated against its upstream schema
// (kubernetes-models, @kubernetes-models/keda, or the fixture CRDs through kube-sim's validator),
// the important fields are pinned, and table tests cover switching modes (what gets pruned).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScaledObject as KedaScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { parse, stringify } from 'yaml';
import { pruneWithUnknownFields, validate, type JSONSchemaProps } from '../../../hack/kube-sim/src/algebra/schema.ts';
import type { McpServer } from '../api/mcpserver.ts';
import { validateMcpServer } from '../api/validation.ts';
import type { KubeObject } from '../kube/types.ts';
import { desiredChildren, kindKey, OWNED_KINDS } from './children.ts';
import type { BuildContext, OptionalApis } from './context.ts';
import { buildDeployment } from './deployment.ts';
import { buildHpa } from './hpa.ts';
import { buildIngress, externalUrl } from './ingress.ts';
import { integrationStatus } from './integrations.ts';
import { buildScaledObject } from './keda.ts';
import { alertRules, buildPrometheusRule, buildServiceMonitor } from './monitoring.ts';
import { buildNetworkPolicy, DNS_EGRESS } from './networkpolicy.ts';
import { buildPdb } from './pdb.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const ALL_APIS: OptionalApis = { keda: true, serviceMonitor: true, prometheusRule: true };
const ctx: BuildContext = { serversImage: { repository: 'ghcr.io/mcpfleet/servers', tag: '0.1.0' }, clusterDomain: 'cluster.local', referencedVersions: {}, optionalApis: ALL_APIS, operatorNamespace: 'mcpfleet-system' };

function server(spec: Record<string, unknown>): McpServer {
  const result = validateMcpServer({ apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', metadata: { name: 'wx', namespace: 'team-a', uid: 'uid-1', generation: 1 }, spec: { catalog: 'utility', ...spec } });
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.value;
}

function problems(spec: Record<string, unknown>): string[] {
  const result = validateMcpServer({ apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', metadata: { name: 'wx', namespace: 'team-a' }, spec: { catalog: 'utility', ...spec } });
  return result.ok ? [] : result.problems;
}

/** The openAPIV3Schema of a fixture CRD (the same file kube-sim serves in integration tests). */
function fixtureSchema(file: string): JSONSchemaProps {
  const crd = parse(readFileSync(path.join(REPO, 'hack/kube-sim/fixtures/crds', file), 'utf8')) as { spec: { versions: { schema: { openAPIV3Schema: JSONSchemaProps } }[] } };
  return crd.spec.versions[0]!.schema.openAPIV3Schema;
}

/** Valid against the CRD schema, and nothing the API server would prune (so SSA round-trips). */
function assertMatchesCrd(file: string, obj: KubeObject): void {
  const schema = fixtureSchema(file);
  const { metadata: _m, ...body } = obj;
  assert.deepEqual(validate(schema, body), [], `${obj.kind} fails its CRD schema`);
  assert.deepEqual(pruneWithUnknownFields(schema, body).unknownFields, [], `${obj.kind} has fields the CRD would prune`);
}

function annotations(obj: KubeObject | undefined): Record<string, string> {
  return (obj?.metadata?.annotations ?? {}) as Record<string, string>;
}

describe('HorizontalPodAutoscaler builder', () => {
  it('renders autoscaling/v2 with CPU and memory targets and passes behavior through', () => {
    const behavior = { scaleDown: { stabilizationWindowSeconds: 120, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } };
    const hpa = buildHpa(server({ autoscaling: { hpa: { minReplicas: 2, maxReplicas: 6, targetCPUUtilization: 60, targetMemoryUtilization: 80, behavior } } }))!;
    new HorizontalPodAutoscaler(hpa as never).validate();
    assert.deepEqual(hpa.spec!.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'wx' });
    assert.equal(hpa.spec!.minReplicas, 2);
    assert.equal(hpa.spec!.maxReplicas, 6);
    assert.deepEqual(
      hpa.spec!.metrics!.map((m) => [m.resource!.name, m.resource!.target.averageUtilization]),
      [
        ['cpu', 60],
        ['memory', 80],
      ],
    );
    assert.deepEqual(hpa.spec!.behavior, behavior);
    assert.equal(hpa.metadata!.ownerReferences![0]!.uid, 'uid-1');
  });

  it('defaults to 70% CPU, and to memory only when only memory is set', () => {
    assert.deepEqual(buildHpa(server({ autoscaling: { hpa: { maxReplicas: 3 } } }))!.spec!.metrics!.map((m) => `${m.resource!.name}=${m.resource!.target.averageUtilization}`), ['cpu=70']);
    assert.deepEqual(buildHpa(server({ autoscaling: { hpa: { maxReplicas: 3, targetMemoryUtilization: 75 } } }))!.spec!.metrics!.map((m) => m.resource!.name), ['memory']);
    assert.equal(buildHpa(server({})), undefined);
  });
});

describe('KEDA ScaledObject builder', () => {
  it('renders scale to zero with event triggers passed through, valid for KEDA and the fixture CRD', () => {
    const triggers = [{ type: 'aws-sqs-queue', metadata: { queueURL: 'https://sqs.us-east-1.amazonaws.com/123456789012/jobs', queueLength: '5', awsRegion: 'us-east-1' }, authenticationRef: { name: 'sqs-auth' } }];
    const so = buildScaledObject(server({ autoscaling: { keda: { minReplicas: 0, maxReplicas: 10, pollingInterval: 15, cooldownPeriod: 120, triggers } } }))!;
    new KedaScaledObject(so as never).validate();
    assertMatchesCrd('keda-scaledobjects.yaml', so);
    assert.equal(so.apiVersion, 'keda.sh/v1alpha1');
    assert.deepEqual(so.spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'wx' });
    assert.equal(so.spec.minReplicaCount, 0);
    assert.equal(so.spec.maxReplicaCount, 10);
    assert.equal(so.spec.pollingInterval, 15);
    assert.equal(so.spec.cooldownPeriod, 120);
    assert.deepEqual(so.spec.triggers, triggers);
  });

  it('uses a CPU trigger by default and then keeps at least one replica (KEDA cannot wake on CPU)', () => {
    const so = buildScaledObject(server({ autoscaling: { keda: { maxReplicas: 4 } } }))!;
    new KedaScaledObject(so as never).validate();
    assertMatchesCrd('keda-scaledobjects.yaml', so);
    assert.deepEqual(so.spec.triggers, [{ type: 'cpu', metricType: 'Utilization', metadata: { value: '70' } }]);
    assert.equal(so.spec.minReplicaCount, 1);
    const status = integrationStatus(server({ autoscaling: { keda: { maxReplicas: 4 } } }), { apis: ALL_APIS });
    assert.match(status.conditions.find((c) => c.type === 'AutoscalingReady')!.message, /raised to 1/);
  });

  it('rejects scale to zero with only resource triggers, naming the field to change', () => {
    const found = problems({ autoscaling: { keda: { minReplicas: 0, maxReplicas: 3, triggers: [{ type: 'cpu', metadata: { value: '50' } }] } } });
    assert.deepEqual(found, ['spec.autoscaling.keda.triggers: minReplicas 0 (scale to zero) needs a trigger other than cpu or memory, e.g. prometheus, aws-sqs-queue or cron']);
  });
});

describe('Ingress builder', () => {
  const albServer = (alb: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    server({ expose: { ingress: { className: 'alb', host: 'wx.example.com', alb, ...extra } } });

  it('renders the AWS Load Balancer Controller annotations from the typed fields', () => {
    const s = albServer({
      scheme: 'internet-facing',
      certificateArn: 'arn:aws:acm:us-west-2:123456789012:certificate/abc',
      groupName: 'mcp',
      listenPorts: [
        { protocol: 'HTTP', port: 80 },
        { protocol: 'HTTPS', port: 443 },
      ],
      deregistrationDelaySeconds: 15,
    });
    const ing = buildIngress(s)!;
    new Ingress(ing as never).validate();
    assert.deepEqual(annotations(ing as KubeObject), {
      'alb.ingress.kubernetes.io/scheme': 'internet-facing',
      'alb.ingress.kubernetes.io/target-type': 'ip',
      'alb.ingress.kubernetes.io/backend-protocol': 'HTTP',
      'alb.ingress.kubernetes.io/listen-ports': '[{"HTTP":80},{"HTTPS":443}]',
      'alb.ingress.kubernetes.io/target-group-attributes': 'deregistration_delay.timeout_seconds=15',
      'alb.ingress.kubernetes.io/healthcheck-path': '/readyz',
      'alb.ingress.kubernetes.io/certificate-arn': 'arn:aws:acm:us-west-2:123456789012:certificate/abc',
      'alb.ingress.kubernetes.io/group.name': 'mcp',
      'alb.ingress.kubernetes.io/ssl-redirect': '443',
    });
    assert.equal(ing.spec!.ingressClassName, 'alb');
    const rule = ing.spec!.rules![0]!;
    assert.equal(rule.host, 'wx.example.com');
    assert.deepEqual(rule.http!.paths[0], { path: '/', pathType: 'Prefix', backend: { service: { name: 'wx', port: { number: 80 } } } });
  });

  it('defaults to an internal ALB on HTTP 80 (HTTPS 443 with a certificate) with a 30 s deregistration delay', () => {
    const plain = annotations(buildIngress(server({ expose: { ingress: { className: 'alb' } } })) as KubeObject);
    assert.equal(plain['alb.ingress.kubernetes.io/scheme'], 'internal');
    assert.equal(plain['alb.ingress.kubernetes.io/listen-ports'], '[{"HTTP":80}]');
    assert.equal(plain['alb.ingress.kubernetes.io/target-group-attributes'], 'deregistration_delay.timeout_seconds=30');
    const tls = annotations(buildIngress(albServer({ certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/x' })) as KubeObject);
    assert.equal(tls['alb.ingress.kubernetes.io/listen-ports'], '[{"HTTPS":443}]');
    assert.equal(tls['alb.ingress.kubernetes.io/ssl-redirect'], undefined);
  });

  it('checks health on the readiness probe path, or the MCP endpoint when readiness is TCP', () => {
    const custom = server({ probes: { readiness: { httpGet: { path: '/ready-now', port: 8080 } } }, expose: { ingress: { className: 'alb' } } });
    assert.equal(annotations(buildIngress(custom) as KubeObject)['alb.ingress.kubernetes.io/healthcheck-path'], '/ready-now');
    const image = validateMcpServer({ apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', metadata: { name: 'img', namespace: 'team-a', uid: 'u' }, spec: { image: 'acme/mcp:1', transport: { path: '/rpc' }, expose: { ingress: { className: 'alb' } } } });
    assert.ok(image.ok);
    const a = annotations(buildIngress(image.value) as KubeObject);
    assert.equal(a['alb.ingress.kubernetes.io/healthcheck-path'], '/rpc');
    assert.equal(a['alb.ingress.kubernetes.io/success-codes'], '200-499');
  });

  it('merges user annotations over the generated ones and renders other classes without ALB annotations', () => {
    const s = albServer({}, { annotations: { 'alb.ingress.kubernetes.io/scheme': 'internet-facing', 'alb.ingress.kubernetes.io/load-balancer-attributes': 'idle_timeout.timeout_seconds=300' } });
    const a = annotations(buildIngress(s) as KubeObject);
    assert.equal(a['alb.ingress.kubernetes.io/scheme'], 'internet-facing');
    assert.equal(a['alb.ingress.kubernetes.io/load-balancer-attributes'], 'idle_timeout.timeout_seconds=300');
    const nginx = buildIngress(server({ expose: { ingress: { className: 'nginx', host: 'wx.local', path: '/mcp', pathType: 'Exact', tls: [{ hosts: ['wx.local'], secretName: 'wx-tls' }] } } }))!;
    new Ingress(nginx as never).validate();
    assert.equal(nginx.metadata!.annotations, undefined);
    assert.deepEqual(nginx.spec!.tls, [{ hosts: ['wx.local'], secretName: 'wx-tls' }]);
    assert.equal(nginx.spec!.rules![0]!.http!.paths[0]!.pathType, 'Exact');
  });

  it('derives status.externalUrl from the load balancer status only once it has an address', () => {
    const s = albServer({ certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/x' });
    assert.equal(externalUrl(s, undefined), undefined);
    assert.equal(externalUrl(s, { status: { loadBalancer: {} } }), undefined);
    assert.equal(externalUrl(s, { status: { loadBalancer: { ingress: [{ hostname: 'k8s-x.us-east-1.elb.amazonaws.com' }] } } }), 'https://wx.example.com/mcp');
    const hostless = server({ expose: { ingress: { className: 'nginx' } } });
    assert.equal(externalUrl(hostless, { status: { loadBalancer: { ingress: [{ ip: '203.0.113.7' }] } } }), 'http://203.0.113.7/mcp');
    const odd = albServer({ listenPorts: [{ protocol: 'HTTP', port: 8080 }] });
    assert.equal(externalUrl(odd, { status: { loadBalancer: { ingress: [{ hostname: 'lb' }] } } }), 'http://wx.example.com:8080/mcp');
  });
});

describe('PodDisruptionBudget builder', () => {
  const table: { name: string; spec: Record<string, unknown>; expect: Record<string, unknown> | undefined }[] = [
    { name: 'one replica: none', spec: { replicas: 1 }, expect: undefined },
    { name: 'two replicas: minAvailable 1', spec: { replicas: 2 }, expect: { minAvailable: 1 } },
    { name: 'hpa min 1: none', spec: { replicas: 5, autoscaling: { hpa: { minReplicas: 1, maxReplicas: 4 } } }, expect: undefined },
    { name: 'hpa min 2: minAvailable 1', spec: { autoscaling: { hpa: { minReplicas: 2, maxReplicas: 4 } } }, expect: { minAvailable: 1 } },
    { name: 'keda min 0: none', spec: { replicas: 3, autoscaling: { keda: { minReplicas: 0, maxReplicas: 4, triggers: [{ type: 'cron', metadata: {} }] } } }, expect: undefined },
    { name: 'keda min 3: minAvailable 1', spec: { autoscaling: { keda: { minReplicas: 3, maxReplicas: 4 } } }, expect: { minAvailable: 1 } },
    { name: 'explicit percentage', spec: { replicas: 1, disruption: { maxUnavailable: '25%' } }, expect: { maxUnavailable: '25%' } },
    { name: 'explicit minAvailable', spec: { replicas: 4, disruption: { minAvailable: 3 } }, expect: { minAvailable: 3 } },
  ];
  for (const row of table) {
    it(row.name, () => {
      const pdb = buildPdb(server(row.spec));
      if (!row.expect) return assert.equal(pdb, undefined);
      new PodDisruptionBudget(pdb as never).validate();
      const { selector, unhealthyPodEvictionPolicy, ...budget } = pdb!.spec!;
      assert.deepEqual(budget, row.expect);
      assert.deepEqual(selector, { matchLabels: { 'app.kubernetes.io/instance': 'wx', 'app.kubernetes.io/component': 'mcp-server' } });
      assert.equal(unhealthyPodEvictionPolicy, 'AlwaysAllow');
    });
  }
});

describe('NetworkPolicy builder', () => {
  it('allows ingress from same-namespace pods and the operator, all egress when egressTo is unset', () => {
    const np = buildNetworkPolicy(server({ networkPolicy: {} }), ctx)!;
    new NetworkPolicy(np as never).validate();
    assert.deepEqual(np.spec!.podSelector, { matchLabels: { 'app.kubernetes.io/instance': 'wx', 'app.kubernetes.io/component': 'mcp-server' } });
    assert.deepEqual(np.spec!.policyTypes, ['Ingress']);
    const rule = np.spec!.ingress![0] as unknown as { from: unknown[]; ports: unknown[] };
    assert.deepEqual(rule.from, [{ podSelector: {} }, { namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['mcpfleet-system'] } ] } }]);
    assert.deepEqual(rule.ports, [{ protocol: 'TCP', port: 8080 }]);
    assert.equal(np.spec!.egress, undefined);
    assert.equal(buildNetworkPolicy(server({ networkPolicy: { enabled: false } }), ctx), undefined);
    assert.equal(buildNetworkPolicy(server({}), ctx), undefined);
  });

  it('restricts egress to the declared destinations plus cluster DNS', () => {
    const egressTo = [{ to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ protocol: 'TCP', port: 6379 }] }, { ports: [{ protocol: 'TCP', port: 443 }] }];
    const np = buildNetworkPolicy(server({ networkPolicy: { egressTo, ingressFrom: [{ namespaceSelector: { matchLabels: { team: 'agents' } } }] } }), ctx)!;
    new NetworkPolicy(np as never).validate();
    assert.deepEqual(np.spec!.policyTypes, ['Ingress', 'Egress']);
    assert.deepEqual(np.spec!.egress, [...egressTo, DNS_EGRESS]);
    assert.deepEqual(DNS_EGRESS.ports, [
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 53 },
    ]);
    const from = (np.spec!.ingress![0] as unknown as { from: unknown[] }).from;
    assert.deepEqual(from[0], { namespaceSelector: { matchLabels: { team: 'agents' } } });
  });

  it('lets the ingress controller in when an Ingress exists: ALB from VPC addresses, others by namespace', () => {
    const alb = buildNetworkPolicy(server({ networkPolicy: { ingressFrom: [] }, expose: { ingress: { className: 'alb' } } }), { operatorNamespace: 'team-a' })!;
    new NetworkPolicy(alb as never).validate();
    assert.deepEqual((alb.spec!.ingress![0] as unknown as { from: unknown[] }).from, [{ ipBlock: { cidr: '10.0.0.0/8' } }, { ipBlock: { cidr: '172.16.0.0/12' } }, { ipBlock: { cidr: '192.168.0.0/16' } }]);
    const traefik = buildNetworkPolicy(server({ networkPolicy: { ingressFrom: [] }, expose: { ingress: { className: 'traefik' } } }), {})!;
    assert.deepEqual((traefik.spec!.ingress![0] as unknown as { from: unknown[] }).from, [{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['ingress-nginx', 'traefik'] }] } }]);
    const custom = buildNetworkPolicy(server({ networkPolicy: { ingressFrom: [], ingressControllerFrom: [{ podSelector: { matchLabels: { app: 'gw' } } }] }, expose: { ingress: { className: 'nginx' } } }), {})!;
    assert.deepEqual((custom.spec!.ingress![0] as unknown as { from: unknown[] }).from, [{ podSelector: { matchLabels: { app: 'gw' } } }]);
  });
});

describe('ServiceMonitor and PrometheusRule builders', () => {
  it('renders a ServiceMonitor that matches the fixture CRD and scrapes /metrics on the mcp port', () => {
    const sm = buildServiceMonitor(server({ monitoring: { serviceMonitor: { interval: '15s', labels: { release: 'kube-prometheus' } } } }))!;
    assertMatchesCrd('monitoring-servicemonitors.yaml', sm);
    assert.deepEqual(sm.spec.selector.matchLabels, { 'app.kubernetes.io/instance': 'wx', 'app.kubernetes.io/component': 'mcp-server' });
    assert.deepEqual(sm.spec.namespaceSelector, { matchNames: ['team-a'] });
    assert.deepEqual(sm.spec.endpoints, [{ port: 'mcp', path: '/metrics', scheme: 'http', interval: '15s' }]);
    assert.equal(sm.metadata!.labels!.release, 'kube-prometheus');
    assert.equal(sm.metadata!.labels!['app.kubernetes.io/managed-by'], 'mcpfleet-operator');
  });

  it('renders a PrometheusRule with the three alerts on the kit metric names', () => {
    const rule = buildPrometheusRule(server({ monitoring: { prometheusRule: { labels: { role: 'alert-rules' } } } }))!;
    assertMatchesCrd('monitoring-prometheusrules.yaml', rule);
    const alerts = rule.spec.groups[0]!.rules;
    assert.deepEqual(alerts.map((a) => a.alert), ['McpServerHighErrorRate', 'McpServerHighLatency', 'McpServerToolErrors']);
    assert.match(alerts[0]!.expr, /mcp_http_requests_total\{namespace="team-a",service="wx",status=~"5\.\."\}/);
    assert.match(alerts[1]!.expr, /histogram_quantile\(0\.99, sum by \(le\) \(rate\(mcp_http_request_duration_seconds_bucket\{namespace="team-a",service="wx"\}\[5m\]\)\)\) > 2$/);
    assert.match(alerts[2]!.expr, /mcp_tool_calls_total\{namespace="team-a",service="wx",outcome=~"error\|tool_error"\}/);
  });

  it('turns both on for monitoring: {}, each off with enabled: false, and nothing without spec.monitoring', () => {
    assert.ok(buildServiceMonitor(server({ monitoring: {} })) && buildPrometheusRule(server({ monitoring: {} })));
    assert.equal(buildPrometheusRule(server({ monitoring: { prometheusRule: { enabled: false } } })), undefined);
    assert.ok(buildServiceMonitor(server({ monitoring: { prometheusRule: { enabled: false } } })));
    assert.equal(buildServiceMonitor(server({})), undefined);
  });

  it('alerts fire on the conditions they describe (promtool test rules, when promtool is installed)', function () {
    const s = server({ monitoring: {} });
    const rules = { groups: buildPrometheusRule(s)!.spec.groups };
    const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
    if (promtool.error) {
      // Without promtool: still check every expression only uses the kit's metric names and is
      // balanced, which catches the typos a template change could make.
      for (const a of alertRules(s)) {
        assert.match(a.expr, /^(sum|histogram_quantile)\(.*\) > [0-9.]+$/);
        assert.equal([...a.expr].filter((c) => c === '(').length, [...a.expr].filter((c) => c === ')').length);
        for (const metric of a.expr.match(/mcp_[a-z_]+/g)!) assert.ok(['mcp_http_requests_total', 'mcp_http_request_duration_seconds_bucket', 'mcp_tool_calls_total'].includes(metric), metric);
      }
      return;
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'mcp-rules-'));
    try {
      writeFileSync(path.join(dir, 'rules.yaml'), stringify(rules));
      const check = spawnSync('promtool', ['check', 'rules', path.join(dir, 'rules.yaml')], { encoding: 'utf8' });
      assert.equal(check.status, 0, check.stdout + check.stderr);
      const sel = 'namespace="team-a",service="wx"';
      const labels = { severity: 'warning', namespace: 'team-a', mcpserver: 'wx' };
      const test = {
        rule_files: ['rules.yaml'],
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: [
              // 10% of requests fail with 500 → the 5xx alert; a healthy server next to it stays quiet.
              { series: `mcp_http_requests_total{${sel},status="500",method="POST",path="/mcp"}`, values: '0+6x30' },
              { series: `mcp_http_requests_total{${sel},status="200",method="POST",path="/mcp"}`, values: '0+54x30' },
              { series: 'mcp_http_requests_total{namespace="team-a",service="other",status="200"}', values: '0+60x30' },
              // Every request takes between 2.5 s and 5 s → p99 above 2 s.
              { series: `mcp_http_request_duration_seconds_bucket{${sel},le="2.5"}`, values: '0+0x30' },
              { series: `mcp_http_request_duration_seconds_bucket{${sel},le="5"}`, values: '0+60x30' },
              { series: `mcp_http_request_duration_seconds_bucket{${sel},le="+Inf"}`, values: '0+60x30' },
              // Half of the tool calls end in tool_error.
              { series: `mcp_tool_calls_total{${sel},tool="kv_get",outcome="success"}`, values: '0+30x30' },
              { series: `mcp_tool_calls_total{${sel},tool="kv_get",outcome="tool_error"}`, values: '0+30x30' },
            ],
            alert_rule_test: [
              { eval_time: '20m', alertname: 'McpServerHighErrorRate', exp_alerts: [{ exp_labels: labels, exp_annotations: { summary: 'McpServer team-a/wx answers more than 5% of requests with 5xx', description: 'Share of HTTP responses with a 5xx status over 5 minutes: 10%.' } }] },
              { eval_time: '20m', alertname: 'McpServerHighLatency', exp_alerts: [{ exp_labels: labels, exp_annotations: { summary: 'McpServer team-a/wx p99 latency is above 2s', description: '99th percentile HTTP request duration over 5 minutes: 4.975s.' } }] },
              { eval_time: '20m', alertname: 'McpServerToolErrors', exp_alerts: [{ exp_labels: labels, exp_annotations: { summary: 'McpServer team-a/wx fails more than 10% of tool calls', description: 'Share of tool calls ending in error or tool_error over 5 minutes: 50%.' } }] },
              // Pending, not firing, before the for: duration has passed.
              { eval_time: '3m', alertname: 'McpServerHighErrorRate', exp_alerts: [] },
            ],
          },
        ],
      };
      writeFileSync(path.join(dir, 'test.yaml'), stringify(test));
      const run = spawnSync('promtool', ['test', 'rules', path.join(dir, 'test.yaml')], { encoding: 'utf8', cwd: dir });
      assert.equal(run.status, 0, run.stdout + run.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('desired children across integration modes', () => {
  const kindsOf = (spec: Record<string, unknown>, apis: OptionalApis = ALL_APIS) =>
    desiredChildren(server(spec), { ...ctx, optionalApis: apis }).map((c) => c.kind).sort();
  const base = ['Deployment', 'Service', 'ServiceAccount'];
  const hpa = { hpa: { minReplicas: 2, maxReplicas: 4 } };
  const keda = { keda: { minReplicas: 0, maxReplicas: 4, triggers: [{ type: 'cron', metadata: { timezone: 'UTC', start: '0 8 * * *', end: '0 18 * * *', desiredReplicas: '2' } }] } };
  const modes: Record<string, Record<string, unknown>> = { none: {}, hpa: { autoscaling: hpa }, keda: { autoscaling: keda } };
  const owns: Record<string, string[]> = { none: [], hpa: ['HorizontalPodAutoscaler', 'PodDisruptionBudget'], keda: ['ScaledObject'] };

  for (const from of Object.keys(modes)) {
    for (const to of Object.keys(modes)) {
      if (from === to) continue;
      it(`switching autoscaling ${from} → ${to} prunes ${owns[from]!.filter((k) => !owns[to]!.includes(k)).join(', ') || 'nothing'}`, () => {
        const before = kindsOf(modes[from]!);
        const after = kindsOf(modes[to]!);
        assert.deepEqual(before, [...base, ...owns[from]!].sort());
        assert.deepEqual(after, [...base, ...owns[to]!].sort());
        // The reconciler prunes every owned child whose kind/name is not desired any more.
        const pruned = before.filter((k) => !after.includes(k));
        assert.deepEqual(pruned, owns[from]!.filter((k) => !owns[to]!.includes(k)).sort());
        const deployment = buildDeployment(server(modes[to]!), ctx);
        assert.equal('replicas' in deployment.spec!, to === 'none', 'spec.replicas is applied only without an autoscaler');
      });
    }
  }

  it('leaves out kinds of optional APIs the cluster does not serve, and reports it', () => {
    const spec = { autoscaling: keda, monitoring: {} };
    assert.deepEqual(kindsOf(spec), [...base, 'PrometheusRule', 'ScaledObject', 'ServiceMonitor'].sort());
    const none: OptionalApis = { keda: false, serviceMonitor: false, prometheusRule: false };
    assert.deepEqual(kindsOf(spec, none), base);
    const status = integrationStatus(server(spec), { apis: none });
    assert.deepEqual(
      status.conditions.map((c) => [c.type, c.status, c.reason]),
      [
        ['AutoscalingReady', 'False', 'KedaNotInstalled'],
        ['MonitoringReady', 'False', 'PrometheusOperatorNotInstalled'],
      ],
    );
    assert.deepEqual(status.retired, ['IngressReady']);
  });

  it('renders every integration at once, each kind listed in OWNED_KINDS (so it is watched and pruned)', () => {
    const children = desiredChildren(server({ replicas: 3, autoscaling: hpa, expose: { ingress: { className: 'alb' } }, networkPolicy: {}, monitoring: {} }), ctx);
    const owned = new Set(OWNED_KINDS.map((k) => kindKey(k.apiVersion, k.kind)));
    for (const child of children) assert.ok(owned.has(kindKey(child.apiVersion!, child.kind!)), `${child.kind} is not in OWNED_KINDS`);
    assert.deepEqual(children.map((c) => c.kind).sort(), ['Deployment', 'HorizontalPodAutoscaler', 'Ingress', 'NetworkPolicy', 'PodDisruptionBudget', 'PrometheusRule', 'Service', 'ServiceAccount', 'ServiceMonitor']);
    const status = integrationStatus(server({ autoscaling: hpa, expose: { ingress: { className: 'alb', host: 'wx.example.com' } }, monitoring: {} }), { apis: ALL_APIS, ingress: { status: { loadBalancer: { ingress: [{ hostname: 'k8s-lb.elb.amazonaws.com' }] } } } });
    assert.equal(status.externalUrl, 'http://wx.example.com/mcp');
    assert.deepEqual(
      status.conditions.map((c) => `${c.type}=${c.status}`),
      ['AutoscalingReady=True', 'IngressReady=True', 'MonitoringReady=True'],
    );
  });
});
