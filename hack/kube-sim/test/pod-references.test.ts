// Pods whose Secret or ConfigMap is missing do not start, as with the real kubelet: containers
// wait in ContainerCreating (volumes) or CreateContainerConfigError (env), and the pod starts once
// the object (or the missing key) appears.
import assert from 'node:assert/strict';
import { startKubeSim } from '../src/api.ts';
import type { KubeSim } from '../src/api.ts';
import type { PodRunner, RunningPod } from '../src/kubelet.ts';
import { podBlocker } from '../src/pod-references.ts';
import type { KubeObject } from '../src/types.ts';
import { call, pollUntil } from './helpers.ts';

const b64 = (text: string) => Buffer.from(text).toString('base64');

function podWith(spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec };
}

describe('kube-sim kubelet: pods with missing Secrets and ConfigMaps', function () {
  this.timeout(30_000);

  describe('podBlocker (pure)', () => {
    const objects: Record<string, KubeObject> = {
      'Secret/ns/keys': { metadata: { name: 'keys', namespace: 'ns' }, data: { apiKey: b64('k') } },
      'ConfigMap/ns/settings': { metadata: { name: 'settings', namespace: 'ns' }, data: { mode: 'fast' }, binaryData: { blob: b64('x') } },
    };
    const lookup = (kind: string, namespace: string, name: string) => objects[`${kind}/${namespace}/${name}`];
    const container = (extra: Record<string, unknown>) => ({ containers: [{ name: 'c', image: 'i', ...extra }] });

    it('reports env references the kubelet cannot resolve with its own messages', () => {
      const cases: [Record<string, unknown>, string | undefined][] = [
        [container({ env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'keys', key: 'apiKey' } } }] }), undefined],
        [container({ env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'gone', key: 'apiKey' } } }] }), 'secret "gone" not found'],
        [container({ env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'keys', key: 'other' } } }] }), "couldn't find key other in Secret ns/keys"],
        [container({ env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'settings', key: 'blob' } } }] }), undefined],
        [container({ env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'nope', key: 'mode' } } }] }), 'configmap "nope" not found'],
        [container({ env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'gone', key: 'k', optional: true } } }] }), undefined],
        [container({ envFrom: [{ secretRef: { name: 'gone' } }] }), 'secret "gone" not found'],
        [container({ envFrom: [{ configMapRef: { name: 'gone', optional: true } }] }), undefined],
        [{ initContainers: [{ name: 'init', env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'gone', key: 'k' } } }] }], containers: [{ name: 'c' }] }, 'secret "gone" not found'],
        [container({ env: [{ name: 'PLAIN', value: 'x' }, { name: 'FIELD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] }), undefined],
      ];
      for (const [spec, message] of cases) {
        const blocker = podBlocker(podWith(spec), lookup);
        assert.deepEqual(blocker, message === undefined ? undefined : { reason: 'CreateContainerConfigError', message }, JSON.stringify(spec));
      }
    });

    it('reports volumes the kubelet cannot mount (ContainerCreating), before env problems', () => {
      const cases: [unknown[], string | undefined][] = [
        [[{ name: 'v', secret: { secretName: 'keys', items: [{ key: 'apiKey', path: 'k' }] } }], undefined],
        [[{ name: 'v', secret: { secretName: 'gone' } }], 'MountVolume.SetUp failed for volume "v" : secret "gone" not found'],
        [[{ name: 'v', secret: { secretName: 'keys', items: [{ key: 'nope', path: 'k' }] } }], 'MountVolume.SetUp failed for volume "v" : references non-existent secret key: nope'],
        [[{ name: 'v', secret: { secretName: 'gone', optional: true } }], undefined],
        [[{ name: 'c', configMap: { name: 'gone' } }], 'MountVolume.SetUp failed for volume "c" : configmap "gone" not found'],
        [[{ name: 'p', projected: { sources: [{ configMap: { name: 'settings' } }, { secret: { name: 'gone' } }] } }], 'MountVolume.SetUp failed for volume "p" : secret "gone" not found'],
        [[{ name: 'e', emptyDir: {} }], undefined],
      ];
      for (const [volumes, message] of cases) {
        const spec = { volumes, containers: [{ name: 'c', env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'also-gone', key: 'k' } } }] }] };
        const blocker = podBlocker(podWith(spec), lookup);
        assert.deepEqual(blocker, message === undefined ? { reason: 'CreateContainerConfigError', message: 'secret "also-gone" not found' } : { reason: 'ContainerCreating', message }, JSON.stringify(volumes));
      }
    });

    it('survives odd shapes without throwing', () => {
      for (const spec of [{}, { containers: 'x' }, { containers: [null, 3, { env: [null, { valueFrom: 'x' }] }] }, { volumes: [{ secret: null }, { projected: { sources: 'x' } }] }]) {
        assert.equal(podBlocker(podWith(spec), lookup), undefined);
      }
    });
  });

  describe('in the simulator', () => {
    let sim: KubeSim;
    const started: string[] = [];
    // Records which pods got a process: a blocked pod must not start one.
    const runner: PodRunner = {
      matches: (template) => (template.metadata?.labels as Record<string, string> | undefined)?.runner === 'yes',
      start: (pod): Promise<RunningPod> => {
        started.push(pod.metadata.name ?? '');
        return Promise.resolve({ address: 'http://127.0.0.1:1', stop: () => Promise.resolve() });
      },
    };
    before(async () => {
      sim = await startKubeSim({ kubeletDelayMs: 10, runners: [runner], log: () => {} });
    });
    after(async () => {
      await sim?.stop();
    });

    const deployment = (name: string, podSpec: Record<string, unknown>, labels: Record<string, string> = {}) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name },
      spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name, ...labels } }, spec: podSpec } },
    });
    const podsOf = async (app: string) => (await call(sim.url, 'GET', `/api/v1/namespaces/default/pods?labelSelector=app%3D${app}`)).body.items as { metadata: { name: string }; status: { phase: string; containerStatuses: { state: Record<string, { reason?: string; message?: string }> }[]; conditions: { type: string; status: string }[] } }[];
    const waitingOf = async (app: string) => {
      const [pod] = await podsOf(app);
      return pod?.status.containerStatuses?.[0]?.state.waiting;
    };
    const available = async (name: string) => (await call(sim.url, 'GET', `/apis/apps/v1/namespaces/default/deployments/${name}`)).body.status?.availableReplicas === 1;

    it('leaves a pod with a missing env Secret in CreateContainerConfigError and starts it once the Secret has the key', async () => {
      const env = [{ name: 'API_KEY', valueFrom: { secretKeyRef: { name: 'late-keys', key: 'apiKey' } } }];
      assert.equal((await call(sim.url, 'POST', '/apis/apps/v1/namespaces/default/deployments', deployment('env-app', { containers: [{ name: 'c', image: 'i', env }] }))).status, 201);
      assert.deepEqual(await pollUntil('config error', () => waitingOf('env-app')), { reason: 'CreateContainerConfigError', message: 'secret "late-keys" not found' });
      const [pod] = await podsOf('env-app');
      assert.equal(pod!.status.phase, 'Pending');
      assert.equal(pod!.status.conditions.find((c) => c.type === 'Ready')?.status, 'False');
      assert.equal(await available('env-app'), false);
      // The Secret arrives without the key: still blocked, with the kubelet's message for that.
      await call(sim.url, 'POST', '/api/v1/namespaces/default/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'late-keys' }, stringData: { other: 'x' } });
      await pollUntil('missing key', async () => (await waitingOf('env-app'))?.message === "couldn't find key apiKey in Secret default/late-keys");
      await call(sim.url, 'PATCH', '/api/v1/namespaces/default/secrets/late-keys', { stringData: { apiKey: 'k1' } }, 'application/merge-patch+json');
      await pollUntil('available once the key exists', () => available('env-app'));
      assert.equal((await podsOf('env-app'))[0]!.metadata.name, pod!.metadata.name, 'the same pod started (not a replacement)');
    });

    it('leaves a runner pod with a missing Secret volume in ContainerCreating without starting its process, then starts it', async () => {
      const spec = { containers: [{ name: 'c', image: 'i' }], volumes: [{ name: 'keys', secret: { secretName: 'vol-keys' } }] };
      await call(sim.url, 'POST', '/apis/apps/v1/namespaces/default/deployments', deployment('vol-app', spec, { runner: 'yes' }));
      assert.deepEqual(await pollUntil('container creating', () => waitingOf('vol-app')), { reason: 'ContainerCreating' });
      await sim.settle();
      assert.deepEqual(started.filter((n) => n.startsWith('vol-app')), []);
      // A Secret in another namespace does not unblock it.
      await call(sim.url, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'elsewhere' } });
      await call(sim.url, 'POST', '/api/v1/namespaces/elsewhere/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'vol-keys' }, data: {} });
      await sim.settle();
      assert.deepEqual(started.filter((n) => n.startsWith('vol-app')), []);
      await call(sim.url, 'POST', '/api/v1/namespaces/default/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'vol-keys' }, data: {} });
      await pollUntil('available once the Secret exists', () => available('vol-app'));
      assert.equal(started.filter((n) => n.startsWith('vol-app')).length, 1);
    });

    it('holds a standalone pod with a missing ConfigMap and starts it when the ConfigMap is created', async () => {
      const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'solo' }, spec: { containers: [{ name: 'c', image: 'i', envFrom: [{ configMapRef: { name: 'solo-settings' } }] }] } };
      await call(sim.url, 'POST', '/api/v1/namespaces/default/pods', pod);
      const waiting = async () => ((await call(sim.url, 'GET', '/api/v1/namespaces/default/pods/solo')).body.status?.containerStatuses?.[0]?.state.waiting as { reason: string } | undefined);
      assert.equal((await pollUntil('config error', waiting)).reason, 'CreateContainerConfigError');
      await call(sim.url, 'POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'solo-settings' }, data: { a: 'b' } });
      await pollUntil('running', async () => (await call(sim.url, 'GET', '/api/v1/namespaces/default/pods/solo')).body.status?.phase === 'Running');
    });

    it('forgets a blocked pod that is deleted', async () => {
      const env = [{ name: 'X', valueFrom: { secretKeyRef: { name: 'never', key: 'k' } } }];
      await call(sim.url, 'POST', '/apis/apps/v1/namespaces/default/deployments', deployment('gone-app', { containers: [{ name: 'c', image: 'i', env }] }));
      await pollUntil('config error', () => waitingOf('gone-app'));
      const [blocked] = await podsOf('gone-app');
      assert.ok(sim.kubelet.waitingPods().includes(`default/${blocked!.metadata.name}`));
      await call(sim.url, 'DELETE', '/apis/apps/v1/namespaces/default/deployments/gone-app');
      await pollUntil('pods gone', async () => (await podsOf('gone-app')).length === 0);
      await call(sim.url, 'POST', '/api/v1/namespaces/default/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'never' }, stringData: { k: 'v' } });
      await sim.settle();
      assert.deepEqual(await podsOf('gone-app'), []);
      assert.ok(!sim.kubelet.waitingPods().includes(`default/${blocked!.metadata.name}`));
    });
  });
});
