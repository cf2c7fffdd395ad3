import assert from 'node:assert/strict';
import { Applier } from '../kube/apply.ts';
import { NotLeaderError } from '../kube/errors.ts';
import { ResourceResolver } from '../kube/resources.ts';
import { captureLogs, pollUntil } from '../kube/test/helpers.ts';
import { startTestCluster, type TestCluster } from '../kube/test/sim.ts';
import type { Lease } from './leader.ts';
import { LeaderElector, microTime, validateLeaderTimings } from './leader.ts';
import { createMetrics, METRIC_NAMES } from '../observability/metrics.ts';

interface Candidate {
  elector: LeaderElector;
  started: number;
  stopped: number;
}

describe('leader election', () => {
  it('formats MicroTime with microseconds and validates timings', () => {
    assert.equal(microTime(new Date('2026-01-02T03:04:05.678Z')), '2026-01-02T03:04:05.678000Z');
    assert.throws(() => validateLeaderTimings(10_000, 10_000, 2_000), /lease duration \(10000 ms\) must be greater than renew deadline/);
    assert.throws(() => validateLeaderTimings(15_000, 2_000, 2_000), /renew deadline \(2000 ms\) must be greater than 1.2 × retry period/);
    validateLeaderTimings(15_000, 10_000, 2_000);
  });

  describe('against kube-sim', function () {
    this.timeout(60_000);
    let cluster: TestCluster;
    const candidates: Candidate[] = [];
    let leaseCounter = 0;
    let leaseName: string;

    before(async () => {
      cluster = await startTestCluster();
    });
    after(async () => {
      await cluster?.stop();
    });
    beforeEach(() => {
      leaseName = `lease-${++leaseCounter}`;
      cluster.sim.faults.clear();
    });
    afterEach(async () => {
      for (const c of candidates.splice(0)) await c.elector.stop();
      cluster.sim.faults.clear();
    });

    function candidate(identity: string, timings: { leaseDurationMs: number; renewDeadlineMs: number; retryPeriodMs: number }, metrics = createMetrics({ defaultMetrics: false })): Candidate {
      const c: Candidate = { elector: undefined as unknown as LeaderElector, started: 0, stopped: 0 };
      c.elector = new LeaderElector({
        client: cluster.client(`elector-${identity}`, 2_000),
        namespace: 'team-a',
        name: leaseName,
        identity,
        ...timings,
        onStartedLeading: () => c.started++,
        onStoppedLeading: () => c.stopped++,
        logger: captureLogs('error').logger,
        metrics,
      });
      candidates.push(c);
      return c;
    }

    async function lease(): Promise<Lease | undefined> {
      return cluster.client().get<Lease>(`/apis/coordination.k8s.io/v1/namespaces/team-a/leases/${leaseName}`);
    }

    // Short enough for quick failover tests, long enough that a starved event loop on a busy
    // CI machine does not make a healthy leader miss its renew deadline.
    const fast = { leaseDurationMs: 4_000, renewDeadlineMs: 3_000, retryPeriodMs: 200 };

    it('elects exactly one leader; the other stands by, and a standby cannot write', async () => {
      const metrics = createMetrics({ defaultMetrics: false });
      const a = candidate('a', fast, metrics);
      const b = candidate('b', fast);
      a.elector.start();
      await pollUntil(() => a.elector.isLeader(), 'a to lead');
      b.elector.start();
      await pollUntil(() => b.elector.leader() === 'a', 'b to observe a');
      // Several retry periods later a still leads (renewing) and b still waits.
      const renewTime = (await lease())?.spec?.renewTime;
      await pollUntil(async () => (await lease())?.spec?.renewTime !== renewTime, 'a to renew');
      assert.equal(a.elector.isLeader(), true);
      assert.equal(b.elector.isLeader(), false);
      assert.equal(b.started, 0);
      assert.equal((await lease())?.spec?.holderIdentity, 'a');
      const value = (await metrics.registry.getSingleMetric(METRIC_NAMES.leaderStatus)?.get())?.values[0]?.value;
      assert.equal(value, 1);
      const client = cluster.client('standby');
      const standbyApplier = new Applier({ client, resources: new ResourceResolver({ client }), canWrite: () => b.elector.isLeader() });
      await assert.rejects(standbyApplier.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'team-a' } }), NotLeaderError);
    });

    it('hands over at once on graceful shutdown: stop() releases the lease', async () => {
      // A lease far longer than the test timeout: only a release lets b take over in time.
      const slow = { leaseDurationMs: 120_000, renewDeadlineMs: 60_000, retryPeriodMs: 200 };
      const a = candidate('a', slow);
      const b = candidate('b', slow);
      a.elector.start();
      await pollUntil(() => a.elector.isLeader(), 'a to lead');
      b.elector.start();
      await pollUntil(() => b.elector.leader() === 'a', 'b to observe a');
      await a.elector.stop();
      assert.equal(a.elector.isLeader(), false);
      assert.equal(a.stopped, 1);
      await pollUntil(() => b.elector.isLeader(), 'b to take over after the release');
      const l = await lease();
      assert.equal(l?.spec?.holderIdentity, 'b');
      assert.equal(l?.spec?.leaseTransitions, 1);
    });

    it('a leader that cannot renew stops leading at the renew deadline; the standby takes over after the lease expires', async () => {
      const a = candidate('a', fast);
      const b = candidate('b', fast);
      a.elector.start();
      await pollUntil(() => a.elector.isLeader(), 'a to lead');
      b.elector.start();
      await pollUntil(() => b.elector.leader() === 'a', 'b to observe a');
      // Cut a off from the API server (every request it makes now fails).
      cluster.sim.faults.addError({ userAgent: 'elector-a', code: 500 });
      await pollUntil(() => a.stopped === 1, 'a to stop leading');
      assert.equal(a.elector.isLeader(), false);
      await pollUntil(() => b.elector.isLeader(), 'b to take over');
      assert.equal((await lease())?.spec?.holderIdentity, 'b');
      // a comes back: it sees b's fresh lease and stays a standby.
      cluster.sim.faults.clear();
      await pollUntil(() => a.elector.leader() === 'b', 'a to observe b');
      assert.equal(a.elector.isLeader(), false);
      assert.equal(a.started, 1);
    });

    it('never has two leaders when candidates start together', async () => {
      const cs = ['p', 'q', 'r'].map((id) => candidate(id, fast));
      for (const c of cs) c.elector.start();
      await pollUntil(() => cs.some((c) => c.elector.isLeader()), 'a leader');
      for (let i = 0; i < 10; i++) {
        assert.ok(cs.filter((c) => c.elector.isLeader()).length <= 1, 'at most one leader');
        await new Promise((r) => setTimeout(r, 50));
      }
      const holder = (await lease())?.spec?.holderIdentity;
      assert.ok(cs.find((c) => c.elector.isLeader())?.elector.leader() === holder);
    });
  });
});
