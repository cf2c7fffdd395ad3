// Every manifest in examples/ is valid twice over: against the zod API (what the operator
// checks) and against the generated CRD's openAPIV3Schema (what the API server checks).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { validate, applyDefaults, formatFieldError, type JSONSchemaProps } from '../hack/kube-sim/src/algebra/schema.ts';
import { validateMcpServer } from '../operator/src/api/validation.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const crd = parse(readFileSync(path.join(root, 'crds/mcpservers.mcpfleet.dev.yaml'), 'utf8')) as { spec: { versions: { schema: { openAPIV3Schema: JSONSchemaProps } }[] } };
const schema = crd.spec.versions[0]!.schema.openAPIV3Schema;
const files = readdirSync(path.join(root, 'examples')).filter((f) => f.endsWith('.yaml')).sort();

describe('examples/', () => {
  it('holds the quickstart and the weather-on-EKS examples', () => {
    assert.ok(files.includes('quickstart.yaml'));
    assert.ok(files.includes('weather-eks-alb.yaml'));
  });

  for (const file of files) {
    describe(file, () => {
      const text = readFileSync(path.join(root, 'examples', file), 'utf8');
      const docs = parseAllDocuments(text).map((d) => d.toJS() as { kind?: string; metadata?: { name?: string } });

      it('starts with a comment saying what it shows', () => {
        assert.match(text, /^# \S.{20,}/);
      });

      const servers = docs.filter((d) => d?.kind === 'McpServer');
      it('holds at least one McpServer', () => assert.ok(servers.length > 0));
      for (const server of servers) {
        it(`${server.metadata?.name}: is valid for the zod API`, () => {
          const result = validateMcpServer(server);
          assert.ok(result.ok, result.ok ? '' : result.problems.join('\n'));
        });
        it(`${server.metadata?.name}: is valid for the CRD schema`, () => {
          const defaulted = applyDefaults(schema, server);
          assert.deepEqual(validate(schema, defaulted).map((e) => `${e.field}: ${e.message}`), []);
        });
      }
    });
  }

  it('the CRD schema rejects what the API forbids, with the API server message', () => {
    const errors = validate(schema, { apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', metadata: { name: 'x' }, spec: { catalog: 'nope', replicas: -1, transport: { port: 70000 } } });
    const messages = errors.map(formatFieldError).join('\n');
    assert.match(messages, /spec\.catalog: Unsupported value: "nope"/);
    assert.match(messages, /spec\.replicas: Invalid value: -1: spec\.replicas in body should be greater than or equal to 0/);
    assert.match(messages, /spec\.transport\.port: Invalid value: 70000: spec\.transport\.port in body should be less than or equal to 65535/);
  });
});
