import assert from 'node:assert/strict';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { validateMcpServer } from '../api/validation.ts';
import type { McpServer } from '../api/mcpserver.ts';
import type { BuildContext } from './context.ts';
import { buildDeployment } from './deployment.ts';
import { referencedObjects } from './references.ts';
import { resolveRuntime } from './runtime.ts';
import { buildService } from './service.ts';
import { buildServiceAccount } from './serviceaccount.ts';
import { inClusterUrl } from './urls.ts';

const ctx: BuildContext = { serversImage: { repository: 'ghcr.io/mcpfleet/servers', tag: '0.1.0' }, clusterDomain: 'cluster.local', referencedVersions: {} };

function server(spec: Record<string, unknown>, meta: Record<string, unknown> = {}): McpServer {
  const result = validateMcpServer({ apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', metadata: { name: 'wx', namespace: 'team-a', uid: 'uid-1', generation: 1, ...meta }, spec });
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.value;
}

describe('McpServer child builders', () => {
  it('renders a Deployment that validates against the upstream schema and meets PSS restricted', () => {
    const d = buildDeployment(server({ catalog: 'weather', replicas: 2, config: { units: 'imperial', openWeatherApiKeySecretRef: { name: 'ow', key: 'api-key' } } }), ctx);
    new Deployment(d as never).validate();
    assert.equal(d.spec!.replicas, 2);
    const pod = d.spec!.template.spec!;
    const c = pod.containers[0]!;
    assert.equal(c.image, 'ghcr.io/mcpfleet/servers:0.1.0');
    assert.deepEqual(c.args, ['weather']);
    assert.equal(pod.securityContext!.runAsNonRoot, true);
    assert.equal(pod.securityContext!.seccompProfile!.type, 'RuntimeDefault');
    assert.equal(c.securityContext!.allowPrivilegeEscalation, false);
    assert.equal(c.securityContext!.readOnlyRootFilesystem, true);
    assert.deepEqual(c.securityContext!.capabilities, { drop: ['ALL'] });
    assert.ok(c.volumeMounts!.some((m) => m.mountPath === '/tmp'), '/tmp is writable through an emptyDir');
    assert.equal(c.livenessProbe!.httpGet!.path, '/healthz');
    assert.equal(c.readinessProbe!.httpGet!.path, '/readyz');
    assert.deepEqual(c.resources, { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '384Mi' } });
    const env = Object.fromEntries(c.env!.map((e) => [e.name, e.value ?? e.valueFrom]));
    assert.equal(env.WEATHER_UNITS, 'imperial');
    assert.deepEqual(env.OPENWEATHER_API_KEY, { secretKeyRef: { name: 'ow', key: 'api-key' } });
    assert.equal(env.PORT, '8080');
    assert.match(String(env.ALLOWED_HOSTS), /(^|,)wx\.team-a\.svc\.cluster\.local(,|$)/);
    assert.equal(d.metadata!.ownerReferences![0]!.controller, true);
    assert.equal(d.metadata!.labels!['app.kubernetes.io/managed-by'], 'mcpfleet-operator');
    assert.equal(d.metadata!.labels!['app.kubernetes.io/instance'], 'wx');
  });

  it('is deterministic and changes the config hash only when the pods would change', () => {
    const base = server({ catalog: 'utility' });
    const hash = (s: McpServer, c: BuildContext = ctx) => buildDeployment(s, c).spec!.template.metadata!.annotations!['mcpfleet.dev/config-hash'];
    assert.equal(hash(base), hash(server({ catalog: 'utility' })));
    assert.equal(hash(base), hash(server({ catalog: 'utility' }, { labels: { team: 'x' }, generation: 7 })), 'labels on the McpServer do not roll pods');
    assert.equal(hash(base), hash(server({ catalog: 'utility', replicas: 5 })), 'scaling does not roll pods');
    assert.notEqual(hash(base), hash(server({ catalog: 'utility', env: [{ name: 'A', value: '1' }] })));
    assert.notEqual(hash(base), hash(base, { ...ctx, referencedVersions: { 'secret/x': '42' } }), 'a referenced Secret version rolls pods');
  });

  it('leaves spec.replicas to the autoscaler when one is set', () => {
    const d = buildDeployment(server({ catalog: 'utility', replicas: 3, autoscaling: { hpa: { maxReplicas: 5 } } }), ctx);
    assert.equal('replicas' in d.spec!, false);
  });

  it('runs any MCP image with its command, args, port and path', () => {
    const s = server({ image: 'ghcr.io/acme/tools:1.2.3', command: ['node'], args: ['server.js'], transport: { port: 3000, path: '/rpc' } });
    const d = buildDeployment(s, ctx);
    const c = d.spec!.template.spec!.containers[0]!;
    assert.equal(c.image, 'ghcr.io/acme/tools:1.2.3');
    assert.deepEqual(c.command, ['node']);
    assert.deepEqual(c.args, ['server.js']);
    assert.equal(c.ports![0]!.containerPort, 3000);
    assert.equal(c.livenessProbe, undefined, 'no kit health endpoints on arbitrary images');
    assert.deepEqual(c.readinessProbe!.tcpSocket, { port: 'upstream' });
    assert.equal(c.ports![0]!.name, 'upstream', 'the image port is not the one the Service targets');
    const proxy = d.spec!.template.spec!.containers[1]!;
    assert.equal(proxy.name, 'mcp-proxy');
    assert.deepEqual(proxy.args, ['proxy']);
    assert.deepEqual(proxy.ports, [{ name: 'mcp', containerPort: 8090, protocol: 'TCP' }]);
    const proxyEnv = Object.fromEntries(proxy.env!.map((e) => [e.name, e.value]));
    assert.equal(proxyEnv.UPSTREAM_URL, 'http://127.0.0.1:3000/rpc');
    assert.equal(proxyEnv.PORT, '8090');
    assert.equal(proxyEnv.MCP_PATH, '/rpc');
    assert.equal(proxy.securityContext!.runAsUser, 65532);
    new Deployment(d as never).validate();
    assert.equal(inClusterUrl(s, ctx), 'http://wx.team-a.svc.cluster.local/rpc');
  });

  it('renders the Service and ServiceAccount', () => {
    const s = server({ catalog: 'utility', expose: { service: { type: 'ClusterIP', port: 8080, annotations: { a: 'b' } } } });
    const svc = buildService(s);
    new Service(svc as never).validate();
    assert.deepEqual(svc.spec!.selector, { 'app.kubernetes.io/instance': 'wx', 'app.kubernetes.io/component': 'mcp-server' });
    assert.equal(svc.spec!.ports![0]!.port, 8080);
    assert.equal(svc.spec!.ports![0]!.targetPort, 'mcp');
    assert.equal(svc.metadata!.annotations!.a, 'b');
    const sa = buildServiceAccount(s)!;
    new ServiceAccount(sa as never).validate();
    assert.equal(buildServiceAccount(server({ catalog: 'utility', identity: { serviceAccountName: 'mine' } })), undefined);
    assert.equal(buildDeployment(server({ catalog: 'utility', identity: { serviceAccountName: 'mine' } }), ctx).spec!.template.spec!.serviceAccountName, 'mine');
  });

  it('mounts API keys from the Secret and lists every referenced object', () => {
    const s = server({
      catalog: 'utility',
      auth: { apiKeySecretRef: { name: 'keys', key: 'k' } },
      envFrom: [{ configMapRef: { name: 'cm' } }],
      env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'opt', key: 'x', optional: true } } }],
    });
    const runtime = resolveRuntime(s, ctx);
    assert.ok(runtime.env.some((e) => e.name === 'API_KEYS_FILE' && e.value === '/etc/mcpfleet/api-keys/keys'));
    const d = buildDeployment(s, ctx);
    assert.ok(d.spec!.template.spec!.volumes!.some((v) => v.secret?.secretName === 'keys'));
    assert.deepEqual(
      referencedObjects(s, runtime).map((r) => `${r.kind}/${r.name}${r.optional ? '?' : ''}`),
      ['ConfigMap/cm', 'Secret/keys', 'Secret/opt?'],
    );
  });

  it('passes spec.env through for settings the spec leaves unset, one entry per name (a clash is refused by validation)', () => {
    const d = buildDeployment(server({ catalog: 'weather', env: [{ name: 'HTTP_TIMEOUT', value: '9' }] }), ctx);
    const timeouts = d.spec!.template.spec!.containers[0]!.env!.filter((e) => e.name === 'HTTP_TIMEOUT');
    assert.deepEqual(timeouts, [{ name: 'HTTP_TIMEOUT', value: '9' }]);
  });

  it('renders the settings of the cloud catalog servers and of the DynamoDB cache as their environment', () => {
    const envOf = (spec: Record<string, unknown>) => Object.fromEntries(resolveRuntime(server(spec), ctx).env.map((e) => [e.name, e.value ?? e.valueFrom]));
    const aws = envOf({ catalog: 'aws', config: { region: 'eu-west-1', bedrockModelIds: ['m1', 'm2'], maxObjectBytes: 2048, endpoints: { s3: 'http://minio:9000' } } });
    assert.equal(aws.AWS_REGION, 'eu-west-1');
    assert.equal(aws.BEDROCK_MODEL_IDS, 'm1,m2');
    assert.equal(aws.AWS_MAX_OBJECT_BYTES, '2048');
    assert.equal(aws.AWS_ENDPOINT_URL_S3, 'http://minio:9000');
    assert.equal(aws.S3_FORCE_PATH_STYLE, 'true');
    const summarizer = envOf({ catalog: 's3-summarizer', config: { bucket: 'docs', bedrockModelId: 'm1' } });
    assert.equal(summarizer.S3_BUCKET_NAME, 'docs');
    assert.equal(summarizer.BEDROCK_MODEL_ID, 'm1');
    const tickets = envOf({ catalog: 'tickets', config: { backendUrl: 'https://api.example.com', clientSecretSecretRef: { name: 'sp', key: 'secret' }, tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47', clientId: '5f0e0a8b-6c1d-4b3e-9a7f-2d4c6e8f0a1b', readinessChecksBackend: false } });
    assert.equal(tickets.BACKEND_API_URL, 'https://api.example.com');
    assert.deepEqual(tickets.AZURE_CLIENT_SECRET, { secretKeyRef: { name: 'sp', key: 'secret' } });
    assert.equal(tickets.READINESS_CHECK_BACKEND, 'false');
    const bridge = envOf({ catalog: 'stdio-bridge', config: { command: ['python3', '-m', 'mcp_server_time'], poolSize: 4 } });
    assert.equal(bridge.BRIDGE_COMMAND, '["python3","-m","mcp_server_time"]');
    assert.equal(bridge.BRIDGE_POOL_SIZE, '4');
    const cached = envOf({ catalog: 'weather', cache: { ttlSeconds: 300, backend: 'dynamodb', dynamodb: { table: 'mcp-tool-results-prod', region: 'us-west-2' } } });
    assert.equal(cached.CACHE_BACKEND, 'dynamodb');
    assert.equal(cached.DYNAMODB_TABLE, 'mcp-tool-results-prod');
    assert.equal(cached.DYNAMODB_REGION, 'us-west-2');
    assert.equal(envOf({ catalog: 'weather', cache: { ttlSeconds: 300, dynamodb: { table: 'ignored' } } }).DYNAMODB_TABLE, undefined, 'only the dynamodb backend reads the table');
  });

  it('renders resource quantities in the canonical form the API server stores', () => {
    const d = buildDeployment(server({ catalog: 'utility', resources: { requests: { cpu: '0.5', memory: '1024Mi' }, limits: { cpu: 1, memory: '0.5Gi' } } }), ctx);
    assert.deepEqual(d.spec!.template.spec!.containers[0]!.resources, { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '512Mi' } });
  });

  it('keeps a stopping pod serving until endpoints drop it (preStop delay), within a grace period that covers the drain', () => {
    const pod = buildDeployment(server({ catalog: 'utility' }), ctx).spec!.template.spec!;
    assert.deepEqual(pod.containers[0]!.lifecycle, { preStop: { sleep: { seconds: 5 } } });
    assert.equal(pod.terminationGracePeriodSeconds, 40);
  });

  it('renders the daily quota next to the rate limit, and refuses a quota below 1', () => {
    const c = buildDeployment(server({ catalog: 'utility', rateLimit: { requestsPerSecond: 10, burst: 5, dailyQuota: 1000 } }), ctx).spec!.template.spec!.containers[0]!;
    const env = Object.fromEntries(c.env!.map((e) => [e.name, e.value]));
    assert.deepEqual([env.RATE_LIMIT_RPS, env.RATE_LIMIT_BURST, env.RATE_LIMIT_DAILY_QUOTA], ['10', '5', '1000']);
    assert.throws(() => server({ catalog: 'utility', rateLimit: { requestsPerSecond: 10, burst: 5, dailyQuota: 0 } }), /dailyQuota/);
  });
});
