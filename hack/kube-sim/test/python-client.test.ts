// kube-sim with a client its own tests never used: the official Python `kubernetes` package
// (installed by .ci/run). It sends boolean query parameters as `True` and reuses keep-alive
// connections after a watch ends; both used to break kube-sim.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKubeSim, type KubeSim } from '../src/api.ts';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'python', 'watch_and_reuse.py');

function python(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('python3', args, { timeout: 90_000 }, (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }));
  });
}

describe('kube-sim with the Python kubernetes client', function () {
  this.timeout(120_000);
  let sim: KubeSim;
  before(async function () {
    const probe = await python(['-c', 'import kubernetes']);
    assert.equal(probe.code, 0, `the Python kubernetes client is not installed (pip install kubernetes): ${probe.stderr}`);
    sim = await startKubeSim({ log: () => undefined, namespaces: ['py'] });
  });
  after(async () => sim?.stop());

  it('starts a watch sent as watch=True, and answers on the same keep-alive connection after the watch ends', async () => {
    const r = await python([SCRIPT, sim.kubeconfigPath, 'py']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { events: [string, string][]; listed: string[]; read: Record<string, string>; pools: number };
    assert.deepEqual(out.events, [['ADDED', 'py-watched']]);
    assert.ok(out.listed.includes('py-watched'));
    assert.deepEqual(out.read, { k: 'v' });
    const watches = sim.accounting.count({ userAgent: 'OpenAPI-Generator', verb: 'watch', resource: 'configmaps' });
    assert.equal(watches, 1, 'the watch reached kube-sim as a watch');
  });

  it('reads every spelling Go accepts for a boolean parameter, and refuses others with 400', async () => {
    for (const spelling of ['True', 'TRUE', 't', '1', 'true']) {
      const controller = new AbortController();
      const response = await fetch(`${sim.url}/api/v1/namespaces/py/configmaps?watch=${spelling}&timeoutSeconds=1`, { signal: controller.signal });
      assert.equal(response.headers.get('content-type'), 'application/json');
      assert.equal(response.status, 200, spelling);
      await response.text();
    }
    const list = await fetch(`${sim.url}/api/v1/namespaces/py/configmaps?watch=False`);
    assert.equal(((await list.json()) as { kind: string }).kind, 'ConfigMapList');
    const bad = await fetch(`${sim.url}/api/v1/namespaces/py/configmaps?watch=yes`);
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { message: string }).message, /invalid boolean value "yes"/);
  });
});
