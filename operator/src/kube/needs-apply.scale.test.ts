import assert from 'node:assert/strict';
import { needsApply } from './needs-apply.ts';
import type { FieldsV1, KubeObject } from './types.ts';

const MANAGER = 'mcpfleet-operator';
const ENTRIES = 3_000;

/** A FieldsV1 node that counts every property it is asked for (the cost of the diff). */
function counting(node: FieldsV1): { node: FieldsV1; reads: () => number } {
  let reads = 0;
  const proxy = new Proxy(node, {
    get(target, key, receiver) {
      reads++;
      return Reflect.get(target, key, receiver) as unknown;
    },
    getOwnPropertyDescriptor(target, key) {
      reads++;
      return Reflect.getOwnPropertyDescriptor(target, key);
    },
    ownKeys(target) {
      reads++;
      return Reflect.ownKeys(target);
    },
  });
  return { node: proxy, reads: () => reads };
}

function deploymentWithEnv(env: { name: string; value: string }[], envNode: FieldsV1): { desired: KubeObject; live: KubeObject } {
  const spec = { template: { spec: { containers: [{ name: 'server', image: 'img:1', env }] } } };
  const desired: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'big', namespace: 'a' }, spec };
  const live: KubeObject = {
    ...desired,
    metadata: {
      name: 'big',
      namespace: 'a',
      managedFields: [
        {
          manager: MANAGER,
          operation: 'Apply',
          apiVersion: 'apps/v1',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"server"}': { '.': {}, 'f:name': {}, 'f:image': {}, 'f:env': envNode } } } } } },
        },
      ],
    },
  };
  return { desired, live };
}

describe('needsApply on large lists', () => {
  it(`reads each element key of a ${ENTRIES}-entry env list a bounded number of times (linear, not quadratic)`, () => {
    const env = Array.from({ length: ENTRIES }, (_, i) => ({ name: `VAR_${i}`, value: `v${i}` }));
    const raw: FieldsV1 = {};
    for (const e of env) raw[`k:${JSON.stringify({ name: e.name })}`] = { '.': {}, 'f:name': {}, 'f:value': {} };
    const { node, reads } = counting(raw);
    const { desired, live } = deploymentWithEnv(env, node);
    assert.equal(needsApply(desired, live, MANAGER), false);
    // Indexing the node once and looking each element up costs a few reads per entry; matching
    // every element against every key costs ENTRIES² (9 million) reads.
    assert.ok(reads() < 20 * ENTRIES, `${reads()} reads of the env node for ${ENTRIES} entries`);
  });

  it('still finds the one element the manager does not own, and an owned element no longer desired', () => {
    const env = Array.from({ length: ENTRIES }, (_, i) => ({ name: `VAR_${i}`, value: `v${i}` }));
    const owned: FieldsV1 = {};
    for (const e of env.slice(0, -1)) owned[`k:${JSON.stringify({ name: e.name })}`] = { '.': {}, 'f:name': {}, 'f:value': {} };
    const missing = deploymentWithEnv(env, owned);
    assert.equal(needsApply(missing.desired, missing.live, MANAGER), true);

    const extra: FieldsV1 = { ...owned, 'k:{"name":"VAR_GONE"}': { '.': {}, 'f:name': {}, 'f:value': {} } };
    extra[`k:${JSON.stringify({ name: env.at(-1)!.name })}`] = { '.': {}, 'f:name': {}, 'f:value': {} };
    const stale = deploymentWithEnv(env, extra);
    assert.equal(needsApply(stale.desired, stale.live, MANAGER), true);
  });
});
