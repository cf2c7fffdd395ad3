// spec.telemetry rendered into the pods: the standard OTEL_* variables in the container that runs
// the kit for each kind of server, the headers only through valueFrom, resource attributes that
// cannot be used for $(VAR) expansion, the operator's defaults under the spec, and a changed
// telemetry spec rolling the pods.
import assert from 'node:assert/strict';
import type { V1Container, V1EnvVar } from '@kubernetes/client-node';
import { parseKeyPairsIntoRecord } from '@opentelemetry/core';
import { validateMcpServer } from '../api/validation.ts';
import type { McpServer } from '../api/mcpserver.ts';
import { ANNOTATIONS } from '../api/constants.ts';
import { OPERATOR_RENDERED_ENV } from '../api/reserved-env.ts';
import type { BuildContext } from './context.ts';
import { buildDeployment, CONTAINER_NAME, PROXY_CONTAINER_NAME } from './deployment.ts';
import { referencedObjects } from './references.ts';
import { resolveRuntime } from './runtime.ts';
import { effectiveTracing, POD_NAME_ENV, tracingEnv } from './telemetry.ts';

const ctx: BuildContext = { serversImage: { repository: 'ghcr.io/mcpfleet/servers', tag: '0.1.0' }, clusterDomain: 'cluster.local', referencedVersions: {} };
const ENDPOINT = 'http://otel-collector.observability:4318';

