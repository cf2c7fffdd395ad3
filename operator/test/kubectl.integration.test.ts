// What a user sees with the real kubectl: printer columns and `kubectl scale`.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { V1Deployment } from '@kubernetes/client-node';
import { startKubeSim } from '../../hack/kube-sim/src/api.ts';
import { describeOnBackends } from './backends.ts';
import { REPO_ROOT, startHarness, utilityServer, waitFor, type Harness } from './harness.ts';

const run = promisify(execFile);

describeOnBackends('kubectl against the operator', (backend) => {
  let h: Harness;
  afterEach(async () => h?.stop());

  it('lists McpServers with Ready, replicas, tool count and URL, and scales them', async () => {
    h = await startHarness({ backend });
    const kubectl = (...args: string[]) => run('kubectl', ['--kubeconfig', h.kubeconfigPath, ...args], { encoding: 'utf8', timeout: 30_000 });
    await h.apply(utilityServer('kv'));
    await waitFor('Ready', async () => ((await h.condition('team-a', 'kv', 'Ready'))?.status === 'True' ? true : undefined));
    const { stdout } = await kubectl('get', 'mcp', '-n', 'team-a');
    const [header, row] = stdout.trim().split('\n');
    assert.match(header!, /^NAME\s+READY\s+REPLICAS\s+TOOLS\s+URL\s+AGE$/);
    assert.match(row!, /^kv\s+True\s+1\s+\d+\s+http:\/\/kv\.team-a\.svc\.cluster\.local\/mcp\s+\d+s$/);

    const scaled = await kubectl('scale', 'mcp/kv', '-n', 'team-a', '--replicas=3');
    assert.match(scaled.stdout, /mcpserver\.mcpfleet\.dev\/kv scaled/);
    await waitFor('the Deployment at 3 replicas', async () => ((await h.get<V1Deployment>('/apis/apps/v1/namespaces/team-a/deployments/kv'))?.spec?.replicas === 3 ? true : undefined));
    // Ready is still True from before the scale until the operator has observed it: wait for the
    // three replicas in the status first, or the wait can return on the stale condition.
    await kubectl('wait', '--for=jsonpath={.status.readyReplicas}=3', 'mcp/kv', '-n', 'team-a', '--timeout=60s');
    await kubectl('wait', '--for=condition=Ready', 'mcp/kv', '-n', 'team-a', '--timeout=60s');
    const wide = await kubectl('get', 'mcp', 'kv', '-n', 'team-a', '-o', 'wide');
    assert.match(wide.stdout, /kv\s+True\s+3\s+\d+\s+\S+\s+utility\s+ServerReady\s+\d+s/);
  });
});

describe('kubectl installs the CRD on kube-sim', function () {
  this.timeout(90_000);

  it('installs the CRD with client-side and server-side apply, explains it, and accepts the examples', async () => {
    const sim = await startKubeSim({ log: () => undefined });
    try {
      // A fresh discovery cache per call: kubectl explain trusts its cache and would not see a CRD
      // registered after the cache was filled (a real cluster behaves the same way).
      let call = 0;
      const kubectl = (...args: string[]) =>
        run('kubectl', ['--kubeconfig', sim.kubeconfigPath, '--cache-dir', path.join(sim.kubeconfigPath, '..', `kubectl-cache-${call++}`), ...args], { encoding: 'utf8', timeout: 30_000, cwd: REPO_ROOT });
      assert.match((await kubectl('apply', '-f', 'crds/')).stdout, /customresourcedefinition.apiextensions.k8s.io\/mcpservers.mcpfleet.dev created/);
      assert.match((await kubectl('apply', '--server-side', '--force-conflicts', '-f', 'crds/')).stdout, /mcpservers.mcpfleet.dev serverside-applied/);
      await kubectl('wait', '--for=condition=Established', 'crd/mcpservers.mcpfleet.dev', '--timeout=30s');
      const explain = (await kubectl('explain', 'mcp.spec.autoscaling')).stdout;
      assert.match(explain, /KIND:\s+McpServer/);
      assert.match(explain, /at most one of hpa and keda/);
      assert.match(explain, /keda\s+<Object>/);
      assert.match((await kubectl('apply', '-f', 'examples/quickstart.yaml')).stdout, /mcpserver.mcpfleet.dev\/utility created/);
      const yaml = (await kubectl('get', 'mcp', 'utility', '-o', 'yaml')).stdout;
      assert.match(yaml, /port: 8080/, 'the CRD defaults the transport');
    } finally {
      await sim.stop();
    }
  });
});
