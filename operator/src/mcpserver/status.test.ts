import assert from 'node:assert/strict';
import type { V1Deployment } from '@kubernetes/client-node';
import { flippedConditions } from './conditions.ts';
import { computeStatus, type StatusObservation } from './status.ts';

const T0 = '2026-11-22T00:00:00.000Z';
const T1 = '2026-11-22T00:05:00.000Z';

function deployment(replicas: number, ready: number, generation = 1): V1Deployment {
  return {
    metadata: { generation },
    spec: { replicas, selector: {}, template: {} },
    status: {
      observedGeneration: generation,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: ready,
      availableReplicas: ready,
      conditions: [{ type: 'Available', status: ready > 0 ? 'True' : 'False' }],
    },
  } as V1Deployment;
}

const ok = { ok: true as const, generation: 1, at: T0, endpoint: 'http://x/mcp', server: { name: 'utility', version: '0.1.0', protocolVersion: '2026-07-28' }, tools: [{ name: 'kv_get', title: 'Get' }], toolCount: 1 };
const base: StatusObservation = { generation: 1, missingReferences: [], url: 'http://u/mcp', selector: 'a=b' };
const cond = (s: ReturnType<typeof computeStatus>, type: string) => s.conditions!.find((c) => c.type === type)!;

describe('McpServer status', () => {
  it('goes Available → Verified → Ready and records the server and its tools', () => {
    const waiting = computeStatus(undefined, { ...base, deployment: deployment(1, 0) }, T0);
    assert.equal(cond(waiting, 'Available').status, 'False');
    assert.equal(cond(waiting, 'Verified').status, 'Unknown');
    assert.equal(cond(waiting, 'Ready').status, 'False');
    const ready = computeStatus(waiting, { ...base, deployment: deployment(1, 1), verification: ok }, T1);
    assert.equal(cond(ready, 'Ready').status, 'True');
    assert.equal(cond(ready, 'Verified').reason, 'McpHandshakeSucceeded');
    assert.deepEqual(ready.server, ok.server);
    assert.equal(ready.toolCount, 1);
    assert.equal(ready.readyReplicas, 1);
    assert.equal(ready.observedGeneration, 1);
    assert.deepEqual(flippedConditions(waiting.conditions, ready.conditions!).map((c) => c.type).sort(), ['Available', 'Ready', 'Verified']);
  });

  it('is idempotent: the same observation later yields an identical status', () => {
    const first = computeStatus(undefined, { ...base, deployment: deployment(2, 2), verification: ok }, T0);
    const again = computeStatus(first, { ...base, deployment: deployment(2, 2), verification: { ...ok, at: T1 } }, T1);
    assert.deepEqual(again, first);
  });

  it('moves lastTransitionTime only when a status flips', () => {
    const a = computeStatus(undefined, { ...base, deployment: deployment(2, 2), verification: ok }, T0);
    const b = computeStatus(a, { ...base, deployment: deployment(2, 1), verification: ok }, T1);
    assert.equal(cond(b, 'Available').lastTransitionTime, T0, 'still available');
    assert.equal(cond(b, 'Degraded').status, 'True');
    assert.equal(cond(b, 'Degraded').reason, 'ReplicasUnavailable');
    assert.equal(cond(b, 'Degraded').lastTransitionTime, T1);
  });

  it('reports an invalid spec as Accepted=False and not Ready', () => {
    const s = computeStatus(undefined, { ...base, invalid: { reason: 'InvalidSpec', message: 'spec.replicas: must be 0 or more' } }, T0);
    assert.equal(cond(s, 'Accepted').status, 'False');
    assert.equal(cond(s, 'Accepted').message, 'spec.replicas: must be 0 or more');
    assert.equal(cond(s, 'Ready').status, 'False');
  });

  it('reports a failed handshake as Verified=False and Degraded', () => {
    const s = computeStatus(undefined, { ...base, deployment: deployment(1, 1), verification: { ok: false, generation: 1, at: T0, error: 'MCP handshake failed: 401', failures: 1 } }, T0);
    assert.equal(cond(s, 'Verified').status, 'False');
    assert.equal(cond(s, 'Ready').reason, 'McpHandshakeFailed');
    assert.equal(cond(s, 'Degraded').status, 'True');
  });

  it('keeps the last verification across an operator restart instead of flapping', () => {
    const verified = computeStatus(undefined, { ...base, deployment: deployment(1, 1), verification: ok }, T0);
    const restarted = computeStatus(verified, { ...base, deployment: deployment(1, 1) }, T1);
    assert.deepEqual(restarted, verified);
  });
});
