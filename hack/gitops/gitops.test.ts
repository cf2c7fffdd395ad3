// GitOps health of McpServers: the Argo CD Lua health check under gopher-lua (the interpreter
// Argo CD embeds) and Flux's kstatus (sigs.k8s.io/cli-utils), both run by the Go wrapper in
// hack/gitops/health on statuses from the operator's status builder; and the kustomizations of
// crds/, examples/ and the Argo CD / Flux examples built by the real kubectl.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { kubectlRunner } from '../chart/tools.ts';
import { goTool } from '../gotool/build.ts';
import { execTool } from '../images/exec.ts';
import { REPO_ROOT } from '../images/paths.ts';
import { healthFixtures } from './fixtures.ts';

const HEALTH_LUA = join(REPO_ROOT, 'deploy', 'argocd', 'mcpserver-health.lua');

interface Verdict {
  status: string;
  message: string;
}

/** Expected [Argo CD health, kstatus] per fixture. */
const EXPECTED: Record<string, [string, string]> = {
  ready: ['Healthy', 'Current'],
  'rolling-out': ['Progressing', 'InProgress'],
  verifying: ['Progressing', 'InProgress'],
  'new-generation-not-observed': ['Progressing', 'InProgress'],
  // Zero replicas by design is a finished rollout: neither a Flux Kustomization with wait: true
  // nor an Argo CD sync wave may hang on it.
  'scaled-to-zero': ['Healthy', 'Current'],
  'scaled-to-zero-by-autoscaler': ['Healthy', 'Current'],
  // On its way down (the last pod still running): not settled yet.
  'scaling-down-to-zero': ['Progressing', 'InProgress'],
  'replicas-starting': ['Progressing', 'InProgress'],
  'missing-secret': ['Degraded', 'Failed'],
  'scaled-to-zero-missing-secret': ['Degraded', 'Failed'],
  'invalid-spec': ['Degraded', 'Failed'],
  'rollout-stalled': ['Degraded', 'Failed'],
  'mcp-verification-failed': ['Degraded', 'Failed'],
};

