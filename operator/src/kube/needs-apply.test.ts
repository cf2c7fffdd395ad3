import assert from 'node:assert/strict';
import { explainNeedsApply, needsApply } from './needs-apply.ts';
import type { KubeObject } from './types.ts';

const MANAGER = 'mcpfleet-operator';

function desiredDeployment(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'weather',
      namespace: 'team-a',
      labels: { 'app.kubernetes.io/name': 'weather' },
      ownerReferences: [{ apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', name: 'weather', uid: 'u1', controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { 'app.kubernetes.io/instance': 'weather' } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/instance': 'weather' } },
        spec: { containers: [{ name: 'server', image: 'img:1', ports: [{ name: 'http', containerPort: 8080 }] }] },
      },
    },
  };
}

/** What kube-apiserver returns after applying desiredDeployment(): defaults, status, managedFields. */
function liveDeployment(): KubeObject {
  const d = desiredDeployment() as { metadata: Record<string, unknown>; spec: Record<string, unknown> };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      ...d.metadata,
      uid: 'd1',
      resourceVersion: '42',
      generation: 1,
      managedFields: [
        {
          manager: MANAGER,
          operation: 'Apply',
          apiVersion: 'apps/v1',
          fieldsType: 'FieldsV1',
          fieldsV1: {
            'f:metadata': { 'f:labels': { 'f:app.kubernetes.io/name': {} }, 'f:ownerReferences': { 'k:{"uid":"u1"}': {} } },
            'f:spec': {
              'f:replicas': {},
              'f:selector': {},
              'f:template': {
                'f:metadata': { 'f:labels': { 'f:app.kubernetes.io/instance': {} } },
                'f:spec': {
                  'f:containers': {
                    'k:{"name":"server"}': {
                      '.': {},
                      'f:image': {},
                      'f:name': {},
                      'f:ports': { 'k:{"containerPort":8080,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:name': {} } },
                    },
                  },
                },
              },
            },
          },
        },
        { manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'apps/v1', subresource: 'status', fieldsType: 'FieldsV1', fieldsV1: { 'f:status': { 'f:replicas': {} } } },
      ],
    },
    spec: {
      replicas: 2,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      selector: { matchLabels: { 'app.kubernetes.io/instance': 'weather' } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/instance': 'weather' } },
        spec: {
          containers: [
            { name: 'server', image: 'img:1', imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] },
          ],
          restartPolicy: 'Always',
          dnsPolicy: 'ClusterFirst',
        },
      },
    },
    status: { replicas: 2, readyReplicas: 2 },
  };
}