function validate(spec: Record<string, unknown>) {
  return validateMcpServer({ apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', metadata: { name: 'wx', namespace: 'team-a', uid: 'uid-1', generation: 1 }, spec });
}
function server(spec: Record<string, unknown>): McpServer {
  const result = validate(spec);
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.value;
}
function containers(s: McpServer, context: BuildContext = ctx): Record<string, V1Container> {
  return Object.fromEntries(buildDeployment(s, context).spec!.template.spec!.containers.map((c) => [c.name, c]));
}
function envMap(container: V1Container | undefined): Record<string, V1EnvVar> {
  return Object.fromEntries((container?.env ?? []).map((e) => [e.name, e]));
}
/** OTEL_RESOURCE_ATTRIBUTES as the SDK parses it, with $(MCPFLEET_POD_NAME) expanded like the kubelet does. */
function resourceOf(container: V1Container | undefined, podName = 'wx-7d9f-abcde'): Record<string, string> {
  const raw = envMap(container).OTEL_RESOURCE_ATTRIBUTES?.value ?? '';
  return parseKeyPairsIntoRecord(raw.replaceAll(`$(${POD_NAME_ENV})`, podName));
}

describe('spec.telemetry: OTEL_* variables in the server pods', () => {
  it('renders the standard variables into a catalog server, headers through valueFrom only', () => {
    const s = server({ catalog: 'utility', telemetry: { tracing: { endpoint: ENDPOINT, headersSecretRef: { name: 'otlp-auth', key: 'headers' }, samplingRatio: 0.1, resourceAttributes: { 'deployment.environment.name': 'prod' } } } });
    const env = envMap(containers(s)[CONTAINER_NAME]);
    assert.equal(env.OTEL_EXPORTER_OTLP_ENDPOINT?.value, ENDPOINT);
    assert.equal(env.OTEL_EXPORTER_OTLP_PROTOCOL?.value, 'http/protobuf');
    assert.deepEqual(env.OTEL_EXPORTER_OTLP_HEADERS, { name: 'OTEL_EXPORTER_OTLP_HEADERS', valueFrom: { secretKeyRef: { name: 'otlp-auth', key: 'headers' } } });
    assert.equal(env.OTEL_SERVICE_NAME?.value, 'wx');
    assert.equal(env.OTEL_TRACES_SAMPLER?.value, 'parentbased_traceidratio');
    assert.equal(env.OTEL_TRACES_SAMPLER_ARG?.value, '0.1');
    assert.deepEqual(env[POD_NAME_ENV]?.valueFrom, { fieldRef: { fieldPath: 'metadata.name' } });
    assert.deepEqual(resourceOf(containers(s)[CONTAINER_NAME]), {
      'deployment.environment.name': 'prod',
      'k8s.namespace.name': 'team-a',
      'k8s.pod.name': 'wx-7d9f-abcde',
      'k8s.deployment.name': 'wx',
      'k8s.container.name': 'server',
      'mcpfleet.server.kind': 'catalog',
      'mcpfleet.catalog': 'utility',
    });
    // The downward-API variable comes first: Kubernetes expands $(VAR) only from earlier entries.
    const names = containers(s)[CONTAINER_NAME]!.env!.map((e) => e.name);
    assert.ok(names.indexOf(POD_NAME_ENV) < names.indexOf('OTEL_RESOURCE_ATTRIBUTES'));
    // The Secret is a reference of the pod: a missing one is reported, a changed one rolls the pods.
    assert.ok(referencedObjects(s, resolveRuntime(s, ctx)).some((r) => r.kind === 'Secret' && r.name === 'otlp-auth' && !r.optional));
  });

  it('gives the proxy the variables for an image server, and the image only when asked', () => {
    const base = { image: 'ghcr.io/acme/mcp:1', transport: { port: 3001 } };
    const proxied = containers(server({ ...base, telemetry: { tracing: { endpoint: ENDPOINT } } }));
    assert.equal(envMap(proxied[PROXY_CONTAINER_NAME]).OTEL_SERVICE_NAME?.value, 'wx');
    assert.equal(resourceOf(proxied[PROXY_CONTAINER_NAME])['k8s.container.name'], 'mcp-proxy');
    assert.equal(resourceOf(proxied[PROXY_CONTAINER_NAME])['mcpfleet.server.kind'], 'image-http');
    assert.deepEqual(Object.keys(envMap(proxied[CONTAINER_NAME])).filter((n) => n.startsWith('OTEL_')), []);

    const both = containers(server({ ...base, env: [{ name: 'OTEL_TRACES_SAMPLER', value: 'always_on' }], telemetry: { tracing: { endpoint: ENDPOINT, upstream: true } } }));
    const upstream = envMap(both[CONTAINER_NAME]);
    assert.equal(upstream.OTEL_SERVICE_NAME?.value, 'wx-upstream');
    assert.equal(resourceOf(both[CONTAINER_NAME])['k8s.container.name'], 'server');
    assert.equal(upstream.OTEL_TRACES_SAMPLER?.value, 'always_on', "the image's own spec.env wins for its own container");
  });

  it('gives the stdio bridge the variables, and passes them to the wrapped command only with upstream', () => {
    const spec = { image: 'ghcr.io/acme/mcp-stdio:1', command: ['python3', '-m', 'acme'], transport: { type: 'stdio' } };
    const bridge = containers(server({ ...spec, telemetry: { tracing: { endpoint: ENDPOINT, serviceName: 'acme-tools' } } }))[CONTAINER_NAME];
    assert.equal(envMap(bridge).OTEL_SERVICE_NAME?.value, 'acme-tools');
    assert.equal(resourceOf(bridge)['mcpfleet.server.kind'], 'image-stdio');
    assert.equal(envMap(bridge).BRIDGE_TRACE_CHILDREN, undefined, 'the wrapped command is not traced by default');
    const withUpstream = containers(server({ ...spec, telemetry: { tracing: { endpoint: ENDPOINT, upstream: true } } }))[CONTAINER_NAME];
    assert.equal(envMap(withUpstream).BRIDGE_TRACE_CHILDREN?.value, 'true');
    const off = containers(server({ ...spec, telemetry: { tracing: { enabled: false, upstream: true } } }))[CONTAINER_NAME];
    assert.equal(envMap(off).BRIDGE_TRACE_CHILDREN, undefined, 'no tracing, nothing to pass on');
  });

  it('follows the operator defaults, which the spec overrides and enabled: false turns off', () => {
    const defaults: BuildContext = { ...ctx, telemetry: { otlpEndpoint: 'http://fleet-collector:4318', samplingRatio: 0.5 } };
    const plain = server({ catalog: 'utility' });
    assert.equal(envMap(containers(plain, defaults)[CONTAINER_NAME]).OTEL_EXPORTER_OTLP_ENDPOINT?.value, 'http://fleet-collector:4318');
    assert.equal(envMap(containers(plain, defaults)[CONTAINER_NAME]).OTEL_TRACES_SAMPLER_ARG?.value, '0.5');
    assert.deepEqual(Object.keys(envMap(containers(plain)[CONTAINER_NAME])).filter((n) => n.startsWith('OTEL_')), [], 'no default, no spec: no tracing');
    const own = server({ catalog: 'utility', telemetry: { tracing: { endpoint: ENDPOINT, samplingRatio: 0 } } });
    assert.deepEqual(effectiveTracing(own, defaults.telemetry), { endpoint: ENDPOINT, samplingRatio: 0, serviceName: 'wx', resourceAttributes: {}, upstream: false });
    const off = server({ catalog: 'utility', telemetry: { tracing: { enabled: false, endpoint: ENDPOINT } } });
    assert.deepEqual(tracingEnv(off, defaults, 'catalog', { container: 'server', role: 'kit' }), []);
  });

  it('percent-encodes attribute values so none can smuggle a $(VAR) expansion or an extra pair', () => {
    const s = server({ catalog: 'utility', telemetry: { tracing: { endpoint: ENDPOINT, resourceAttributes: { team: '$(MCPFLEET_POD_NAME)', note: 'a,b=c d' } } } });
    const raw = envMap(containers(s)[CONTAINER_NAME]).OTEL_RESOURCE_ATTRIBUTES!.value!;
    assert.equal(raw.split('$(').length, 2, 'only the operator\'s own pod-name reference');
    const parsed = resourceOf(containers(s)[CONTAINER_NAME]);
    assert.equal(parsed.team, '$(MCPFLEET_POD_NAME)');
    assert.equal(parsed.note, 'a,b=c d');
  });

  it('rolls the pods when the telemetry spec changes', () => {
    const hash = (spec: Record<string, unknown>) => buildDeployment(server({ catalog: 'utility', ...spec }), ctx).spec!.template.metadata!.annotations![ANNOTATIONS.configHash];
    const a = hash({ telemetry: { tracing: { endpoint: ENDPOINT } } });
    assert.notEqual(a, hash({ telemetry: { tracing: { endpoint: ENDPOINT, samplingRatio: 0.2 } } }));
    assert.notEqual(a, hash({}));
    assert.equal(a, hash({ telemetry: { tracing: { endpoint: ENDPOINT } } }));
  });

  it('rejects bad endpoints, ratios, names and operator-owned attributes with clear messages', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ endpoint: 'otel:4318' }, /must be an OTLP\/HTTP base URL/],
      [{ endpoint: 'http://user:pw@otel:4318' }, /no credentials/],
      [{ endpoint: 'http://otel:4318/?x=1' }, /OTLP\/HTTP base URL/],
      [{ endpoint: 'http://otel :4318' }, /OTLP\/HTTP base URL/],
      [{ endpoint: ENDPOINT, samplingRatio: 1.5 }, /from 0 to 1/],
      [{ endpoint: ENDPOINT, samplingRatio: -0.1 }, /from 0 to 1/],
      [{ endpoint: ENDPOINT, serviceName: 'a,b' }, /whitespace, commas or =/],
      [{ endpoint: ENDPOINT, resourceAttributes: { 'k8s.pod.name': 'x' } }, /the operator sets them/],
      [{ endpoint: ENDPOINT, resourceAttributes: { 'bad key': 'x' } }, /resourceAttributes\.bad key: Invalid key/],
      [{ endpoint: ENDPOINT, headersSecretRef: { name: 'x' } }, /key/],
      [{ endpoint: ENDPOINT, extra: true }, /extra|Unrecognized/i],
    ];
    for (const [tracing, message] of bad) {
      const result = validate({ catalog: 'utility', telemetry: { tracing } });
      assert.ok(!result.ok, `${JSON.stringify(tracing)} is refused`);
      assert.match(result.problems.join('; '), message, JSON.stringify(tracing));
    }
  });

  it('refuses spec.env entries that would replace the rendered OTEL_* variables on catalog servers', () => {
    const result = validate({ catalog: 'utility', env: [{ name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://elsewhere:4318' }] });
    assert.ok(!result.ok);
    assert.match(result.problems.join('; '), /OTEL_EXPORTER_OTLP_ENDPOINT is set by spec\.telemetry\.tracing\.endpoint/);
    const rendered = tracingEnv(server({ catalog: 'utility', telemetry: { tracing: { endpoint: ENDPOINT, headersSecretRef: { name: 'h', key: 'k' } } } }), ctx, 'catalog', { container: 'server', role: 'kit' });
    for (const variable of rendered) assert.ok(Object.hasOwn(OPERATOR_RENDERED_ENV, variable.name), `${variable.name} is reserved`);
  });
});
