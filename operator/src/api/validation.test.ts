import assert from 'node:assert/strict';
import { validateMcpServer } from './validation.ts';

const base = { apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', metadata: { name: 'demo', namespace: 'default' } };
const withSpec = (spec: Record<string, unknown>) => ({ ...base, spec });

/** The foundation issue's table: each manifest must fail with a message naming the field and the fix. */
const INVALID: { name: string; spec: Record<string, unknown>; expected: RegExp }[] = [
  { name: 'negative replicas', spec: { catalog: 'utility', replicas: -1 }, expected: /^spec\.replicas: must be 0 or more$/ },
  { name: 'both catalog and image', spec: { catalog: 'utility', image: 'ghcr.io/acme/x:1' }, expected: /^spec: set exactly one of spec\.catalog and spec\.image$/ },
  { name: 'neither catalog nor image', spec: { replicas: 1 }, expected: /^spec: set exactly one of spec\.catalog and spec\.image$/ },
  { name: 'unknown catalog name', spec: { catalog: 'wether' }, expected: /^spec\.catalog: must be one of the catalog servers: weather, database, filesystem, utility, aws, s3-summarizer, tickets, stdio-bridge$/ },
  { name: 'hpa and keda together', spec: { catalog: 'utility', autoscaling: { hpa: { maxReplicas: 3 }, keda: { maxReplicas: 3 } } }, expected: /^spec\.autoscaling: set at most one of autoscaling\.hpa and autoscaling\.keda$/ },
  { name: 'port 0', spec: { catalog: 'utility', transport: { port: 0 } }, expected: /^spec\.transport\.port: must be between 1 and 65535$/ },
  { name: 'port 70000', spec: { catalog: 'utility', transport: { port: 70000 } }, expected: /^spec\.transport\.port: must be between 1 and 65535$/ },
  { name: 'malformed quantity', spec: { catalog: 'utility', resources: { limits: { memory: '12 gigs' } } }, expected: /^spec\.resources\.limits\.memory: must be a Kubernetes quantity such as 500m, 128Mi or 2$/ },
  { name: 'hpa minReplicas > maxReplicas', spec: { catalog: 'utility', autoscaling: { hpa: { minReplicas: 5, maxReplicas: 2 } } }, expected: /^spec\.autoscaling\.hpa\.minReplicas: minReplicas must be less than or equal to maxReplicas$/ },
  { name: 'keda minReplicas > maxReplicas', spec: { catalog: 'utility', autoscaling: { keda: { minReplicas: 4, maxReplicas: 1 } } }, expected: /^spec\.autoscaling\.keda\.minReplicas: minReplicas must be less than or equal to maxReplicas$/ },
  { name: 'stdio without a command', spec: { image: 'ghcr.io/acme/x:1', transport: { type: 'stdio' } }, expected: /^spec\.transport\.type: transport\.type stdio needs spec\.command/ },
  { name: 'unknown field', spec: { catalog: 'utility', replica: 2 }, expected: /^spec: unknown field "replica"$/ },
  { name: 'unknown catalog setting', spec: { catalog: 'weather', config: { unit: 'metric' } }, expected: /^spec\.config: unknown field "unit"$/ },
  { name: 'bad catalog setting value', spec: { catalog: 'weather', config: { units: 'kelvin' } }, expected: /^spec\.config\.units: Invalid option: expected one of "metric"\|"imperial"\|"standard"$/ },
  { name: 'filesystem without roots', spec: { catalog: 'filesystem' }, expected: /^spec\.config\.roots: required field is missing$/ },
  { name: 'config on an image server', spec: { image: 'ghcr.io/acme/x:1', config: { a: 1 } }, expected: /^spec\.config: only catalog servers take config/ },
  { name: 'env var without a name', spec: { catalog: 'utility', env: [{ value: 'x' }] }, expected: /^spec\.env\[0\]\.name: required field is missing$/ },
  { name: 'both PDB fields', spec: { catalog: 'utility', disruption: { minAvailable: 1, maxUnavailable: '50%' } }, expected: /^spec\.disruption: set at most one of disruption\.minAvailable and disruption\.maxUnavailable$/ },
  { name: 'bad PDB percentage', spec: { catalog: 'utility', disruption: { minAvailable: '150%' } }, expected: /^spec\.disruption\.minAvailable: must be a whole number or a percentage such as "50%"$/ },
  { name: 'redis cache without URL', spec: { catalog: 'utility', cache: { ttlSeconds: 60, backend: 'redis' } }, expected: /^spec\.cache\.redisUrlSecretRef: cache\.backend redis needs cache\.redisUrlSecretRef$/ },
  { name: 'dynamodb cache without a table', spec: { catalog: 'utility', cache: { ttlSeconds: 60, backend: 'dynamodb' } }, expected: /^spec\.cache\.dynamodb: cache\.backend dynamodb needs cache\.dynamodb\.table$/ },
  { name: 'aws with a malformed region', spec: { catalog: 'aws', config: { region: 'Oregon' } }, expected: /^spec\.config\.region: must be an AWS region such as us-east-1$/ },
  { name: 's3-summarizer without a bucket', spec: { catalog: 's3-summarizer' }, expected: /^spec\.config\.bucket: required field is missing$/ },
  { name: 'tickets secret without the service principal', spec: { catalog: 'tickets', config: { backendUrl: 'https://api.example.com', clientSecretSecretRef: { name: 's', key: 'k' } } }, expected: /^spec\.config\.clientSecretSecretRef: clientSecretSecretRef needs tenantId and clientId/ },
  { name: 'tickets with a non-http backend', spec: { catalog: 'tickets', config: { backendUrl: 'ftp://api.example.com' } }, expected: /^spec\.config\.backendUrl: must be the backend http\(s\) URL$/ },
  { name: 'stdio-bridge with an empty command', spec: { catalog: 'stdio-bridge', config: { command: [] } }, expected: /^spec\.config\.command: / },
  { name: 'bad role ARN', spec: { catalog: 'utility', identity: { aws: { roleArn: 'my-role' } } }, expected: /^spec\.identity\.aws\.roleArn: must be an IAM role ARN/ },
  { name: 'bad Azure client id', spec: { catalog: 'utility', identity: { azure: { clientId: 'abc' } } }, expected: /^spec\.identity\.azure\.clientId: must be the managed identity client ID \(a UUID\)$/ },
];

describe('McpServer validation', () => {
  for (const c of INVALID) {
    it(`rejects ${c.name} with an actionable message`, () => {
      const result = validateMcpServer(withSpec(c.spec));
      assert.equal(result.ok, false, `${c.name} was accepted`);
      if (result.ok) return;
      assert.ok(result.problems.some((p) => c.expected.test(p)), `messages were: ${JSON.stringify(result.problems)}`);
    });
  }

  it('rejects a name that cannot name a Service', () => {
    const result = validateMcpServer({ ...base, metadata: { name: '9lives' }, spec: { catalog: 'utility' } });
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.problems.join('\n'), /^metadata\.name: must be a DNS-1035 label/);
  });

  it('applies defaults Kubernetes users expect', () => {
    const result = validateMcpServer(withSpec({ catalog: 'utility' }));
    assert.ok(result.ok);
    assert.deepEqual(result.value.spec.transport, { type: 'streamable-http', port: 8080, path: '/mcp' });
    assert.equal(result.value.spec.replicas, 1);
    assert.deepEqual(result.value.spec.expose.service, { type: 'ClusterIP', port: 80 });
  });

  it('accepts full Kubernetes types where the API embeds them', () => {
    const result = validateMcpServer(
      withSpec({
        catalog: 'filesystem',
        config: { roots: ['/data'] },
        env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }],
        envFrom: [{ configMapRef: { name: 'cm' } }],
        resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: 1 } },
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }],
        volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true }],
        pod: {
          tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'mcp', effect: 'NoSchedule' }],
          affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] } } },
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' }],
        },
        autoscaling: { hpa: { maxReplicas: 4, behavior: { scaleDown: { stabilizationWindowSeconds: 120 } } } },
      }),
    );
    assert.ok(result.ok, result.ok ? '' : result.problems.join('\n'));
  });

  it('rejects an unknown field inside an embedded Kubernetes type', () => {
    const result = validateMcpServer(withSpec({ catalog: 'utility', env: [{ name: 'A', vaule: 'x' }] }));
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.problems.join('\n'), /spec\.env\[0\]: unknown field "vaule"/);
  });
});
