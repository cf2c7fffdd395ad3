// The Helm chart (charts/mcpfleet) with the real helm v4 and kubectl v1.33: lint, render with
// default and non-default values (every built-in object validated against the upstream schemas
// by kubernetes-models, the operator's args parsed by the operator's own config parser), the
// values schema and cross-field checks, and install / upgrade / uninstall against kube-sim with
// the rendered operator pods running as real operator processes.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { Pod } from 'kubernetes-models/v1/Pod';
import { CustomResourceDefinition } from 'kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition';
import { pollUntil } from '../cluster/src/http.ts';
import { startKubeSim } from '../kube-sim/src/api.ts';
import type { KubeSim } from '../kube-sim/src/api.ts';
import { parseConfig } from '../../operator/src/config/config.ts';
import { parseTracingConfig } from '../../servers/kit/tracing/config.ts';
import { operatorRbacRules } from '../../operator/src/rbac.ts';
import type { PolicyRule } from '../../operator/src/rbac.ts';
import { chartOperatorRunner } from './operator-runner.ts';
import { CHART_DIR, REPO_ROOT, helmRunner, kubectlRunner, parseManifests } from './tools.ts';
import type { K8sObject, RunResult } from './tools.ts';

const RELEASE_NS = 'mcpfleet-system';
const OPERATOR_IMAGE = 'ghcr.io/mcpfleet/operator';

/** Validators of the built-in kinds the chart renders (kubernetes-models, upstream OpenAPI). */
const VALIDATORS: Record<string, (o: K8sObject) => void> = {
  Deployment: (o) => new Deployment(o as never).validate(),
  Service: (o) => new Service(o as never).validate(),
  ServiceAccount: (o) => new ServiceAccount(o as never).validate(),
  ClusterRole: (o) => new ClusterRole(o as never).validate(),
  ClusterRoleBinding: (o) => new ClusterRoleBinding(o as never).validate(),
  Role: (o) => new Role(o as never).validate(),
  RoleBinding: (o) => new RoleBinding(o as never).validate(),
  PodDisruptionBudget: (o) => new PodDisruptionBudget(o as never).validate(),
  Pod: (o) => new Pod(o as never).validate(),
  CustomResourceDefinition: (o) => new CustomResourceDefinition(o as never).validate(),
};

const NON_DEFAULT_VALUES = {
  image: { repository: 'registry.example.com/platform/mcpfleet-operator', tag: '0.1.0-rc.1', pullPolicy: 'Always' },
  imagePullSecrets: [{ name: 'regcred' }],
  serversImage: { repository: 'registry.example.com/platform/mcpfleet-servers', tag: '0.1.0-rc.1' },
  replicas: 3,
  leaderElection: { enabled: true, leaseName: 'fleet-leader', leaseDuration: '30s', renewDeadline: '20s', retryPeriod: '4s' },
  logLevel: 'debug',
  watchNamespace: 'team-a',
  workers: 8,
  extraArgs: ['--resync-period=5m'],
  extraEnv: [{ name: 'AWS_ENDPOINT_URL_EKS', value: 'https://eks.example.internal' }],
  aws: { eksClusterName: 'prod-cluster', region: 'eu-west-1' },
  serviceAccount: { create: true, name: 'fleet-operator', annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/fleet' } },
  metrics: { port: 9090, service: { enabled: true, type: 'ClusterIP', port: 9091 }, serviceMonitor: { enabled: true, interval: '15s', scrapeTimeout: '5s', labels: { release: 'prometheus' } } },
  resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: 1, memory: '1Gi' } },
  priorityClassName: 'system-cluster-critical',
  nodeSelector: { 'kubernetes.io/os': 'linux' },
  tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'platform', effect: 'NoSchedule' }],
  affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['system'] }] }] } } },
  podDisruptionBudget: { enabled: true, minAvailable: 2 },
  // A second release in a cluster: the first one owns the CRD.
  crds: { install: false, keep: true },
};

function byKind(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}

/** The metrics auth/reader RBAC (metrics.secure) is checked by its own test; the others look past it. */
const withoutMetricsRbac = (objects: K8sObject[]) => objects.filter((o) => !/-metrics-(auth|reader)$/.test(o.metadata.name ?? ''));

function one(objects: K8sObject[], kind: string): K8sObject {
  const found = byKind(objects, kind);
  assert.equal(found.length, 1, `expected exactly one ${kind}, got ${found.length}`);
  return found[0]!;
}

