// The real kubectl (v1.33) against kube-sim: the commands the operator's docs and tests use.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubeSim } from '../src/api.ts';
import type { KubeSim } from '../src/api.ts';
import { FIXTURES, kubectl, kubectlPath, pollUntil } from './helpers.ts';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
`;

const WIDGET = `apiVersion: example.com/v1
kind: Widget
metadata:
  name: w1
spec:
  color: red
  replicas: 2
`;

describe('kube-sim with the real kubectl', function () {
  this.timeout(60000);
  let sim: KubeSim;
  let dir: string;
  const k = (...args: string[]) => kubectl(sim.kubeconfigPath, join(dir, 'cache'), args);

  before(async () => {
    sim = await startKubeSim({ kubeletDelayMs: 20, log: () => {} });
    dir = await mkdtemp(join(tmpdir(), 'kube-sim-kubectl-'));
    await writeFile(join(dir, 'deployment.yaml'), DEPLOYMENT);
    await writeFile(join(dir, 'widget.yaml'), WIDGET);
  });

  after(async () => {
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('applies a CRD and waits for it to be Established', async () => {
    const applied = await k('apply', '-f', join(FIXTURES, 'widgets.example.com.yaml'));
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, /customresourcedefinition.apiextensions.k8s.io\/widgets.example.com created/);
    const waited = await k('wait', '--for=condition=Established', 'crd/widgets.example.com', '--timeout=20s');
    assert.equal(waited.code, 0, waited.stderr);
    assert.match(waited.stdout, /condition met/);
  });

  it('applies custom resources client-side and server-side and prints the printer columns', async () => {
    const created = await k('apply', '-f', join(dir, 'widget.yaml'));
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /widget.example.com\/w1 created/);
    const table = await k('get', 'widgets');
    assert.equal(table.code, 0, table.stderr);
    const [header, row] = table.stdout.trim().split('\n');
    assert.match(header ?? '', /^NAME\s+COLOR\s+REPLICAS\s+READY\s+AGE$/);
    assert.match(row ?? '', /^w1\s+red\s+2\s+\d+s$/);

    const ssa = await k('apply', '--server-side', '--field-manager=sim-test', '-f', join(dir, 'widget.yaml'));
    assert.equal(ssa.code, 0, ssa.stderr);
    assert.match(ssa.stdout, /widget.example.com\/w1 serverside-applied/);
    const yaml = await k('get', 'wd', 'w1', '-o', 'yaml', '--show-managed-fields');
    assert.equal(yaml.code, 0, yaml.stderr);
    assert.match(yaml.stdout, /size: medium/); // defaulted by the CRD schema
    assert.match(yaml.stdout, /manager: sim-test/);
    assert.match(yaml.stdout, /operation: Apply/);
  });

  it('reports server-side apply conflicts like kube-apiserver', async () => {
    await writeFile(join(dir, 'widget-5.yaml'), WIDGET.replace('replicas: 2', 'replicas: 5'));
    const conflict = await k('apply', '--server-side', '--field-manager=other', '-f', join(dir, 'widget-5.yaml'));
    assert.notEqual(conflict.code, 0);
    assert.match(conflict.stderr, /Apply failed with \d+ conflicts?/);
    assert.match(conflict.stderr, /\.spec\.replicas/);
    const forced = await k('apply', '--server-side', '--force-conflicts', '--field-manager=other', '-f', join(dir, 'widget-5.yaml'));
    assert.equal(forced.code, 0, forced.stderr);
  });

  it('shows validation errors from the CRD schema', async () => {
    await writeFile(join(dir, 'bad.yaml'), WIDGET.replace('name: w1', 'name: bad').replace('color: red', 'color: pink'));
    const bad = await k('apply', '-f', join(dir, 'bad.yaml'));
    assert.notEqual(bad.code, 0);
    // kubectl rephrases 422 Invalid errors from their causes ("The Widget "bad" is invalid: ...").
    assert.match(bad.stderr, /The Widget "bad" is invalid: spec.color: Unsupported value: "pink": supported values: "red", "green", "blue"/);
  });

  it('explains custom resource fields from /openapi/v3', async () => {
    const explained = await k('explain', 'widgets.spec');
    assert.equal(explained.code, 0, explained.stderr);
    assert.match(explained.stdout, /KIND:\s+Widget/);
    assert.match(explained.stdout, /Colour of the widget/);
    assert.match(explained.stdout, /replicas\s+<integer>/);
  });

  it('scales through the scale subresource', async () => {
    const scaled = await k('scale', 'widget', 'w1', '--replicas=4');
    assert.equal(scaled.code, 0, scaled.stderr);
    assert.match(scaled.stdout, /widget.example.com\/w1 scaled/);
    const jsonpath = await k('get', 'widget', 'w1', '-o', 'jsonpath={.spec.replicas}');
    assert.equal(jsonpath.stdout, '4');
  });

  it('streams changes with get --watch', async () => {
    const child = spawn(kubectlPath(), ['--kubeconfig', sim.kubeconfigPath, '--cache-dir', join(dir, 'cache'), 'get', 'widgets', '--watch'], {
      env: { ...process.env, HOME: dir },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await pollUntil('initial row', () => /w1\s+red/.test(out));
      const patched = await k('patch', 'widget', 'w1', '--type=merge', '-p', '{"spec":{"color":"blue"}}');
      assert.equal(patched.code, 0, patched.stderr);
      await pollUntil('watch row for the change', () => /w1\s+blue/.test(out));
    } finally {
      child.kill();
    }
  });

  it('applies a Deployment, waits for Available, scales it and sees pods', async () => {
    const applied = await k('apply', '-f', join(dir, 'deployment.yaml'));
    assert.equal(applied.code, 0, applied.stderr);
    const waited = await k('wait', '--for=condition=Available', 'deployment/web', '--timeout=30s');
    assert.equal(waited.code, 0, waited.stderr);
    const scaled = await k('scale', 'deployment', 'web', '--replicas=3');
    assert.equal(scaled.code, 0, scaled.stderr);
    const rollout = await k('rollout', 'status', 'deployment/web', '--timeout=30s');
    assert.equal(rollout.code, 0, rollout.stderr);
    const table = await k('get', 'deployment', 'web');
    assert.match(table.stdout, /web\s+3\/3\s+3\s+3/);
    const pods = await k('get', 'pods', '-l', 'app=web', '-o', 'name');
    assert.equal(pods.stdout.trim().split('\n').length, 3);
  });

  for (const cascade of ['background', 'foreground', 'orphan'] as const) {
    it(`deletes with --cascade=${cascade}`, async () => {
      const applied = await k('apply', '-f', join(dir, 'deployment.yaml'));
      assert.equal(applied.code, 0, applied.stderr);
      await pollUntil('pods', async () => (await k('get', 'pods', '-l', 'app=web', '-o', 'name')).stdout.trim().split('\n').filter(Boolean).length === 2);
      const deleted = await k('delete', 'deployment', 'web', `--cascade=${cascade}`, '--timeout=30s');
      assert.equal(deleted.code, 0, deleted.stderr);
      assert.match(deleted.stdout, /deployment.apps "web" deleted/);
      const rsLeft = async () => (await k('get', 'rs', '-l', 'app=web', '-o', 'name')).stdout.trim();
      if (cascade === 'orphan') {
        assert.notEqual(await rsLeft(), '');
        const cleanup = await k('delete', 'rs', '-l', 'app=web', '--wait=true');
        assert.equal(cleanup.code, 0, cleanup.stderr);
      }
      await pollUntil('dependents gone', async () => (await rsLeft()) === '' && (await k('get', 'pods', '-l', 'app=web', '-o', 'name')).stdout.trim() === '');
    });
  }

  it('deletes a CRD together with its instances', async () => {
    const deleted = await k('delete', '-f', join(FIXTURES, 'widgets.example.com.yaml'), '--timeout=30s');
    assert.equal(deleted.code, 0, deleted.stderr);
    const gone = await k('get', 'crd');
    assert.doesNotMatch(gone.stdout, /widgets.example.com/);
    assert.equal(sim.store.count('widgets.example.com'), 0);
  });
});
