// End to end on a real cluster: K3s in a container (@testcontainers/k3s), the images built by
// `npm run images` imported into its containerd, the chart installed from charts/mcpfleet with
// those images, `helm test`, and the quickstart McpServer reaching Ready (the operator image
// reconciling, the servers image answering MCP). Needs a Docker engine: the CI workflow's e2e job
// has one; where none runs (this machine) the suite prints why and skips.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { K3sContainer } from '@testcontainers/k3s';
import type { StartedK3sContainer } from '@testcontainers/k3s';
import { getContainerRuntimeClient } from 'testcontainers';
import { CHART_DIR, helmRunner, kubectlRunner } from '../chart/tools.ts';
import type { RunResult } from '../chart/tools.ts';
import { buildImages } from '../images/build.ts';
import { REPO_ROOT } from '../images/paths.ts';

const K3S_IMAGE = 'rancher/k3s:v1.33.1-k3s1';

function ok(out: RunResult, what: string): string {
  assert.equal(out.code, 0, `${what} failed:\n${out.stdout}\n${out.stderr}`);
  return out.stdout;
}

describe('e2e on K3s (@testcontainers/k3s)', function () {
  this.timeout(1_200_000);
  let k3s: StartedK3sContainer | undefined;
  let work: string | undefined;
  let helm: ReturnType<typeof helmRunner>;
  let kubectl: ReturnType<typeof kubectlRunner>;
  /** The archives' ref name: imported as docker.io/mcpfleet/<image>:<version>. */
  let tag = '';

  before(async function () {
    try {
      await getContainerRuntimeClient();
    } catch (error) {
      console.log(`    skipped: no container engine for K3s (${error instanceof Error ? error.message : String(error)}); the CI workflow's e2e job runs this suite`);
      this.skip();
    }
    const { images, metadata } = await buildImages();
    tag = metadata.version;
    k3s = await new K3sContainer(K3S_IMAGE).start();
    work = await mkdtemp(join(tmpdir(), 'mcpfleet-k3s-'));
    const kubeconfig = join(work, 'kubeconfig');
    await writeFile(kubeconfig, k3s.getKubeConfig(), { mode: 0o600 });
    helm = helmRunner(join(work, 'helm'), kubeconfig);
    kubectl = kubectlRunner(kubeconfig, join(work, 'kube-cache'));
    // No registry: the archives go straight into K3s's containerd under the names the chart uses.
    for (const image of images) {
      const target = `/tmp/${image.name}.oci.tar`;
      await k3s.copyFilesToContainer([{ source: image.archive, target }]);
      const imported = await k3s.exec(['ctr', '-n', 'k8s.io', 'images', 'import', '--base-name', `docker.io/mcpfleet/${image.name}`, target]);
      assert.equal(imported.exitCode, 0, imported.output);
    }
  });

  after(async () => {
    await k3s?.stop();
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  it('installs the chart with the built images and passes helm test', async () => {
    ok(
      await helm([
        'install', 'mcpfleet', CHART_DIR, '--namespace', 'mcpfleet-system', '--create-namespace', '--wait', '--timeout', '10m',
        '--set', 'image.repository=docker.io/mcpfleet/operator', '--set', `image.tag=${tag}`, '--set', 'image.pullPolicy=Never',
        '--set', 'serversImage.repository=docker.io/mcpfleet/servers', '--set', `serversImage.tag=${tag}`,
      ], 900_000),
      'helm install',
    );
    ok(await helm(['test', 'mcpfleet', '--namespace', 'mcpfleet-system', '--timeout', '5m'], 600_000), 'helm test');
  });

  it('runs the quickstart McpServer until it is Ready (verified over MCP by the operator)', async () => {
    ok(await kubectl(['apply', '-f', join(REPO_ROOT, 'examples', 'quickstart.yaml')]), 'kubectl apply');
    ok(await kubectl(['wait', 'mcpserver/utility', '-n', 'default', '--for=condition=Ready', '--timeout=10m'], 900_000), 'kubectl wait Ready');
    const status = JSON.parse(ok(await kubectl(['get', 'mcpserver/utility', '-n', 'default', '-o', 'json']), 'kubectl get')) as { status: { toolCount?: number } };
    assert.ok((status.status.toolCount ?? 0) > 0);
  });
});
