import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { evaluate } from '@marcbachmann/cel-js';
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { structuralViolations } from '../../../hack/gen/structural.ts';
import { buildCrd, openApiV3Schema } from './crd.ts';
import type { JsonSchema } from './json-schema.ts';
import { K8S_MODEL_META } from './k8s-types.ts';
import { CEL_RULES, mcpServerSpecSchema, type CelRule } from './mcpserver.ts';

type Crd = {
  spec: {
    group: string;
    names: Record<string, unknown>;
    versions: { name: string; schema: { openAPIV3Schema: JsonSchema }; subresources: Record<string, unknown>; additionalPrinterColumns: { name: string; jsonPath: string }[] }[];
  };
};

function schemaAt(root: JsonSchema, path: string): JsonSchema {
  let node = root;
  for (const part of path.split('.')) {
    const next = node.properties?.[part];
    assert.ok(next, `no schema at ${path} (stopped at ${part})`);
    node = next;
  }
  return node;
}

function describedThroughWrappers(node: z.ZodType): boolean {
  for (let current: z.ZodType | undefined = node; current; current = (current._zod.def as { innerType?: z.ZodType }).innerType) {
    if (z.globalRegistry.get(current)?.description) return true;
  }
  return false;
}

describe('McpServer CRD generation', () => {
  const crd = buildCrd() as unknown as Crd;
  const version = crd.spec.versions[0]!;
  const schema = version.schema.openAPIV3Schema;

  it('matches the committed crds/ file byte for byte (run npm run gen when this fails)', async () => {
    const committed = await readFile(new URL('../../../crds/mcpservers.mcpfleet.dev.yaml', import.meta.url), 'utf8');
    assert.deepEqual(parse(committed), JSON.parse(JSON.stringify(crd)));
    assert.ok(committed.endsWith(stringify(crd, { lineWidth: 0, aliasDuplicateObjects: false })));
  });

  it('has the names, subresources and printer columns of the API', () => {
    assert.equal(crd.spec.group, 'mcpfleet.dev');
    assert.deepEqual(crd.spec.names, { kind: 'McpServer', listKind: 'McpServerList', plural: 'mcpservers', singular: 'mcpserver', shortNames: ['mcp'], categories: ['mcpfleet'] });
    assert.equal(version.name, 'v1alpha1');
    assert.deepEqual(version.subresources, {
      status: {},
      scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' },
    });
    const columns = version.additionalPrinterColumns.map((c) => c.name);
    for (const name of ['Ready', 'Replicas', 'Tools', 'URL', 'Age']) assert.ok(columns.includes(name), `missing printer column ${name}`);
  });

  it('is a structural schema', () => {
    assert.deepEqual(structuralViolations(schema), []);
  });

  it('marks quantities and int-or-string values with x-kubernetes-int-or-string', () => {
    const cpu = schemaAt(schema, 'spec.resources.limits').additionalProperties as JsonSchema;
    assert.equal(cpu['x-kubernetes-int-or-string'], true);
    assert.ok(cpu.pattern, 'quantities carry the Kubernetes quantity pattern');
    assert.equal(schemaAt(schema, 'spec.disruption.minAvailable')['x-kubernetes-int-or-string'], true);
    assert.equal(schemaAt(schema, 'spec.probes.liveness.httpGet.port')['x-kubernetes-int-or-string'], true);
  });

  it('preserves unknown fields only where the content is open (catalog config, free-form JSON)', () => {
    const preserved: string[] = [];
    const walk = (node: JsonSchema, path: string) => {
      if (node['x-kubernetes-preserve-unknown-fields']) preserved.push(path);
      for (const [k, v] of Object.entries(node.properties ?? {})) walk(v, `${path}.${k}`);
      if (typeof node.additionalProperties === 'object') walk(node.additionalProperties, `${path}[*]`);
      if (node.items) walk(node.items, `${path}[]`);
    };
    walk(schema, '');
    assert.deepEqual(preserved, ['.spec.config', '.spec.tools.overrides[*].annotations']);
  });

  it('carries defaults for the fields users expect to be defaulted', () => {
    assert.equal(schemaAt(schema, 'spec.replicas').default, 1);
    assert.equal(schemaAt(schema, 'spec.transport.port').default, 8080);
    assert.equal(schemaAt(schema, 'spec.transport.path').default, '/mcp');
    assert.equal(schemaAt(schema, 'spec.expose.ingress.alb.targetType').default, 'ip');
    assert.equal(schemaAt(schema, 'spec.autoscaling.keda.minReplicas').default, 0);
  });

  it('describes every field the API defines, so kubectl explain reads well', () => {
    const missing: string[] = [];
    const walk = (node: z.ZodType, path: string) => {
      const def = node._zod.def as unknown as { type: string; innerType?: z.ZodType; shape?: Record<string, z.ZodType>; element?: z.ZodType; valueType?: z.ZodType };
      if ((z.globalRegistry.get(node) as Record<string, unknown> | undefined)?.[K8S_MODEL_META]) return;
      if (def.type === 'optional' || def.type === 'default') return walk(def.innerType!, path);
      if (def.type === 'object') {
        for (const [key, child] of Object.entries(def.shape ?? {})) {
          if (!describedThroughWrappers(child)) missing.push(`${path}.${key}`);
          walk(child, `${path}.${key}`);
        }
      }
      if (def.type === 'array') walk(def.element!, `${path}[]`);
    };
    walk(mcpServerSpecSchema, 'spec');
    assert.deepEqual(missing, []);
    assert.match(schemaAt(schema, 'spec.autoscaling').description ?? '', /at most one of hpa and keda/);
  });

  it('emits every CEL rule in x-kubernetes-validations', () => {
    const emitted: string[] = [];
    const walk = (node: JsonSchema) => {
      for (const v of node['x-kubernetes-validations'] ?? []) emitted.push(v.rule);
      for (const child of Object.values(node.properties ?? {})) walk(child);
    };
    walk(openApiV3Schema());
    assert.deepEqual(emitted.sort(), CEL_RULES.map((r) => r.rule.rule).sort());
    assert.ok(emitted.length >= 6);
  });
});

