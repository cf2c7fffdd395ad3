import assert from 'node:assert/strict';
import type { V1Deployment } from '@kubernetes/client-node';
import { computeStatus, type StatusObservation } from './status.ts';

const T0 = '2026-11-22T00:00:00.000Z';
const base: StatusObservation = { generation: 1, missingReferences: [], url: 'http://u/mcp', selector: 'a=b' };
const cond = (s: ReturnType<typeof computeStatus>, type: string) => s.conditions!.find((c) => c.type === type)!;

/** A Deployment whose pods never became ready (e.g. CreateContainerConfigError). */
function stuck(replicas: number): V1Deployment {
  return {
    metadata: { generation: 1 },
    spec: { replicas, selector: {}, template: {} },
    status: { observedGeneration: 1, replicas, updatedReplicas: replicas, readyReplicas: 0, availableReplicas: 0, conditions: [{ type: 'Available', status: 'False' }] },
  } as V1Deployment;
}

describe('McpServer status names the real blocker', () => {
  it('a missing Secret: Ready says MissingReference and names it, not DeploymentProgressing', () => {
    const s = computeStatus(undefined, { ...base, deployment: stuck(1), missingReferences: ['Secret api-keys'] }, T0);
    assert.equal(cond(s, 'Ready').status, 'False');
    assert.equal(cond(s, 'Ready').reason, 'MissingReference');
    assert.match(cond(s, 'Ready').message, /^Secret api-keys does not exist; the pods cannot start until it is created$/);
    assert.equal(cond(s, 'Degraded').reason, 'MissingReference');
  });

  it('two missing references are both named', () => {
    const s = computeStatus(undefined, { ...base, deployment: stuck(1), missingReferences: ['ConfigMap settings', 'Secret api-keys'] }, T0);
    assert.match(cond(s, 'Ready').message, /^ConfigMap settings, Secret api-keys do not exist; the pods cannot start until they are created$/);
  });

  it('a settled scale to zero is Ready with reason ScaledToZero, and nothing serves (Available=False)', () => {
    const s = computeStatus(undefined, { ...base, deployment: stuck(0) }, T0);
    assert.deepEqual([cond(s, 'Ready').status, cond(s, 'Ready').reason], ['True', 'ScaledToZero']);
    assert.match(cond(s, 'Ready').message, /scaled to zero/);
    assert.deepEqual([cond(s, 'Available').status, cond(s, 'Available').reason], ['False', 'ScaledToZero']);
    assert.equal(cond(s, 'Degraded').status, 'False');
    assert.deepEqual([cond(s, 'Reconciling').status, cond(s, 'Stalled').status], ['False', 'False']);
  });

  it('a scale-down to zero with a pod still running, or not yet seen by the Deployment controller, is not settled', () => {
    const down = stuck(0);
    down.status!.replicas = 1;
    const s = computeStatus(undefined, { ...base, deployment: down }, T0);
    assert.deepEqual([cond(s, 'Ready').status, cond(s, 'Ready').reason], ['False', 'DeploymentProgressing']);
    assert.match(cond(s, 'Ready').message, /scaling down to zero: 1 replicas still running/);
    assert.equal(cond(s, 'Reconciling').status, 'True');
    const unseen = stuck(0);
    unseen.metadata!.generation = 2;
    assert.equal(cond(computeStatus(undefined, { ...base, deployment: unseen }, T0), 'Ready').status, 'False');
  });

  it('a scale to zero with a missing Secret is not Ready: the pods could not start when scaled up', () => {
    const s = computeStatus(undefined, { ...base, deployment: stuck(0), missingReferences: ['Secret api-keys'] }, T0);
    assert.deepEqual([cond(s, 'Ready').status, cond(s, 'Ready').reason], ['False', 'MissingReference']);
    assert.equal(cond(s, 'Stalled').status, 'True');
  });

  it('a brand-new invalid object does not claim that a last valid configuration keeps running', () => {
    const fresh = computeStatus(undefined, { ...base, invalid: { reason: 'InvalidSpec', message: 'spec.replicas: must be at most 1000' }, previouslyRunning: false }, T0);
    assert.equal(cond(fresh, 'Degraded').message, 'the spec is invalid; nothing runs until it is fixed');
    const edited = computeStatus(undefined, { ...base, invalid: { reason: 'InvalidSpec', message: 'x' }, previouslyRunning: true }, T0);
    assert.equal(cond(edited, 'Degraded').message, 'the spec is invalid; the last valid configuration keeps running');
  });
});