describe('needsApply', () => {
  it('is false when live already has every desired value and we own exactly those fields', () => {
    assert.equal(explainNeedsApply(desiredDeployment(), liveDeployment(), MANAGER), undefined);
    assert.equal(needsApply(desiredDeployment(), liveDeployment(), MANAGER), false);
  });

  it('is true when the object does not exist', () => {
    assert.equal(needsApply(desiredDeployment(), undefined, MANAGER), true);
  });

  it('is true when a desired value differs (image change)', () => {
    const desired = desiredDeployment() as { spec: { template: { spec: { containers: { image: string }[] } } } };
    desired.spec.template.spec.containers[0]!.image = 'img:2';
    assert.match(explainNeedsApply(desired as KubeObject, liveDeployment(), MANAGER) ?? '', /value differs at \.spec\.template\.spec\.containers\[0\]\.image/);
  });

  it('is true when desired adds a field (a new label) even if another manager set the same value', () => {
    const desired = desiredDeployment() as { metadata: { labels: Record<string, string> } };
    desired.metadata.labels['app.kubernetes.io/managed-by'] = 'mcpfleet';
    const live = liveDeployment() as { metadata: { labels: Record<string, string> } };
    live.metadata.labels['app.kubernetes.io/managed-by'] = 'mcpfleet';
    assert.match(explainNeedsApply(desired as KubeObject, live as KubeObject, MANAGER) ?? '', /field not owned by mcpfleet-operator: \.metadata\.labels\.app\.kubernetes\.io\/managed-by/);
  });

  it('is true when we own a field desired no longer sets (so the apply removes it)', () => {
    const desired = desiredDeployment() as { spec: Record<string, unknown> };
    delete desired.spec.replicas; // an autoscaler took over scaling
    assert.match(explainNeedsApply(desired as KubeObject, liveDeployment(), MANAGER) ?? '', /owns a field no longer desired: \.spec\.replicas/);
  });

  it('is true when our Apply entry is missing or for another apiVersion', () => {
    const live = liveDeployment();
    live.metadata!.managedFields = live.metadata!.managedFields!.filter((e) => e.manager !== MANAGER);
    assert.match(explainNeedsApply(desiredDeployment(), live, MANAGER) ?? '', /no managedFields Apply entry/);
    const otherVersion = liveDeployment();
    otherVersion.metadata!.managedFields![0]!.apiVersion = 'apps/v1beta2';
    assert.equal(needsApply(desiredDeployment(), otherVersion, MANAGER), true);
  });

  it('is true when a list gained an element (other manager added a container)', () => {
    const live = liveDeployment() as { spec: { template: { spec: { containers: unknown[] } } } };
    live.spec.template.spec.containers.push({ name: 'sidecar', image: 'x' });
    assert.match(explainNeedsApply(desiredDeployment(), live as KubeObject, MANAGER) ?? '', /value differs at \.spec\.template\.spec\.containers/);
  });

  it('ignores status for the main resource and checks only status for the status subresource', () => {
    const desired = { ...desiredDeployment(), status: { replicas: 99 } };
    assert.equal(needsApply(desired, liveDeployment(), MANAGER), false);
    const cr: KubeObject = {
      apiVersion: 'mcpfleet.dev/v1alpha1',
      kind: 'McpServer',
      metadata: {
        name: 'weather',
        namespace: 'team-a',
        generation: 3,
        managedFields: [
          { manager: MANAGER, operation: 'Apply', apiVersion: 'mcpfleet.dev/v1alpha1', subresource: 'status', fieldsType: 'FieldsV1', fieldsV1: { 'f:status': { 'f:observedGeneration': {}, 'f:conditions': {} } } },
          { manager: 'kubectl', operation: 'Apply', apiVersion: 'mcpfleet.dev/v1alpha1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:catalog': {} } } },
        ],
      },
      spec: { catalog: 'weather' },
      status: { observedGeneration: 3, conditions: [{ type: 'Ready', status: 'True', reason: 'Verified', lastTransitionTime: '2026-01-01T00:00:00Z' }] },
    };
    const statusBody = { apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', metadata: { name: 'weather', namespace: 'team-a' }, status: structuredClone(cr.status) };
    assert.equal(explainNeedsApply(statusBody, cr, MANAGER, { subresource: 'status' }), undefined, 'atomic list owned whole');
    (statusBody.status as { observedGeneration: number }).observedGeneration = 4;
    assert.equal(needsApply(statusBody, cr, MANAGER, { subresource: 'status' }), true);
  });

  it('treats an empty desired container as matching an absent live value', () => {
    const desired = desiredDeployment() as { metadata: Record<string, unknown> };
    desired.metadata.annotations = {};
    assert.equal(needsApply(desired as KubeObject, liveDeployment(), MANAGER), false);
  });

  it('matches set-style (v:) list elements', () => {
    const desired: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'n', finalizers: ['a/b'] } };
    const live: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'c',
        namespace: 'n',
        finalizers: ['a/b'],
        managedFields: [{ manager: MANAGER, operation: 'Apply', apiVersion: 'v1', fieldsV1: { 'f:metadata': { 'f:finalizers': { 'v:"a/b"': {} } } } }],
      },
    };
    assert.equal(explainNeedsApply(desired, live, MANAGER), undefined);
    live.metadata!.managedFields![0]!.fieldsV1 = { 'f:metadata': { 'f:finalizers': { 'v:"other"': {} } } };
    assert.equal(needsApply(desired, live, MANAGER), true);
  });
});
