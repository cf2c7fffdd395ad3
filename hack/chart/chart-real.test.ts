// The chart on the real control plane (hack/cluster): the real helm installs, upgrades and
// uninstalls charts/mcpfleet; kube-apiserver accepts the CRD (its CEL rules compiled within the
// cost budget) and serves `kubectl explain mcp`; the operator pod passes Pod Security admission at
// "restricted"; every example in examples/ applies with the optional CRDs registered. kwok runs
// the operator pods as fakes: the operator's behaviour on this server is what operator/test covers.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { waitForCrdEstablished } from '../cluster/src/crd.ts';
import { sharedCluster } from '../cluster/src/shared.ts';
import type { LocalCluster } from '../cluster/src/cluster.ts';
import { testBackends } from '../../operator/test/backends.ts';
import { CHART_DIR, REPO_ROOT, helmRunner, kubectlRunner, type RunResult } from './tools.ts';

const RELEASE = 'fleet-real';
const RELEASE_NS = 'fleet-real-system';
const OPTIONAL_CRDS = join(REPO_ROOT, 'hack', 'kube-sim', 'fixtures', 'crds');

const ok = (out: RunResult, what: string): string => {
  assert.equal(out.code, 0, `${what} failed:\n${out.stdout}\n${out.stderr}`);
  return out.stdout;
};

if (testBackends().includes('real')) {
  describe('Helm chart charts/mcpfleet on the real control plane', function () {
    this.timeout(300_000);
    let cluster: LocalCluster;
    let dir: string;
    let helm: ReturnType<typeof helmRunner>;
    let kubectl: ReturnType<typeof kubectlRunner>;

    before(async function () {
      this.timeout(90 * 60_000);
      cluster = await sharedCluster();
      dir = await mkdtemp(join(tmpdir(), 'mcpfleet-chart-real-'));
      helm = helmRunner(join(dir, 'helm'), cluster.kubeconfigPath);
      // A fresh discovery cache per call: kubectl explain trusts its cache, and CRDs come and go here.
      let calls = 0;
      kubectl = (args, timeoutMs) => kubectlRunner(cluster.kubeconfigPath, join(dir, `kube-cache-${calls++}`))(args, timeoutMs);
      const ns = await cluster.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: RELEASE_NS, labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' } } });
      assert.ok([201, 409].includes(ns.status), JSON.stringify(ns.body));
    });
    after(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('installs with --wait: the CRD is Established, the operator pods pass Pod Security "restricted" and go Ready', async () => {
      const install = ok(await helm(['install', RELEASE, CHART_DIR, '--namespace', RELEASE_NS, '--wait', '--timeout', '180s'], 240_000), 'helm install');
      assert.match(install, /STATUS: deployed/);
      const crd = JSON.parse(ok(await kubectl(['get', 'crd', 'mcpservers.mcpfleet.dev', '-o', 'json']), 'get crd')) as { status: { conditions: { type: string; status: string; message: string }[] } };
      for (const type of ['Established', 'NamesAccepted']) assert.equal(crd.status.conditions.find((c) => c.type === type)?.status, 'True', type);
      assert.ok(!crd.status.conditions.some((c) => c.type === 'NonStructuralSchema' && c.status === 'True'));
      const deployment = JSON.parse(ok(await kubectl(['get', 'deployment', `${RELEASE}-mcpfleet`, '-n', RELEASE_NS, '-o', 'json']), 'get deployment')) as { status: { readyReplicas?: number } };
      assert.equal(deployment.status.readyReplicas, 2);
    });

    it('serves kubectl explain mcp from the real OpenAPI, with the CEL rules\' documentation', async () => {
      const explain = ok(await kubectl(['explain', 'mcp.spec.autoscaling']), 'kubectl explain');
      assert.match(explain, /KIND:\s+McpServer/);
      assert.match(explain, /keda\s+<Object>/);
      assert.match(ok(await kubectl(['explain', 'mcp']), 'kubectl explain mcp'), /GROUP:\s+mcpfleet\.dev/);
    });

    it('applies every example in examples/ with the KEDA, Prometheus Operator and ACK CRDs registered', async () => {
      ok(await kubectl(['apply', '--server-side', '--force-conflicts', '-f', OPTIONAL_CRDS]), 'apply optional CRDs');
      for (const file of await readdir(OPTIONAL_CRDS)) await waitForCrdEstablished(cluster, (parse(await readFile(join(OPTIONAL_CRDS, file), 'utf8')) as { metadata: { name: string } }).metadata.name);
      const files = (await readdir(join(REPO_ROOT, 'examples'))).filter((f) => f.endsWith('.yaml')).sort();
      assert.ok(files.length >= 5);
      for (const file of files) {
        // The namespaces an example's objects live in (one example creates its own).
        const namespaces = new Set(parseAllDocuments(await readFile(join(REPO_ROOT, 'examples', file), 'utf8')).map((d) => (d.toJS() as { metadata?: { namespace?: string } } | null)?.metadata?.namespace).filter((n): n is string => n !== undefined));
        for (const ns of namespaces) {
          const created = await cluster.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
          assert.ok([201, 409].includes(created.status), JSON.stringify(created.body));
        }
        const out = ok(await kubectl(['apply', '--server-side', '-f', join(REPO_ROOT, 'examples', file)]), `apply examples/${file}`);
        assert.match(out, /mcpserver\.mcpfleet\.dev\/\S+ serverside-applied/, file);
      }
      const listed = ok(await kubectl(['get', 'mcp', '-A', '-o', 'name']), 'get mcp');
      assert.ok(listed.trim().split('\n').length >= files.length, listed);
    });

    it('upgrades with new values: the Deployment rolls to the new arguments and replica count', async () => {
      ok(await helm(['upgrade', RELEASE, CHART_DIR, '--namespace', RELEASE_NS, '--reuse-values', '--set', 'replicas=3', '--set', 'logLevel=debug', '--wait', '--timeout', '180s'], 240_000), 'helm upgrade');
      const deployment = JSON.parse(ok(await kubectl(['get', 'deployment', `${RELEASE}-mcpfleet`, '-n', RELEASE_NS, '-o', 'json']), 'get deployment')) as { spec: { replicas: number; template: { spec: { containers: { args: string[] }[] } } }; status: { readyReplicas?: number; updatedReplicas?: number } };
      assert.equal(deployment.spec.replicas, 3);
      assert.ok(deployment.spec.template.spec.containers[0]?.args.includes('--log-level=debug'));
      assert.equal(deployment.status.updatedReplicas, 3);
    });

    it('uninstalls the operator and its RBAC, and leaves the CRD and McpServers in place', async () => {
      ok(await helm(['uninstall', RELEASE, '--namespace', RELEASE_NS, '--wait', '--timeout', '180s'], 240_000), 'helm uninstall');
      const left = ok(await kubectl(['get', 'deployments,services,serviceaccounts,poddisruptionbudgets', '-n', RELEASE_NS, '-o', 'name']), 'get after uninstall');
      assert.equal(left.split('\n').filter((l) => l && l !== 'serviceaccount/default').join('\n'), '', `left behind: ${left}`);
      assert.doesNotMatch(ok(await kubectl(['get', 'clusterroles,clusterrolebindings', '-o', 'name']), 'get clusterroles'), new RegExp(`${RELEASE}-mcpfleet`));
      assert.match(ok(await kubectl(['get', 'crd', 'mcpservers.mcpfleet.dev', '-o', 'name']), 'crd kept'), /mcpservers\.mcpfleet\.dev/);
    });
  });
}