interface ContainerShape {
  name: string;
  image: string;
  args: string[];
  env: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
  ports: { name: string; containerPort: number }[];
  livenessProbe: { httpGet: { path: string; port: string } };
  readinessProbe: { httpGet: { path: string; port: string } };
  securityContext: Record<string, unknown>;
  volumeMounts: { name: string; mountPath: string }[];
}
interface PodSpecShape {
  serviceAccountName: string;
  securityContext: Record<string, unknown>;
  containers: ContainerShape[];
  volumes: { name: string; emptyDir?: unknown }[];
  [key: string]: unknown;
}

function podSpec(deployment: K8sObject): PodSpecShape {
  return (deployment as unknown as { spec: { template: { spec: PodSpecShape } } }).spec.template.spec;
}

/** The operator's configuration as the pod would compute it (downward-API env filled in). */
function operatorConfigOf(deployment: K8sObject) {
  const container = podSpec(deployment).containers[0]!;
  const env: Record<string, string> = { POD_NAMESPACE: RELEASE_NS, POD_NAME: 'mcpfleet-abc-123' };
  for (const v of container.env) if (v.value !== undefined) env[v.name] = v.value;
  return parseConfig(container.args, env);
}

function normalizeRules(rules: PolicyRule[]): string[] {
  return rules.map((r) => JSON.stringify({ apiGroups: [...r.apiGroups].sort(), resources: [...r.resources].sort(), verbs: [...r.verbs].sort() })).sort();
}

