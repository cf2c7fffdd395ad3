// The EKS adapter (real @aws-sdk/client-eks) and the association logic against the local stub.
import assert from 'node:assert/strict';
import { IDENTITY } from '../../../api/constants.ts';
import { EksApiError, createEksPodIdentityApi, type PodIdentityApi } from '../eks-api.ts';
import { PodIdentityAssociations } from '../pod-identity.ts';
import { useStubAwsEnv } from './aws-env.ts';
import { startEksStub, type EksStub } from './eks-stub.ts';

const ROLE = 'arn:aws:iam::123456789012:role/mcp-a';
const ROLE2 = 'arn:aws:iam::123456789012:role/mcp-b';
describe('EKS Pod Identity API adapter and associations (real AWS SDK against a local stub)', function () {
  this.timeout(30_000);
  useStubAwsEnv();
  let stub: EksStub;
  let api: PodIdentityApi;
  const owner = { uid: 'uid-1', namespace: 'team-a', name: 'wx' };
  const target = { clusterName: 'prod', namespace: 'team-a', serviceAccount: 'wx', roleArn: ROLE };

  beforeEach(async () => {
    stub = await startEksStub({ clusters: ['prod', 'staging'] });
    api = createEksPodIdentityApi({ endpoint: stub.url, maxAttempts: 1 });
  });
  afterEach(async () => stub?.stop());

  it('signs requests with the default-chain credentials and speaks every operation', async () => {
    const created = await api.create('prod', { namespace: 'team-a', serviceAccount: 'wx', roleArn: ROLE, tags: { k: 'v' } });
    assert.match(created.associationId, /^a-[a-z0-9]{17}$/);
    assert.equal(created.roleArn, ROLE);
    assert.deepEqual(created.tags, { k: 'v' });
    assert.deepEqual(await api.list('prod', 'team-a', 'wx'), [{ associationId: created.associationId, namespace: 'team-a', serviceAccount: 'wx' }]);
    assert.deepEqual(await api.list('prod', 'team-a', 'other'), []);
    assert.equal((await api.describe('prod', created.associationId))?.roleArn, ROLE);
    assert.equal((await api.updateRole('prod', created.associationId, ROLE2)).roleArn, ROLE2);
    assert.equal(await api.delete('prod', created.associationId), true);
    assert.equal(await api.delete('prod', created.associationId), false, 'already gone');
    assert.equal(await api.describe('prod', created.associationId), undefined);
    assert.ok(stub.calls.every((c) => c.accessKeyId === 'AKIDSTUBTEST'), 'every call carries the env credentials');
  });

  it('follows list pagination', async () => {
    for (let i = 0; i < 105; i++) stub.seed({ clusterName: 'prod', namespace: 'team-a', serviceAccount: `sa-${i}`, roleArn: ROLE, tags: {} });
    assert.equal((await api.list('prod', 'team-a')).length, 105);
    assert.equal(stub.count('ListPodIdentityAssociations'), 2);
  });

  it('turns AWS errors into EksApiError with the error name', async () => {
    await assert.rejects(api.list('nope', 'team-a'), (err: unknown) => err instanceof EksApiError && err.errorName === 'ResourceNotFoundException' && /No cluster found for name: nope/.test(err.message));
    stub.failNext('CreatePodIdentityAssociation', 1);
    await assert.rejects(api.create('prod', { namespace: 'team-a', serviceAccount: 'wx', roleArn: ROLE, tags: {} }), (err: unknown) => err instanceof EksApiError && err.errorName === 'ServerException' && err.statusCode === 500);
  });

  it('creates once, then changes nothing, updates the role, and moves between clusters', async () => {
    let now = 0;
    const associations = new PodIdentityAssociations({ api: () => api, now: () => now, reverifyAfterMs: 1_000 });
    const first = await associations.ensure(owner, target, undefined);
    assert.ok(first.ok && first.action === 'created');
    const recorded = first.association;
    const [held] = stub.associations();
    assert.equal(held?.tags[IDENTITY.ownerUidTag], 'uid-1');
    assert.equal(held?.tags[IDENTITY.ownerTag], 'team-a/wx');

    const callsBefore = stub.calls.length;
    const again = await associations.ensure(owner, target, recorded);
    assert.ok(again.ok && again.action === 'unchanged');
    assert.equal(stub.calls.length, callsBefore, 'a verified association is not asked about again within the interval');
    now = 5_000;
    const reverified = await associations.ensure(owner, target, recorded);
    assert.ok(reverified.ok && reverified.action === 'unchanged');
    assert.equal(stub.writes(), 1, 'only the create was a write');

    const updated = await associations.ensure(owner, { ...target, roleArn: ROLE2 }, recorded);
    assert.ok(updated.ok && updated.action === 'updated' && updated.association.associationId === recorded.associationId);
    assert.equal(stub.associations()[0]?.roleArn, ROLE2);

    const moved = await associations.ensure(owner, { ...target, clusterName: 'staging', roleArn: ROLE2 }, recorded);
    assert.ok(moved.ok && moved.action === 'created' && moved.staleDeleted === 1);
    assert.deepEqual(stub.associations().map((a) => a.clusterName), ['staging']);
  });

  it('never touches an association it did not create, and reports the conflict', async () => {
    const foreign = stub.seed({ clusterName: 'prod', namespace: 'team-a', serviceAccount: 'wx', roleArn: ROLE2, tags: { team: 'platform' } });
    const associations = new PodIdentityAssociations({ api: () => api });
    const result = await associations.ensure(owner, target, undefined);
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.message, new RegExp(`${foreign.associationId}.*did not create`));
    assert.equal(stub.writes(), 0);
    assert.equal(await associations.removeAll(owner, ['prod'], undefined), 0);
    assert.equal(stub.associations().length, 1, 'the foreign association is left alone');
  });

  it('removes every association of the owner, recorded or not, and only those', async () => {
    const associations = new PodIdentityAssociations({ api: () => api });
    const a = await associations.ensure(owner, target, undefined);
    assert.ok(a.ok);
    // Created just before a crash, never recorded: found by its owner tag.
    stub.seed({ clusterName: 'staging', namespace: 'team-a', serviceAccount: 'wx', roleArn: ROLE, tags: { [IDENTITY.ownerUidTag]: 'uid-1' } });
    stub.seed({ clusterName: 'prod', namespace: 'team-a', serviceAccount: 'someone-else', roleArn: ROLE, tags: {} });
    assert.equal(await associations.removeAll(owner, ['prod', 'staging'], a.association), 2);
    assert.deepEqual(stub.associations().map((x) => x.serviceAccount), ['someone-else']);
  });
});