describe('CEL rules evaluated with a CEL implementation agree with the zod refinements', () => {
  const samples: Record<string, unknown[]> = {
    spec: [
      { catalog: 'utility', transport: { type: 'streamable-http' } },
      { image: 'x', transport: { type: 'streamable-http' } },
      { catalog: 'utility', image: 'x', transport: { type: 'streamable-http' } },
      { transport: { type: 'streamable-http' } },
      { image: 'x', transport: { type: 'stdio' } },
      { image: 'x', transport: { type: 'stdio' }, command: [] },
      { image: 'x', transport: { type: 'stdio' }, command: ['npx', 'server'] },
    ],
    'spec.autoscaling': [{}, { hpa: { maxReplicas: 2 } }, { keda: { maxReplicas: 2 } }, { hpa: { maxReplicas: 2 }, keda: { maxReplicas: 2 } }],
    'spec.autoscaling.hpa': [{ minReplicas: 1, maxReplicas: 2 }, { minReplicas: 3, maxReplicas: 2 }, { minReplicas: 2, maxReplicas: 2 }],
    'spec.autoscaling.keda': [
      { minReplicas: 0, maxReplicas: 2 },
      { minReplicas: 3, maxReplicas: 2 },
      { minReplicas: 0, maxReplicas: 2, triggers: [{ type: 'cpu', metadata: {} }] },
      { minReplicas: 0, maxReplicas: 2, triggers: [{ type: 'cpu', metadata: {} }, { type: 'cron', metadata: {} }] },
      { minReplicas: 1, maxReplicas: 2, triggers: [{ type: 'memory', metadata: {} }] },
    ],
    'spec.cache': [{ ttlSeconds: 5, backend: 'memory' }, { ttlSeconds: 5, backend: 'redis' }, { ttlSeconds: 5, backend: 'redis', redisUrlSecretRef: { name: 'r', key: 'url' } }, { ttlSeconds: 5, backend: 'dynamodb' }, { ttlSeconds: 5, backend: 'dynamodb', dynamodb: { table: 'mcp-tool-results' } }],
    'spec.disruption': [{}, { minAvailable: 1 }, { maxUnavailable: '25%' }, { minAvailable: 1, maxUnavailable: 1 }],
    'spec.telemetry.tracing': [{}, { resourceAttributes: { 'deployment.environment.name': 'prod' } }, { resourceAttributes: { 'k8s.pod.name': 'spoofed' } }, { resourceAttributes: { team: 'a', 'service.name': 'x' } }],
  };

  for (const { path, rule } of CEL_RULES) {
    it(`${path}: ${rule.rule}`, () => {
      const cases = samples[path];
      assert.ok(cases && cases.length > 0, `no samples for ${path}`);
      const outcomes = new Set<boolean>();
      for (const self of cases) {
        const viaCel = evaluate(rule.rule, { self }) as boolean;
        const viaZod = (rule as CelRule<unknown>).holds(self);
        assert.equal(viaCel, viaZod, `CEL and zod disagree on ${JSON.stringify(self)}`);
        outcomes.add(viaCel);
      }
      assert.deepEqual([...outcomes].sort(), [false, true], 'samples must exercise both outcomes');
    });
  }
});
