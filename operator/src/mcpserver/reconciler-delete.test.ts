import assert from 'node:assert/strict';
import type { Applier } from '../kube/apply.ts';
import type { KubeClient } from '../kube/client.ts';
import { KubeApiError } from '../kube/errors.ts';
import { captureLogs } from '../kube/test/helpers.ts';
import type { KubeObject } from '../kube/types.ts';
import type { EventRecorder } from './events.ts';
import { McpServerReconciler } from './reconciler.ts';
import type { Verifier } from './verifier.ts';

/** A McpServer deleted while its reconcile runs: the status write answers 404. */
function reconcilerWhoseStatusWriteFindsNothing(object: KubeObject, statusError: Error) {
  const events: unknown[] = [];
  const reconciler = new McpServerReconciler({
    client: {} as KubeClient,
    applier: {
      applyStatus: () => Promise.reject(statusError),
    } as unknown as Applier,
    handoffApplier: {} as Applier,
    cache: { mcpServer: () => object, child: () => undefined, ownedBy: () => [] },
    verifier: {} as Verifier,
    events: { conditionChanged: (...args: unknown[]) => Promise.resolve(void events.push(args)) } as unknown as EventRecorder,
    settings: { serversImage: { repository: 'ghcr.io/mcpfleet/servers', tag: '0.1.0' }, clusterDomain: 'cluster.local' },
  });
  return { reconciler, events };
}

const deletedInvalid: KubeObject = { apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', metadata: { name: 'gone', namespace: 'team-a', uid: 'u1', generation: 1 }, spec: { catalog: 'utility', replicas: -1 } };
const notFound = new KubeApiError({ statusCode: 404, method: 'PATCH', path: '/apis/mcpfleet.dev/v1alpha1/namespaces/team-a/mcpservers/gone/status', status: { kind: 'Status', code: 404, reason: 'NotFound', message: 'mcpservers "gone" not found' } });

describe('McpServer reconcile of an object deleted meanwhile', () => {
  it('ends quietly when the status write finds the object gone (a normal delete is not an error)', async () => {
    const { logger, lines } = captureLogs('debug');
    const { reconciler, events } = reconcilerWhoseStatusWriteFindsNothing(deletedInvalid, notFound);
    await reconciler.reconcile('team-a/gone', { logger, reconcileId: 'r1', signal: new AbortController().signal });
    assert.deepEqual(events, [], 'no Events for an object that no longer exists');
    assert.deepEqual(lines.filter((l) => l.level === 'error'), []);
  });

  it('still fails on any other status-write error (it is retried with backoff)', async () => {
    const { logger } = captureLogs('debug');
    const { reconciler } = reconcilerWhoseStatusWriteFindsNothing(deletedInvalid, new KubeApiError({ statusCode: 500, method: 'PATCH', path: '/x' }));
    await assert.rejects(reconciler.reconcile('team-a/gone', { logger, reconcileId: 'r2', signal: new AbortController().signal }), /HTTP 500/);
  });
});