describe('Helm chart charts/mcpfleet', function () {
  this.timeout(120_000);
  let home: string;
  let helm: ReturnType<typeof helmRunner>;
  let nonDefaultValuesFile: string;

  const template = async (...args: string[]): Promise<RunResult> => helm(['template', 'mcpfleet', CHART_DIR, '--namespace', RELEASE_NS, ...args]);
  const render = async (...args: string[]): Promise<K8sObject[]> => {
    const out = await template(...args);
    assert.equal(out.code, 0, out.stderr);
    const objects = parseManifests(out.stdout);
    for (const o of objects) VALIDATORS[o.kind]?.(o);
    return objects;
  };

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'mcpfleet-chart-'));
    helm = helmRunner(home);
    nonDefaultValuesFile = join(home, 'non-default.yaml');
    await writeFile(nonDefaultValuesFile, stringify(NON_DEFAULT_VALUES));
  });

  after(async () => {
    await rm(home, { recursive: true, force: true });
  });

  describe('package', () => {
    it('has the version of package.json as chart version and appVersion', async () => {
      const chart = parseYaml(await readFile(join(CHART_DIR, 'Chart.yaml'), 'utf8')) as { apiVersion: string; version: string; appVersion: string };
      const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
      assert.equal(chart.apiVersion, 'v2');
      assert.equal(chart.version, pkg.version);
      assert.equal(chart.appVersion, pkg.version);
    });

    it('ships the generated CRD unchanged in generated/crds.yaml', async () => {
      const inChart = await readFile(join(CHART_DIR, 'generated', 'crds.yaml'), 'utf8');
      const generated = await readFile(join(REPO_ROOT, 'crds', 'mcpservers.mcpfleet.dev.yaml'), 'utf8');
      assert.equal(inChart, generated, 'run npm run gen: charts/mcpfleet/generated/crds.yaml differs from crds/');
    });

    it('passes helm lint --strict with default and non-default values', async () => {
      const plain = await helm(['lint', '--strict', CHART_DIR]);
      assert.equal(plain.code, 0, plain.stdout + plain.stderr);
      assert.match(plain.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
      const custom = await helm(['lint', '--strict', CHART_DIR, '--namespace', RELEASE_NS, '-f', nonDefaultValuesFile]);
      assert.equal(custom.code, 0, custom.stdout + custom.stderr);
    });
  });

  describe('telemetry values', () => {
    it('render the servers\' tracing defaults as flags and the operator\'s own tracing as the standard OTEL_* variables', async () => {
      const plain = podSpec(one(await render(), 'Deployment')).containers[0]!;
      assert.ok(!plain.env.some((e) => e.name.startsWith('OTEL_')), 'the operator traces nothing by default');
      assert.equal(operatorConfigOf(one(await render(), 'Deployment')).telemetryOtlpEndpoint, undefined);

      const deployment = one(
        await render('--set', 'telemetry.otlpEndpoint=http://otel.observability:4318', '--set-json', 'telemetry.samplingRatio=0.2', '--set', 'telemetry.operator.enabled=true', '--set-json', 'telemetry.operator.samplingRatio=0.5', '--set', 'telemetry.operator.headersSecretRef.name=otlp-auth'),
        'Deployment',
      );
      const config = operatorConfigOf(deployment);
      assert.equal(config.telemetryOtlpEndpoint, 'http://otel.observability:4318');
      assert.equal(config.telemetrySamplingRatio, 0.2);
      const container = podSpec(deployment).containers[0]!;
      assert.deepEqual(container.env.find((e) => e.name === 'OTEL_EXPORTER_OTLP_HEADERS')?.valueFrom, { secretKeyRef: { name: 'otlp-auth', key: 'headers' } });
      // What the SDK in the pod would read (the kubelet expands $(POD_NAME) from the earlier entry).
      const env: Record<string, string> = { POD_NAMESPACE: RELEASE_NS, POD_NAME: 'mcpfleet-abc-123', OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20x' };
      for (const v of container.env) if (v.value !== undefined) env[v.name] = v.value.replace(/\$\((\w+)\)/g, (whole, name: string) => env[name] ?? whole);
      const tracing = parseTracingConfig(env);
      assert.ok(tracing.enabled);
      assert.equal(tracing.url, 'http://otel.observability:4318/v1/traces');
      assert.deepEqual(tracing.sampler, { name: 'parentbased_traceidratio', ratio: 0.5 });
      assert.equal(tracing.serviceName, 'mcpfleet-operator');
      assert.equal(tracing.resourceAttributes['k8s.pod.name'], 'mcpfleet-abc-123');
      assert.equal(tracing.resourceAttributes['k8s.namespace.name'], RELEASE_NS);
    });

    it('refuse operator tracing without an endpoint, and bad URLs or ratios', async () => {
      const noEndpoint = await template('--set', 'telemetry.operator.enabled=true');
      assert.notEqual(noEndpoint.code, 0);
      assert.match(noEndpoint.stderr, /telemetry\.operator\.enabled needs telemetry\.operator\.endpoint or telemetry\.otlpEndpoint/);
      for (const bad of ['telemetry.otlpEndpoint="otel:4318"', 'telemetry.samplingRatio=2']) {
        const result = await template('--set-json', bad);
        assert.notEqual(result.code, 0, bad);
        assert.match(result.stderr, /values don't meet the specifications of the schema|schema/i, bad);
      }
    });
  });

  describe('helm template with default values', () => {
    let objects: K8sObject[];
    before(async () => {
      objects = withoutMetricsRbac(await render());
    });

    it('renders the operator objects, each valid for its upstream schema', () => {
      assert.deepEqual(objects.map((o) => o.kind).sort(), ['ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'Deployment', 'Pod', 'PodDisruptionBudget', 'Service', 'ServiceAccount']);
      for (const o of objects) {
        assert.ok(VALIDATORS[o.kind], `no validator for ${o.kind}`);
        assert.equal(o.metadata.labels?.['app.kubernetes.io/managed-by'], 'Helm');
        if (!o.kind.startsWith('Cluster') && o.kind !== 'CustomResourceDefinition') assert.equal(o.metadata.namespace, RELEASE_NS, `${o.kind} namespace`);
      }
    });

    it('runs two replicas with leader election, downward-API identity and the documented defaults', () => {
      const deployment = one(objects, 'Deployment');
      assert.equal((deployment as unknown as { spec: { replicas: number } }).spec.replicas, 2);
      const spec = podSpec(deployment);
      const container = spec.containers[0]!;
      assert.equal(container.image, `${OPERATOR_IMAGE}:0.1.0`);
      assert.deepEqual(
        container.env.filter((e) => e.valueFrom?.fieldRef).map((e) => [e.name, e.valueFrom!.fieldRef!.fieldPath]),
        [['POD_NAMESPACE', 'metadata.namespace'], ['POD_NAME', 'metadata.name']],
      );
      const config = operatorConfigOf(deployment);
      assert.equal(config.leaderElect, true);
      assert.equal(config.leaseNamespace, RELEASE_NS);
      assert.equal(config.leaderIdentity, 'mcpfleet-abc-123');
      assert.equal(config.leaseName, 'mcpfleet-operator');
      assert.deepEqual(config.metricsBindAddress, { host: '0.0.0.0', port: 8443 });
      assert.deepEqual(config.healthProbeBindAddress, { host: '0.0.0.0', port: 8081 });
      assert.equal(config.metricsSecure, true);
      assert.equal(config.logLevel, 'info');
      assert.equal(config.watchNamespace, '');
      assert.equal(config.serversImageRepository, 'ghcr.io/mcpfleet/servers');
      assert.equal(config.serversImageTag, '0.1.0');
      assert.equal(config.eksClusterName, undefined);
      assert.equal(spec.serviceAccountName, one(objects, 'ServiceAccount').metadata.name);
    });

    it('probes /healthz and /readyz on the health port; the Service exposes the metrics and health ports', () => {
      const container = podSpec(one(objects, 'Deployment')).containers[0]!;
      assert.deepEqual(container.ports, [
        { name: 'metrics', containerPort: 8443, protocol: 'TCP' },
        { name: 'health', containerPort: 8081, protocol: 'TCP' },
      ]);
      assert.equal(container.livenessProbe.httpGet.path, '/healthz');
      assert.equal(container.readinessProbe.httpGet.path, '/readyz');
      assert.equal(container.livenessProbe.httpGet.port, 'health');
      assert.equal(container.readinessProbe.httpGet.port, 'health');
      const service = one(objects, 'Service') as unknown as { spec: { selector: Record<string, string>; ports: { name: string; targetPort: string }[] } };
      assert.deepEqual(service.spec.ports.map((p) => [p.name, p.targetPort]), [['metrics', 'metrics'], ['health', 'health']]);
      const labels = (one(objects, 'Deployment') as unknown as { spec: { template: { metadata: { labels: Record<string, string> } } } }).spec.template.metadata.labels;
      for (const [k, v] of Object.entries(service.spec.selector)) assert.equal(labels[k], v, `Service selector ${k}`);
    });

    it('meets Pod Security Standards "restricted" with a read-only root filesystem and /tmp on an emptyDir', () => {
      const spec = podSpec(one(objects, 'Deployment'));
      const container = spec.containers[0]!;
      assert.equal(spec.securityContext.runAsNonRoot, true);
      assert.equal(spec.securityContext.runAsUser, 65532);
      assert.deepEqual(spec.securityContext.seccompProfile, { type: 'RuntimeDefault' });
      assert.equal(container.securityContext.allowPrivilegeEscalation, false);
      assert.equal(container.securityContext.readOnlyRootFilesystem, true);
      assert.deepEqual(container.securityContext.capabilities, { drop: ['ALL'] });
      const tmp = container.volumeMounts.find((m) => m.mountPath === '/tmp');
      assert.ok(tmp, '/tmp is mounted');
      assert.ok(spec.volumes.find((v) => v.name === tmp.name)?.emptyDir !== undefined, '/tmp is an emptyDir');
    });

    it('grants exactly the generated rules of charts/mcpfleet/generated/rbac-rules.yaml, bound cluster-wide', async () => {
      const generated = parseYaml(await readFile(join(CHART_DIR, 'generated', 'rbac-rules.yaml'), 'utf8')) as PolicyRule[];
      const role = one(objects, 'ClusterRole') as unknown as { metadata: { name: string }; rules: PolicyRule[] };
      assert.deepEqual(role.rules, generated);
      assert.deepEqual(normalizeRules(role.rules), normalizeRules(operatorRbacRules()));
      const binding = one(objects, 'ClusterRoleBinding') as unknown as { roleRef: { kind: string; name: string }; subjects: { kind: string; name: string; namespace: string }[] };
      assert.deepEqual(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.metadata.name });
      assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: one(objects, 'ServiceAccount').metadata.name, namespace: RELEASE_NS }]);
    });

    it('protects /metrics: the operator may create TokenReviews and SubjectAccessReviews, and a metrics-reader role is bound to the ServiceAccounts named', async () => {
      const rendered = await render('--set', 'metrics.reader.serviceAccounts[0].name=prometheus-k8s', '--set', 'metrics.reader.serviceAccounts[0].namespace=monitoring');
      const byName = (name: string) => rendered.find((o) => o.kind === 'ClusterRole' && o.metadata.name === name) as unknown as { rules: unknown[] };
      assert.deepEqual(byName('mcpfleet-metrics-auth').rules, [
        { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
        { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
      ]);
      assert.deepEqual(byName('mcpfleet-metrics-reader').rules, [{ nonResourceURLs: ['/metrics'], verbs: ['get'] }]);
      const readers = rendered.filter((o) => o.kind === 'ClusterRoleBinding' && o.metadata.name === 'mcpfleet-metrics-reader') as unknown as { subjects: unknown[] }[];
      assert.deepEqual(readers[0]?.subjects, [{ kind: 'ServiceAccount', name: 'prometheus-k8s', namespace: 'monitoring' }]);
      for (const o of rendered.filter((x) => /-metrics-(auth|reader)$/.test(x.metadata.name ?? ''))) VALIDATORS[o.kind]!(o);
      const insecure = await render('--set', 'metrics.secure=false');
      assert.ok(!insecure.some((o) => /-metrics-(auth|reader)$/.test(o.metadata.name ?? '')), 'no metrics RBAC without metrics.secure');
    });

    it('keeps one replica available through voluntary disruptions', () => {
      const pdb = one(objects, 'PodDisruptionBudget') as unknown as { spec: { maxUnavailable?: number; minAvailable?: number; selector: { matchLabels: Record<string, string> } } };
      assert.equal(pdb.spec.maxUnavailable, 1);
      assert.equal(pdb.spec.minAvailable, undefined);
      assert.equal(pdb.spec.selector.matchLabels['app.kubernetes.io/component'], 'operator');
    });
  });

  describe('helm template with non-default values', () => {
    let objects: K8sObject[];
    before(async () => {
      objects = withoutMetricsRbac(await render('-f', nonDefaultValuesFile));
    });

    it('renders namespaced RBAC, a ServiceMonitor, and every built-in object valid', () => {
      assert.deepEqual(objects.map((o) => o.kind).sort(), ['ClusterRole', 'Deployment', 'Pod', 'PodDisruptionBudget', 'Role', 'RoleBinding', 'RoleBinding', 'Service', 'ServiceAccount', 'ServiceMonitor']);
      const serviceMonitor = one(objects, 'ServiceMonitor') as unknown as { metadata: { labels: Record<string, string> }; spec: { endpoints: { port: string; path: string; interval: string; scrapeTimeout: string }[] } };
      assert.equal(serviceMonitor.metadata.labels.release, 'prometheus');
      assert.deepEqual(serviceMonitor.spec.endpoints, [
        {
          port: 'metrics',
          path: '/metrics',
          interval: '15s',
          scrapeTimeout: '5s',
          scheme: 'https',
          bearerTokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token',
          tlsConfig: { insecureSkipVerify: true },
        },
      ]);
    });

    it('passes every value to the operator as the flag it documents', () => {
      const deployment = one(objects, 'Deployment');
      const config = operatorConfigOf(deployment);
      assert.equal(config.watchNamespace, 'team-a');
      assert.equal(config.logLevel, 'debug');
      assert.equal(config.workers, 8);
      assert.deepEqual(config.metricsBindAddress, { host: '0.0.0.0', port: 9090 });
      assert.equal(config.leaseName, 'fleet-leader');
      assert.equal(config.leaseDurationMs, 30_000);
      assert.equal(config.renewDeadlineMs, 20_000);
      assert.equal(config.retryPeriodMs, 4_000);
      assert.equal(config.resyncPeriodMs, 300_000);
      assert.equal(config.serversImageRepository, 'registry.example.com/platform/mcpfleet-servers');
      assert.equal(config.serversImageTag, '0.1.0-rc.1');
      assert.equal(config.eksClusterName, 'prod-cluster');
      assert.equal(config.awsRegion, 'eu-west-1');

      const spec = podSpec(deployment);
      const container = spec.containers[0]!;
      assert.equal(container.image, 'registry.example.com/platform/mcpfleet-operator:0.1.0-rc.1');
      assert.ok(container.env.some((e) => e.name === 'AWS_ENDPOINT_URL_EKS' && e.value === 'https://eks.example.internal'));
      assert.equal(spec.serviceAccountName, 'fleet-operator');
      assert.equal(spec.priorityClassName, 'system-cluster-critical');
      assert.deepEqual(spec.nodeSelector, { 'kubernetes.io/os': 'linux' });
      assert.deepEqual(spec.tolerations, NON_DEFAULT_VALUES.tolerations);
      assert.deepEqual(spec.affinity, NON_DEFAULT_VALUES.affinity);
      assert.deepEqual(spec.imagePullSecrets, [{ name: 'regcred' }]);
      assert.equal((deployment as unknown as { spec: { replicas: number } }).spec.replicas, 3);
      const pdb = one(objects, 'PodDisruptionBudget') as unknown as { spec: Record<string, unknown> };
      assert.equal(pdb.spec.minAvailable, 2);
      assert.equal(pdb.spec.maxUnavailable, undefined);
      const service = one(objects, 'Service') as unknown as { spec: { ports: { port: number }[] } };
      assert.equal(service.spec.ports[0]?.port, 9091);
      assert.equal(one(objects, 'ServiceAccount').metadata.annotations?.['eks.amazonaws.com/role-arn'], 'arn:aws:iam::123456789012:role/fleet');
    });

    it('binds the rules only in the watched namespace and grants Lease access alone in the release namespace', () => {
      const clusterRole = one(objects, 'ClusterRole');
      const bindings = byKind(objects, 'RoleBinding') as unknown as { metadata: { namespace: string }; roleRef: { kind: string; name: string }; subjects: { name: string; namespace: string }[] }[];
      const watched = bindings.find((b) => b.metadata.namespace === 'team-a');
      assert.deepEqual(watched?.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRole.metadata.name });
      const role = one(objects, 'Role') as unknown as { metadata: { name: string; namespace: string }; rules: PolicyRule[] };
      assert.equal(role.metadata.namespace, RELEASE_NS);
      const leaseRules = operatorRbacRules().filter((r) => r.resources.includes('leases'));
      assert.deepEqual(role.rules, leaseRules.map((r) => ({ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: r.verbs })));
      const leaseBinding = bindings.find((b) => b.metadata.namespace === RELEASE_NS);
      assert.deepEqual(leaseBinding?.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name });
      for (const b of bindings) assert.deepEqual(b.subjects, [{ kind: 'ServiceAccount', name: 'fleet-operator', namespace: RELEASE_NS }]);
    });

    it('runs a single replica without leader election and without a PodDisruptionBudget', async () => {
      const objs = await render('--set', 'replicas=1', '--set', 'leaderElection.enabled=false');
      assert.equal(byKind(objs, 'PodDisruptionBudget').length, 0);
      const config = operatorConfigOf(one(objs, 'Deployment'));
      assert.equal(config.leaderElect, false);
    });

    it('pins the operator image by digest when one is set', async () => {
      const digest = `sha256:${'ab'.repeat(32)}`;
      const objs = await render('--set', `image.digest=${digest}`);
      assert.equal(podSpec(one(objs, 'Deployment')).containers[0]!.image, `${OPERATOR_IMAGE}@${digest}`);
    });
  });

  describe('bad values fail helm with a message naming the value', () => {
    const failsWith = async (pattern: RegExp, ...args: string[]) => {
      const out = await template(...args);
      assert.notEqual(out.code, 0, `helm template ${args.join(' ')} should fail`);
      assert.match(out.stderr, pattern);
      return out.stderr;
    };

    it('rejects replicas: -1 through values.schema.json', async () => {
      const stderr = await failsWith(/values don't meet the specifications of the schema/, '--set', 'replicas=-1');
      assert.match(stderr, /at '\/replicas': minimum: got -1, want 0/);
    });

    it('rejects logLevel: loud and lists the allowed levels', async () => {
      await failsWith(/at '\/logLevel': value must be one of 'error', 'warn', 'info', 'debug'/, '--set', 'logLevel=loud');
    });

    it('rejects a misspelt key, a bad duration and a bad namespace', async () => {
      await failsWith(/additional properties 'replica' not allowed/, '--set', 'replica=3');
      await failsWith(/at '\/leaderElection\/leaseDuration': 'fifteen' does not match pattern/, '--set', 'leaderElection.leaseDuration=fifteen');
      await failsWith(/at '\/watchNamespace': 'Team_A' does not match pattern/, '--set', 'watchNamespace=Team_A');
    });

    it('rejects combinations the operator would refuse, with the operator\'s reasoning', async () => {
      await failsWith(/replicas is 2 but leaderElection.enabled is false/, '--set', 'leaderElection.enabled=false');
      await failsWith(/leaseDuration \(10s\) must be greater than leaderElection.renewDeadline \(10s\)/, '--set', 'leaderElection.leaseDuration=10s');
      await failsWith(/renewDeadline \(2s\) must be greater than 1.2 x leaderElection.retryPeriod \(2s\)/, '--set', 'leaderElection.renewDeadline=2s', '--set', 'leaderElection.leaseDuration=1m');
      await failsWith(/serviceMonitor.enabled needs metrics.service.enabled/, '--set', 'metrics.serviceMonitor.enabled=true', '--set', 'metrics.service.enabled=false');
      await failsWith(/serviceAccount.name is required/, '--set', 'serviceAccount.create=false');
    });
  });

  describe('helm install, upgrade and uninstall against kube-sim', function () {
    this.timeout(240_000);
    let sim: KubeSim;
    let runner: ReturnType<typeof chartOperatorRunner>;
    let kubectl: ReturnType<typeof kubectlRunner>;
    let helmOnSim: ReturnType<typeof helmRunner>;
    let kubeconfigDir: string | undefined;
    const operatorLog: string[] = [];

    before(async () => {
      kubeconfigDir = await mkdtemp(join(tmpdir(), 'mcpfleet-chart-sim-'));
      const kubeconfigPath = join(kubeconfigDir, 'kubeconfig');
      runner = chartOperatorRunner({
        imageRepository: OPERATOR_IMAGE,
        kubeconfigPath,
        onLine: (pod, line) => {
          if (operatorLog.length < 2000) operatorLog.push(`${pod}: ${line}`);
        },
      });
      sim = await startKubeSim({
        kubeconfigPath,
        kubeletDelayMs: 20,
        runners: [runner],
        // The Prometheus Operator's ServiceMonitor CRD, so the chart's ServiceMonitor is validated by its schema.
        crdDirs: [join(REPO_ROOT, 'hack', 'kube-sim', 'fixtures', 'crds')],
        namespaces: ['team-a'],
        log: () => {},
      });
      kubectl = kubectlRunner(kubeconfigPath, join(kubeconfigDir, 'kube-cache'));
      helmOnSim = helmRunner(home, kubeconfigPath);
    });

    after(async () => {
      await sim?.stop();
      await runner?.stopAll();
      if (kubeconfigDir !== undefined) await rm(kubeconfigDir, { recursive: true, force: true });
    });

    afterEach(function () {
      if (this.currentTest?.state === 'failed') console.error(`operator output (last 40 lines):\n${operatorLog.slice(-40).join('\n')}`);
    });

    const ok = (out: RunResult, what: string): string => {
      assert.equal(out.code, 0, `${what} failed:\n${out.stdout}\n${out.stderr}`);
      return out.stdout;
    };
    const getJson = async <T>(...args: string[]): Promise<T> => JSON.parse(ok(await kubectl(['get', ...args, '-o', 'json']), `kubectl get ${args.join(' ')}`)) as T;

    it('installs the CRD and a running operator; kubectl get mcp works and the operator reconciles', async () => {
      const install = ok(await helmOnSim(['install', 'mcpfleet', CHART_DIR, '--namespace', RELEASE_NS, '--create-namespace', '--wait', '--timeout', '120s']), 'helm install');
      assert.match(install, /STATUS: deployed/);
      assert.match(install, /kubectl get mcp/);

      const crd = await getJson<{ status: { conditions: { type: string; status: string }[] } }>('crd', 'mcpservers.mcpfleet.dev');
      assert.ok(crd.status.conditions.some((c) => c.type === 'Established' && c.status === 'True'));
      const deployment = await getJson<{ status: { readyReplicas?: number } }>('deployment', 'mcpfleet', '-n', RELEASE_NS);
      assert.equal(deployment.status.readyReplicas, 2);

      // The rendered pods elected a leader through the Lease named by the chart, identified by pod name.
      const pods = await getJson<{ items: { metadata: { name: string } }[] }>('pods', '-n', RELEASE_NS, '-l', 'app.kubernetes.io/component=operator');
      const podNames = pods.items.map((p) => p.metadata.name);
      assert.equal(podNames.length, 2);
      const holder = await pollUntil('a leader', async () => {
        const lease = await getJson<{ spec: { holderIdentity?: string } }>('lease', 'mcpfleet-operator', '-n', RELEASE_NS);
        return lease.spec.holderIdentity || undefined;
      }, 90_000);
      assert.ok(podNames.includes(holder), `lease holder ${holder} is one of ${podNames.join(', ')}`);

      ok(await kubectl(['apply', '-f', join(REPO_ROOT, 'examples', 'quickstart.yaml')]), 'kubectl apply quickstart');
      const listing = ok(await kubectl(['get', 'mcp', '-n', 'default']), 'kubectl get mcp');
      assert.match(listing, /^NAME\s+READY\s+/m);
      assert.match(listing, /^utility\s/m);
      // The leader reconciles the McpServer with the RBAC-shaped operator the chart configured.
      await pollUntil('the utility Deployment created by the operator', async () => {
        const out = await kubectl(['get', 'deployment', 'utility', '-n', 'default', '-o', 'json']);
        if (out.code !== 0) return undefined;
        const child = JSON.parse(out.stdout) as { metadata: { ownerReferences?: { kind: string }[] }; spec: { template: { spec: { containers: { image: string }[] } } } };
        return child.metadata.ownerReferences?.some((r) => r.kind === 'McpServer') ? child : undefined;
      }, 90_000).then((child) => assert.equal(child.spec.template.spec.containers[0]?.image, 'ghcr.io/mcpfleet/servers:0.1.0'));
    });

    it('upgrades with new values: the Deployment rolls to the new arguments', async () => {
      const upgrade = ok(await helmOnSim(['upgrade', 'mcpfleet', CHART_DIR, '--namespace', RELEASE_NS, '--reuse-values', '--set', 'replicas=3', '--set', 'logLevel=debug', '--wait', '--timeout', '120s']), 'helm upgrade');
      assert.match(upgrade, /REVISION: 2/);
      const deployment = await getJson<{ spec: { replicas: number; template: { spec: { containers: { args: string[] }[] } } }; status: { readyReplicas?: number } }>('deployment', 'mcpfleet', '-n', RELEASE_NS);
      assert.equal(deployment.spec.replicas, 3);
      assert.equal(deployment.status.readyReplicas, 3);
      assert.ok(deployment.spec.template.spec.containers[0]?.args.includes('--log-level=debug'));
      const history = JSON.parse(ok(await helmOnSim(['history', 'mcpfleet', '--namespace', RELEASE_NS, '-o', 'json']), 'helm history')) as { revision: number; status: string }[];
      assert.deepEqual(history.map((h) => [h.revision, h.status]), [[1, 'superseded'], [2, 'deployed']]);
    });

    it('installs a second release with non-default values (namespaced RBAC, ServiceMonitor validated by its CRD)', async () => {
      ok(await helmOnSim(['install', 'fleet-a', CHART_DIR, '--namespace', 'team-a-ops', '--create-namespace', '-f', nonDefaultValuesFile, '--wait', '--timeout', '120s']), 'helm install fleet-a');
      const monitor = await getJson<{ spec: { endpoints: { port: string }[] } }>('servicemonitor', 'fleet-a-mcpfleet', '-n', 'team-a-ops');
      assert.equal(monitor.spec.endpoints[0]?.port, 'metrics');
      await getJson('rolebinding', 'fleet-a-mcpfleet', '-n', 'team-a');
      await getJson('role', 'fleet-a-mcpfleet-leader-election', '-n', 'team-a-ops');
      const bindings = await getJson<{ items: { metadata: { name: string } }[] }>('clusterrolebindings');
      assert.ok(!bindings.items.some((b) => b.metadata.name === 'fleet-a-mcpfleet'), 'no cluster-wide binding when watching one namespace');
      ok(await helmOnSim(['uninstall', 'fleet-a', '--namespace', 'team-a-ops', '--wait', '--timeout', '120s']), 'helm uninstall fleet-a');
    });

    it('uninstalls the operator and its RBAC, and leaves the CRD and McpServers in place', async () => {
      const uninstall = ok(await helmOnSim(['uninstall', 'mcpfleet', '--namespace', RELEASE_NS, '--wait', '--timeout', '120s']), 'helm uninstall');
      assert.match(uninstall, /release "mcpfleet" uninstalled/);
      const left = ok(await kubectl(['get', 'deployments,services,serviceaccounts,poddisruptionbudgets,secrets', '-n', RELEASE_NS, '-o', 'name']), 'kubectl get after uninstall');
      assert.equal(left.trim(), '', `left behind in ${RELEASE_NS}: ${left}`);
      const roles = ok(await kubectl(['get', 'clusterroles,clusterrolebindings', '-o', 'name']), 'kubectl get clusterroles');
      assert.doesNotMatch(roles, /mcpfleet/);
      const list = ok(await helmOnSim(['list', '--all-namespaces', '-q']), 'helm list');
      assert.equal(list.trim(), '');
      // Helm never deletes CRDs from crds/: McpServers survive an operator reinstall.
      assert.match(ok(await kubectl(['get', 'mcp', '-n', 'default']), 'kubectl get mcp after uninstall'), /^utility\s/m);
    });
  });
});
