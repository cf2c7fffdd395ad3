import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { guessPlural, openApiV3Document, openApiV3Index, schemaName } from './openapi.ts';
import type { JSONSchemaProps } from './schema.ts';

const mcpSchema: JSONSchemaProps = {
  type: 'object',
  description: 'McpServer runs one MCP tool server from the catalog.',
  properties: {
    spec: {
      type: 'object',
      description: 'Desired state of the server.',
      properties: {
        catalog: { type: 'string', description: 'Catalog entry to run.' },
        port: { 'x-kubernetes-int-or-string': true, description: 'Port to listen on.' },
        autoscaling: {
          type: 'object',
          description: 'Horizontal autoscaling of the server.',
          properties: { minReplicas: { type: 'integer', description: 'Lower bound of replicas.' }, maxReplicas: { type: 'integer', description: 'Upper bound of replicas.' } },
        },
      },
    },
  },
};
const mcp = { kind: 'McpServer', group: 'mcpfleet.dev', version: 'v1alpha1', schema: mcpSchema, namespaced: true, statusSubresource: true };

describe('algebra/openapi', () => {
  it('names schemas like kube-apiserver', () => {
    assert.equal(schemaName('mcpfleet.dev', 'v1alpha1', 'McpServer'), 'dev.mcpfleet.v1alpha1.McpServer');
    assert.equal(schemaName('apps', 'v1', 'Deployment'), 'io.k8s.api.apps.v1.Deployment');
    assert.equal(schemaName('', 'v1', 'Pod'), 'io.k8s.api.core.v1.Pod');
    assert.equal(schemaName('coordination.k8s.io', 'v1', 'Lease'), 'io.k8s.api.coordination.v1.Lease');
    assert.equal(schemaName('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition'), 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition');
    assert.deepEqual(['McpServer', 'Ingress', 'Policy'].map(guessPlural), ['mcpservers', 'ingresses', 'policies']);
  });

  it('builds the index with hashes that follow the documents', () => {
    const a = openApiV3Index(['v1', 'apps/v1'], { v1: { x: 1 } }) as { paths: Record<string, { serverRelativeURL: string }> };
    const b = openApiV3Index(['v1', 'apps/v1'], { v1: { x: 2 } }) as { paths: Record<string, { serverRelativeURL: string }> };
    assert.deepEqual(Object.keys(a.paths), ['api/v1', 'apis/apps/v1']);
    assert.match(a.paths['api/v1']?.serverRelativeURL ?? '', /^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}$/);
    assert.notEqual(a.paths['api/v1']?.serverRelativeURL, b.paths['api/v1']?.serverRelativeURL);
    assert.equal(a.paths['apis/apps/v1']?.serverRelativeURL, b.paths['apis/apps/v1']?.serverRelativeURL);
  });

  it('publishes CRD schemas with GVK, ObjectMeta reference, list kind and paths', () => {
    const doc = openApiV3Document('mcpfleet.dev/v1alpha1', [mcp]) as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
      components: { schemas: Record<string, Record<string, unknown>> };
    };
    const s = doc.components.schemas['dev.mcpfleet.v1alpha1.McpServer'] as { properties: Record<string, Record<string, unknown>>; 'x-kubernetes-group-version-kind': unknown };
    assert.deepEqual(s['x-kubernetes-group-version-kind'], [{ group: 'mcpfleet.dev', kind: 'McpServer', version: 'v1alpha1' }]);
    assert.deepEqual(s.properties['metadata']?.['allOf'], [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }]);
    assert.deepEqual(Object.keys(s.properties), ['apiVersion', 'kind', 'metadata', 'spec']);
    assert.ok(doc.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']);
    assert.deepEqual(doc.components.schemas['dev.mcpfleet.v1alpha1.McpServerList']?.['x-kubernetes-group-version-kind'], [{ group: 'mcpfleet.dev', kind: 'McpServerList', version: 'v1alpha1' }]);
    assert.deepEqual(Object.keys(doc.paths), [
      '/apis/mcpfleet.dev/v1alpha1/mcpservers',
      '/apis/mcpfleet.dev/v1alpha1/namespaces/{namespace}/mcpservers',
      '/apis/mcpfleet.dev/v1alpha1/namespaces/{namespace}/mcpservers/{name}',
      '/apis/mcpfleet.dev/v1alpha1/namespaces/{namespace}/mcpservers/{name}/status',
    ]);
    assert.deepEqual(doc.paths['/apis/mcpfleet.dev/v1alpha1/namespaces/{namespace}/mcpservers/{name}']?.['get']?.['x-kubernetes-group-version-kind'], { group: 'mcpfleet.dev', kind: 'McpServer', version: 'v1alpha1' });
  });

  it('gives built-in kinds without a schema a permissive described schema', () => {
    const doc = openApiV3Document('apps/v1', [{ kind: 'Deployment', group: 'apps', version: 'v1', schema: undefined, namespaced: true }]) as { components: { schemas: Record<string, Record<string, unknown>> } };
    const d = doc.components.schemas['io.k8s.api.apps.v1.Deployment'] ?? {};
    assert.equal(d['x-kubernetes-preserve-unknown-fields'], true);
    assert.match(String(d['description']), /Deployment/);
  });

  it('rejects resources of another group-version', () => {
    assert.throws(() => openApiV3Document('apps/v1', [mcp]), /not in the requested group-version apps\/v1/);
  });

  describe('with the real kubectl explain', function () {
    this.timeout(120_000);
    let server: http.Server;
    let port = 0;
    let cacheDir = '';
    const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

    before(async () => {
      const doc = openApiV3Document('mcpfleet.dev/v1alpha1', [mcp]);
      const routes: Record<string, unknown> = {
        '/api': { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] },
        '/apis': {
          kind: 'APIGroupList',
          apiVersion: 'v1',
          groups: [{ name: 'mcpfleet.dev', versions: [{ groupVersion: 'mcpfleet.dev/v1alpha1', version: 'v1alpha1' }], preferredVersion: { groupVersion: 'mcpfleet.dev/v1alpha1', version: 'v1alpha1' } }],
        },
        '/api/v1': { kind: 'APIResourceList', groupVersion: 'v1', resources: [] },
        '/apis/mcpfleet.dev/v1alpha1': {
          kind: 'APIResourceList',
          apiVersion: 'v1',
          groupVersion: 'mcpfleet.dev/v1alpha1',
          resources: [{ name: 'mcpservers', singularName: 'mcpserver', namespaced: true, kind: 'McpServer', verbs: ['get', 'list'], shortNames: ['mcp'] }],
        },
        '/openapi/v3': openApiV3Index(['mcpfleet.dev/v1alpha1'], { 'mcpfleet.dev/v1alpha1': doc }),
        '/openapi/v3/apis/mcpfleet.dev/v1alpha1': doc,
      };
      server = http.createServer((req, res) => {
        const body = routes[(req.url ?? '').split('?')[0] ?? ''];
        res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body ?? { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404, reason: 'NotFound', message: 'not found' }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
      cacheDir = mkdtempSync(path.join(tmpdir(), 'kube-sim-openapi-'));
    });
    after(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
    });

    const explain = async (field: string): Promise<string> => {
      const toolsDir = await new Promise<string>((resolve, reject) =>
        execFile('bash', [path.join(repo, 'hack/tools.sh')], { timeout: 90_000 }, (err, out) => (err ? reject(err) : resolve(out.trim()))),
      );
      return new Promise<string>((resolve, reject) =>
        execFile(
          path.join(toolsDir, 'kubectl'),
          ['explain', field, `--server=http://127.0.0.1:${port}`, `--cache-dir=${cacheDir}`],
          { timeout: 60_000, env: { ...process.env, KUBECONFIG: '/dev/null' } },
          (err, out, errOut) => (err ? reject(new Error(`kubectl explain ${field} failed: ${errOut}`)) : resolve(out)),
        ),
      );
    };

    it('prints field descriptions through $ref-ed ObjectMeta and nested CRD fields', async () => {
      const spec = await explain('mcp.spec.autoscaling');
      assert.match(spec, /KIND:\s+McpServer/);
      assert.match(spec, /Horizontal autoscaling of the server\./);
      assert.match(spec, /minReplicas\s+<integer>\s+Lower bound of replicas\./);
      const labels = await explain('mcp.metadata.labels');
      assert.match(labels, /FIELD: labels <map\[string\]string>/);
      assert.match(labels, /Map of string keys and values/);
    });
  });
});