describe('GitOps health (Argo CD Lua under gopher-lua, Flux kstatus)', function () {
  // The first run builds the Go wrapper (module downloads included); later runs use the cache.
  this.timeout(900_000);
  let evaluator: string;
  let work: string;

  before(async () => {
    evaluator = await goTool('gitops/health', 'gitops-health');
    work = await mkdtemp(join(tmpdir(), 'mcpfleet-gitops-'));
  });
  after(async () => {
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  const evaluate = async (fixtures: { name: string; object: unknown }[], script = HEALTH_LUA) => {
    const file = join(work, `objects-${Math.random().toString(36).slice(2)}.json`);
    await writeFile(file, JSON.stringify(fixtures));
    const out = await execTool(evaluator, [script, file], { timeoutMs: 60_000 });
    assert.equal(out.code, 0, out.stderr);
    return JSON.parse(out.stdout) as { name: string; argo: Verdict; kstatus: Verdict }[];
  };

  it('maps every operator status to the Argo CD health and kstatus status it means', async () => {
    const fixtures = healthFixtures();
    assert.deepEqual(fixtures.map((f) => f.name).sort(), Object.keys(EXPECTED).sort());
    const results = await evaluate(fixtures);
    const actual = Object.fromEntries(results.map((r) => [r.name, [r.argo.status, r.kstatus.status]]));
    assert.deepEqual(actual, EXPECTED);
    const byName = Object.fromEntries(results.map((r) => [r.name, r]));
    assert.match(byName['missing-secret']!.argo.message, /missing Secret default\/weather-api/);
    assert.match(byName['missing-secret']!.kstatus.message, /missing Secret default\/weather-api/);
    assert.match(byName['invalid-spec']!.argo.message, /Invalid spec: spec.replicas: must be at most 50/);
    assert.match(byName['new-generation-not-observed']!.argo.message, /observe generation 2/);
    assert.equal(byName['scaled-to-zero']!.argo.message, 'Scaled to zero replicas');
    assert.match(byName['scaling-down-to-zero']!.kstatus.message, /scaling down to zero: 1 replicas still running/);
  });

  it('says Progressing for an McpServer the operator has not written a status to, and survives odd shapes', async () => {
    const results = await evaluate([
      { name: 'no-status', object: { apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', metadata: { name: 'x', namespace: 'default', generation: 1 }, spec: { catalog: 'utility' } } },
      { name: 'empty-status', object: { apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', metadata: { name: 'x', namespace: 'default', generation: 1 }, status: {} } },
      { name: 'conditions-without-fields', object: { apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', metadata: { name: 'x', namespace: 'default', generation: 1 }, status: { observedGeneration: 1, conditions: [{ type: 'Ready' }, { type: 'Degraded', status: 'True' }] } } },
    ]);
    assert.deepEqual(results.map((r) => [r.name, r.argo.status]), [['no-status', 'Progressing'], ['empty-status', 'Progressing'], ['conditions-without-fields', 'Degraded']]);
  });

  it('fails loudly on a health script that does not return a health table', async () => {
    const broken = join(work, 'broken.lua');
    await writeFile(broken, 'return 42\n');
    const file = join(work, 'one.json');
    await writeFile(file, JSON.stringify(healthFixtures().slice(0, 1)));
    const out = await execTool(evaluator, [broken, file], { timeoutMs: 60_000 });
    assert.equal(out.code, 1);
    assert.match(out.stderr, /returned number, not a table/);
  });

  describe('kustomizations (kubectl kustomize)', () => {
    let kubectl: ReturnType<typeof kubectlRunner>;
    before(() => {
      kubectl = kubectlRunner(join(work, 'kubeconfig-unused'), join(work, 'kube-cache'));
    });
    const build = async (dir: string) => {
      const out = await kubectl(['kustomize', join(REPO_ROOT, dir)]);
      assert.equal(out.code, 0, `kubectl kustomize ${dir}: ${out.stderr}`);
      return parseAllDocuments(out.stdout).map((d) => d.toJS() as { kind: string; metadata: { name: string; namespace?: string }; data?: Record<string, string> });
    };

    it('builds crds/ into the generated CRD', async () => {
      const objects = await build('crds');
      assert.deepEqual(objects.map((o) => `${o.kind}/${o.metadata.name}`), ['CustomResourceDefinition/mcpservers.mcpfleet.dev']);
    });

    it('builds examples/ with every example file listed', async () => {
      const listed = (parseYaml(await readFile(join(REPO_ROOT, 'examples', 'Kustomization'), 'utf8')) as { resources: string[] }).resources;
      const files = (await readdir(join(REPO_ROOT, 'examples'))).filter((f) => f.endsWith('.yaml') && f !== 'Kustomization');
      assert.deepEqual([...listed].sort(), files.sort(), 'list every examples/*.yaml in examples/Kustomization');
      const objects = await build('examples');
      assert.ok(objects.filter((o) => o.kind === 'McpServer').length >= files.length);
    });

    it('puts the Lua health check into argocd-cm under the key Argo CD reads', async () => {
      const objects = await build('deploy/argocd');
      assert.equal(objects.length, 1);
      const cm = objects[0]!;
      assert.deepEqual([cm.kind, cm.metadata.name, cm.metadata.namespace], ['ConfigMap', 'argocd-cm', 'argocd']);
      assert.equal(cm.data?.['resource.customizations.health.mcpfleet.dev_McpServer'], await readFile(HEALTH_LUA, 'utf8'));
    });

    it('builds the Argo CD and Flux examples: Applications from the OCI chart, an OCIRepository, a HelmRelease and a waiting Kustomization', async () => {
      const argo = await build('examples/gitops/argocd');
      assert.deepEqual(argo.map((o) => o.kind).sort(), ['Application', 'Application', 'ConfigMap']);
      const flux = await build('examples/gitops/flux');
      assert.deepEqual(flux.map((o) => o.kind).sort(), ['GitRepository', 'HelmRelease', 'Kustomization', 'OCIRepository']);
      const kustomization = flux.find((o) => o.kind === 'Kustomization') as unknown as { spec: { wait: boolean; path: string } };
      assert.equal(kustomization.spec.wait, true);
      const servers = await build(kustomization.spec.path.replace(/^\.\//, ''));
      assert.deepEqual(servers.map((o) => o.kind), ['McpServer']);
    });
  });
});
