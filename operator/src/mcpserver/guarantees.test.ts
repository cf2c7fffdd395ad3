// The no-silent-downgrade table: every security- or limit-related field against every kind of
// server. A field is either refused (with a message naming it and the kind) or visibly enforced
// by the pod the operator renders: the kit that fronts the server carries the setting.
import assert from 'node:assert/strict';
import type { V1Container, V1PodSpec } from '@kubernetes/client-node';
import { mcpServerSpecSchema, type McpServer } from '../api/mcpserver.ts';
import { validateMcpServer } from '../api/validation.ts';
import type { BuildContext } from './context.ts';
import { buildDeployment, PROXY_CONTAINER_NAME } from './deployment.ts';
import { GUARANTEES, SERVER_KINDS, unenforcedFields } from './guarantees.ts';
import type { ServerKind } from './runtime.ts';
import { buildService } from './service.ts';

const ctx: BuildContext = { serversImage: { repository: 'ghcr.io/mcpfleet/servers', tag: '0.1.0' }, clusterDomain: 'cluster.local', referencedVersions: {} };

const BASE: Record<ServerKind, Record<string, unknown>> = {
  catalog: { catalog: 'utility' },
  'image-http': { image: 'ghcr.io/acme/mcp:1', transport: { port: 3001 } },
  'image-stdio': { image: 'ghcr.io/acme/mcp-stdio:1', command: ['python3', '-m', 'acme_mcp'], transport: { type: 'stdio' } },
};

function build(kind: ServerKind, extra: Record<string, unknown>): McpServer {
  const spec = { ...BASE[kind], ...extra };
  const result = validateMcpServer({ apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', metadata: { name: 'gov', namespace: 'team-a', uid: 'u1', generation: 1 }, spec });
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.value;
}

/** The container running the kit in front of the server: the proxy sidecar, else the server container. */
function kitContainer(pod: V1PodSpec): V1Container {
  return pod.containers.find((c) => c.name === PROXY_CONTAINER_NAME) ?? pod.containers[0]!;
}

function envOf(container: V1Container): Record<string, unknown> {
  return Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value ?? e.valueFrom]));
}

interface Sample {
  spec: Record<string, unknown>;
  /** Asserts the rendered pod enforces the field. */
  enforced(pod: V1PodSpec, kind: ServerKind): void;
}

