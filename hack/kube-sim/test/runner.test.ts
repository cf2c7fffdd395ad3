// The kubelet's PodRunner: real local processes per replica, ready only when the readiness
// endpoint answers, stopped on scale-down and deletion.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { startKubeSim } from '../src/api.ts';
import type { KubeSim } from '../src/api.ts';
import type { PodRunner, RunningPod } from '../src/kubelet.ts';
import { call, pollUntil } from './helpers.ts';

// A tiny HTTP server that becomes ready 300 ms after start and prints its port.
const SERVER = `
const http = require('node:http');
const started = Date.now();
const s = http.createServer((req, res) => {
  if (req.url === '/ready' && Date.now() - started < 300) { res.statusCode = 503; return res.end('warming'); }
  res.end('ok');
});
s.listen(0, '127.0.0.1', () => console.log(s.address().port));
`;

class ProcessRunner implements PodRunner {
  started = 0;
  stopped = 0;
  matches(template: { metadata?: { labels?: Record<string, string> } }): boolean {
    return template.metadata?.labels?.runner === 'process';
  }
  async start(): Promise<RunningPod> {
    const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
    this.started++;
    const exited = once(child, 'exit');
    return {
      address: `http://127.0.0.1:${chunk.toString().trim()}`,
      exited,
      stop: async () => {
        if (child.exitCode === null) {
          child.kill();
          await exited;
        }
        this.stopped++;
      },
    };
  }
}

describe('kube-sim kubelet with a PodRunner', function () {
  this.timeout(30000);
  let sim: KubeSim;
  const runner = new ProcessRunner();

  before(async () => {
    sim = await startKubeSim({ kubeletDelayMs: 10, runners: [runner], log: () => {} });
  });

  after(async () => {
    await sim.stop();
  });

  it('runs one process per replica, reports ready via the readiness probe, and stops them', async () => {
    const dep = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'proc' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'proc' } },
        template: {
          metadata: { labels: { app: 'proc', runner: 'process' } },
          spec: { containers: [{ name: 'srv', image: 'local', readinessProbe: { httpGet: { path: '/ready', port: 8080 } } }] },
        },
      },
    };
    assert.equal((await call(sim.url, 'POST', '/apis/apps/v1/namespaces/default/deployments', dep)).status, 201);
    const ready = await pollUntil('2 ready replicas', async () => {
      const r = await call(sim.url, 'GET', '/apis/apps/v1/namespaces/default/deployments/proc');
      return r.body.status?.readyReplicas === 2 ? r.body : undefined;
    });
    assert.equal(ready.status.availableReplicas, 2);
    const endpoints = sim.kubelet.endpointsFor('default', 'proc');
    assert.equal(endpoints.length, 2);
    for (const e of endpoints) assert.equal(await (await fetch(`${e}/ready`)).text(), 'ok');

    await call(sim.url, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/proc/scale', { spec: { replicas: 1 } }, 'application/merge-patch+json');
    await pollUntil('one process stopped', () => runner.stopped === 1 && sim.kubelet.endpointsFor('default', 'proc').length === 1);
    await call(sim.url, 'DELETE', '/apis/apps/v1/namespaces/default/deployments/proc');
    await pollUntil('all processes stopped', () => runner.stopped === 2 && sim.kubelet.endpointsFor('default', 'proc').length === 0);
    assert.equal(runner.started, 2);
  });
});