const SAMPLES: Record<string, Sample> = {
  'spec.auth.apiKeySecretRef': {
    spec: { auth: { apiKeySecretRef: { name: 'keys', key: 'keys' } } },
    enforced(pod) {
      const kit = kitContainer(pod);
      assert.equal(envOf(kit).API_KEYS_FILE, '/etc/mcpfleet/api-keys/keys');
      assert.ok(kit.volumeMounts!.some((m) => m.name === 'api-keys'), 'the keys are mounted where the kit runs');
      for (const other of pod.containers.filter((c) => c !== kit)) assert.ok(!other.volumeMounts?.some((m) => m.name === 'api-keys'), 'the image behind the proxy never sees the keys');
    },
  },
  'spec.auth.oauth': {
    spec: { auth: { oauth: { issuer: 'https://login.example.com/', audience: 'https://mcp.example.com/mcp', jwksUri: 'https://login.example.com/jwks' } } },
    enforced(pod) {
      const env = envOf(kitContainer(pod));
      assert.equal(env.OAUTH_ISSUER, 'https://login.example.com/');
      assert.equal(env.OAUTH_JWKS_URI, 'https://login.example.com/jwks');
    },
  },
  'spec.rateLimit': {
    spec: { rateLimit: { requestsPerSecond: 5, burst: 10 } },
    enforced(pod) {
      const env = envOf(kitContainer(pod));
      assert.equal(env.RATE_LIMIT_RPS, '5');
      assert.equal(env.RATE_LIMIT_BURST, '10');
    },
  },
  'spec.cache': {
    spec: { cache: { ttlSeconds: 60 } },
    enforced(pod) {
      assert.equal(envOf(kitContainer(pod)).CACHE_TTL_SECONDS, '60');
    },
  },
  'spec.allowedHosts': {
    spec: { allowedHosts: ['mcp.example.com'] },
    enforced(pod) {
      assert.match(String(envOf(kitContainer(pod)).ALLOWED_HOSTS), /(^|,)mcp\.example\.com(,|$)/);
    },
  },
  'spec.allowedOrigins': {
    spec: { allowedOrigins: ['https://app.example.com'] },
    enforced(pod) {
      assert.equal(envOf(kitContainer(pod)).ALLOWED_ORIGINS, 'https://app.example.com');
    },
  },
  'spec.tools': {
    spec: { tools: { deny: ['delete_*'], overrides: { get: { name: 'fetch', description: 'Fetches.' } } } },
    enforced(pod) {
      assert.deepEqual(JSON.parse(String(envOf(kitContainer(pod)).TOOL_POLICY)), { deny: ['delete_*'], overrides: { get: { name: 'fetch', description: 'Fetches.' } } });
    },
  },
  'spec.telemetry.tracing': {
    spec: { telemetry: { tracing: { endpoint: 'http://otel.observability:4318', headersSecretRef: { name: 'otlp', key: 'headers' }, samplingRatio: 0.25 } } },
    enforced(pod) {
      const env = envOf(kitContainer(pod));
      assert.equal(env.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://otel.observability:4318');
      assert.deepEqual(env.OTEL_EXPORTER_OTLP_HEADERS, { secretKeyRef: { name: 'otlp', key: 'headers' } });
      assert.equal(env.OTEL_TRACES_SAMPLER_ARG, '0.25');
      for (const other of pod.containers.filter((c) => c !== kitContainer(pod))) assert.ok(!other.env?.some((e) => e.name.startsWith('OTEL_')), 'the image behind the proxy gets no OTEL_* unless asked');
    },
  },
  'spec.telemetry.tracing.upstream': {
    spec: { telemetry: { tracing: { endpoint: 'http://otel.observability:4318', upstream: true } } },
    enforced(pod, kind) {
      assert.equal(envOf(kitContainer(pod)).OTEL_SERVICE_NAME, 'gov');
      if (kind === 'image-stdio') {
        // One container: the bridge passes its OTEL_* on to the wrapped command (as gov-upstream).
        assert.equal(envOf(kitContainer(pod)).BRIDGE_TRACE_CHILDREN, 'true');
        return;
      }
      const upstream = pod.containers.find((c) => c !== kitContainer(pod))!;
      assert.equal(envOf(upstream).OTEL_SERVICE_NAME, 'gov-upstream');
    },
  },
  'spec.tools.pinning.mode: enforce': {
    spec: { tools: { pinning: { mode: 'enforce' } } },
    enforced(pod) {
      const kit = kitContainer(pod);
      assert.equal(envOf(kit).TOOL_BASELINE_FILE, '/etc/mcpfleet/tool-baseline/baseline.json');
      assert.ok(kit.volumeMounts!.some((m) => m.name === 'tool-baseline' && m.mountPath === '/etc/mcpfleet/tool-baseline'), 'the baseline is mounted where the kit runs');
      assert.deepEqual(pod.volumes!.find((v) => v.name === 'tool-baseline')?.configMap, { name: 'gov-tool-baseline', optional: true, defaultMode: 0o444 });
    },
  },
  'spec.transport.type: stdio': {
    spec: { transport: { type: 'stdio' }, command: ['python3', '-m', 'acme_mcp'] },
    enforced(pod) {
      const server = pod.containers[0]!;
      assert.deepEqual(server.command, ['/mcpfleet/bridge/node', '/mcpfleet/bridge/stdio-bridge.mjs']);
      assert.equal(pod.initContainers?.[0]?.image, 'ghcr.io/mcpfleet/servers:0.1.0');
      assert.deepEqual(pod.initContainers?.[0]?.args, ['install-stdio-bridge', '/mcpfleet/bridge']);
    },
  },
  'spec.command': {
    spec: { command: ['/bin/acme-mcp', '--serve'] },
    enforced(pod, kind) {
      const server = pod.containers[0]!;
      if (kind === 'image-stdio') assert.deepEqual(JSON.parse(String(envOf(server).BRIDGE_COMMAND)), ['/bin/acme-mcp', '--serve']);
      else assert.deepEqual(server.command, ['/bin/acme-mcp', '--serve']);
    },
  },
  'spec.args': {
    spec: { args: ['--verbose'] },
    enforced(pod, kind) {
      const server = pod.containers[0]!;
      if (kind === 'image-stdio') assert.deepEqual(JSON.parse(String(envOf(server).BRIDGE_COMMAND)), ['python3', '-m', 'acme_mcp', '--verbose']);
      else assert.deepEqual(server.args, ['--verbose']);
    },
  },
};

describe('no silent downgrade: every guarantee against every kind of server', () => {
  it('covers every security- and limit-related spec field', () => {
    const governed = ['auth', 'rateLimit', 'cache', 'allowedHosts', 'allowedOrigins', 'tools', 'transport', 'command', 'args', 'telemetry'];
    const specFields = Object.keys(mcpServerSpecSchema.shape ?? {});
    for (const field of governed) {
      if (specFields.length > 0) assert.ok(specFields.includes(field), `spec.${field} exists`);
      assert.ok(GUARANTEES.some((g) => g.field.startsWith(`spec.${field}`)), `spec.${field} is in the guarantee table`);
    }
    for (const g of GUARANTEES) assert.ok(SAMPLES[g.field], `${g.field} has a sample in this test`);
  });

  for (const guarantee of GUARANTEES) {
    for (const kind of SERVER_KINDS) {
      const refused = guarantee.refusedFor[kind];
      it(`${guarantee.field} on ${kind}: ${refused ? 'refused' : 'enforced'}`, () => {
        const server = build(kind, SAMPLES[guarantee.field]!.spec);
        assert.ok(guarantee.isSet(server));
        const problems = unenforcedFields(server);
        if (refused) {
          assert.ok(problems.some((p) => p.startsWith(guarantee.field) && p.includes('is not enforced for')), `refusal names the field: ${problems.join('; ')}`);
          return;
        }
        assert.deepEqual(problems, []);
        const pod = buildDeployment(server, ctx).spec!.template.spec!;
        SAMPLES[guarantee.field]!.enforced(pod, kind);
        // The Service reaches the kit, never the image's own port.
        const kit = kitContainer(pod);
        const target = buildService(server).spec!.ports![0]!.targetPort;
        assert.ok(kit.ports!.some((p) => p.name === target), `Service targets the kit container (${kit.name})`);
        assert.ok(kit.readinessProbe?.httpGet?.path === '/readyz', 'the kit decides readiness');
      });
    }
  }

  it('refuses the cache on the stdio-bridge catalog server, duplicate tool renames and env that would replace the bridge settings', () => {
    const bridge = build('catalog', { catalog: 'stdio-bridge', config: { command: ['python3', '-m', 'mcp_server_time'] }, cache: { ttlSeconds: 5 } });
    assert.match(unenforcedFields(bridge).join(';'), /spec\.cache is not enforced for the stdio-bridge catalog server/);
    const clash = build('image-http', { tools: { overrides: { a: { name: 'x' }, b: { name: 'x' } } } });
    assert.match(unenforcedFields(clash).join(';'), /two tools are renamed to "x"/);
    const bypass = build('image-stdio', { env: [{ name: 'API_KEYS', value: 'mine' }, { name: 'BRIDGE_COMMAND', value: '["sh"]' }, { name: 'LANG', value: 'C' }, { name: 'BRIDGE_TRACE_CHILDREN', value: 'true' }] });
    assert.deepEqual(unenforcedFields(bypass), [
      'spec.env[0].name: API_KEYS is set by spec.auth.apiKeySecretRef; set it there instead of in spec.env',
      'spec.env[1].name: BRIDGE_COMMAND is set by spec.command and spec.args; set it there instead of in spec.env',
      'spec.env[3].name: BRIDGE_TRACE_CHILDREN is set by spec.telemetry.tracing.upstream; set it there instead of in spec.env',
    ]);
  });

  it('refuses spec.telemetry.tracing when neither the spec nor the operator names an endpoint', () => {
    const noEndpoint = build('catalog', { telemetry: { tracing: { samplingRatio: 0.5 } } });
    assert.match(unenforcedFields(noEndpoint).join(';'), /spec\.telemetry\.tracing names no endpoint and the operator has no default/);
    assert.deepEqual(unenforcedFields(noEndpoint, { otlpEndpoint: 'http://otel:4318' }), []);
    assert.deepEqual(unenforcedFields(build('catalog', { telemetry: { tracing: { enabled: false } } })), []);
  });

  it('refuses enforce on an OAuth-protected server without approved digests (nothing could ever be adopted)', () => {
    const oauth = { issuer: 'https://login.example.com/', audience: 'https://mcp.example.com/mcp', jwksUri: 'https://login.example.com/jwks' };
    const unadoptable = build('image-http', { auth: { oauth }, tools: { pinning: { mode: 'enforce' } } });
    assert.match(unenforcedFields(unadoptable).join(';'), /enforce on an OAuth-protected server needs spec\.tools\.pinning\.approved/);
    const approved = build('image-http', { auth: { oauth }, tools: { pinning: { mode: 'enforce', approved: { lookup: `sha256:${'a'.repeat(64)}` } } } });
    assert.deepEqual(unenforcedFields(approved), []);
  });
});
