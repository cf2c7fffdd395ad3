// Faults and leadership: every McpServer converges through injected API errors and broken
// watches (kube-sim), and only the leader of two operator replicas writes (real Leases on both backends).
import assert from 'node:assert/strict';
import { describeOnBackends } from './backends.ts';
import { startHarness, utilityServer, waitFor, type Harness } from './harness.ts';

async function allReady(h: Harness, names: [string, string][], timeoutMs = 60_000) {
  try {
    await waitFor(`${names.length} McpServers Ready`, async () => {
      for (const [ns, name] of names) if ((await h.condition(ns, name, 'Ready'))?.status !== 'True') return undefined;
      return true;
    }, timeoutMs);
  } catch (error) {
    // Say which ones are stuck and why, so a failure on a busy machine can be diagnosed.
    const states = await Promise.all(names.map(async ([ns, name]) => `${ns}/${name}: ${JSON.stringify((await h.mcpServer(ns, name).catch(() => undefined))?.status?.conditions?.map((c) => [c.type, c.status, c.message]))}`));
    throw new Error(`${(error as Error).message}\n${states.join('\n')}`, { cause: error });
  }
}

describe('operator resilience against kube-sim', function () {
  this.timeout(120_000);
  let h: Harness;
  afterEach(async () => h?.stop());

  it('converges every McpServer through injected 500s, 429s, 409s, dropped, expired and silent watches', async () => {
    h = await startHarness({ operatorFlags: ['--watch-stall-timeout', '1500ms', '--resync-period', '0'] });
    const faults = h.sim.faults;
    faults.addError({ userAgent: 'mcpfleet-operator', verb: 'patch', code: 500, rate: 0.3 });
    faults.addError({ userAgent: 'mcpfleet-operator', verb: 'get', code: 429, rate: 0.2, retryAfterSeconds: 1 });
    faults.addError({ userAgent: 'mcpfleet-operator', verb: 'patch', resource: 'deployments.apps', code: 409, times: 3 });
    faults.addWatchFault({ action: 'drop', afterEvents: 3, times: 4 });
    faults.addWatchFault({ action: 'gone', resource: 'mcpservers.mcpfleet.dev', afterEvents: 2, times: 2 });
    const names: [string, string][] = [];
    for (let i = 0; i < 6; i++) {
      const ns = i % 2 === 0 ? 'team-a' : 'team-b';
      await h.apply(utilityServer(`s${i}`, ns));
      names.push([ns, `s${i}`]);
    }
    // A watch that goes quiet without closing: the watchdog must notice and re-watch.
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(faults.silenceActiveWatches() > 0, 'there were watches to silence');
    await h.apply(utilityServer('late', 'team-a'));
    names.push(['team-a', 'late']);
    await allReady(h, names);
    const restarts = (await h.operator.metrics.registry.getSingleMetric('mcpfleet_informer_restarts_total')!.get()).values as { labels: { reason: string }; value: number }[];
    const reasons = new Set(restarts.filter((r) => r.value > 0).map((r) => r.labels.reason));
    assert.ok(reasons.has('stall'), `the watchdog restarted a silent watch (restarts: ${JSON.stringify(restarts)})`);
    assert.ok(reasons.has('expired'), 'an expired watch was relisted');
    const errors = ((await h.operator.metrics.registry.getSingleMetric('mcpfleet_reconcile_errors_total')!.get()).values as { value: number }[]).reduce((n, v) => n + v.value, 0);
    assert.ok(errors > 0, 'the injected errors did fail some reconciles');
  });
});

describeOnBackends('operator leadership and restarts', (backend) => {
  let h: Harness;
  afterEach(async () => h?.stop());

  it('lets only the leader write, and hands over when the leader goes away', async () => {
    h = await startHarness({ backend, startOperator: false });
    const flags = ['--leader-elect', '--lease-namespace', 'mcpfleet-system', '--lease-duration', '3s', '--renew-deadline', '2s', '--retry-period', '200ms'];
    const first = h.newOperator([...flags, '--leader-identity', 'first']);
    await first.start();
    await waitFor('first leads', () => first.isLeader() || undefined);
    const second = h.newOperator([...flags, '--leader-identity', 'second']);
    await second.start();
    await h.apply(utilityServer('led'));
    await allReady(h, [['team-a', 'led']]);
    assert.equal(second.isLeader(), false);
    const writesBySecond = () => h.accounting.select({ userAgent: 'mcpfleet-operator' }).filter((r) => r.userAgent.includes('second') && r.verb !== 'get' && r.verb !== 'list' && r.verb !== 'watch' && r.resource !== 'leases.coordination.k8s.io').length;
    assert.equal(writesBySecond(), 0, 'the standby wrote nothing but lease attempts');

    if (backend === 'kube-sim') {
      // The leader is cut off from the API server (as if its node died): it cannot renew, stops
      // leading at its renew deadline, and the standby takes the lease once it expires.
      const cutAt = Date.now();
      h.sim.faults.addError({ userAgent: 'mcpfleet-operator/first', code: 503 });
      await waitFor('second leads', () => second.isLeader() || undefined, 15_000);
      const handover = Date.now() - cutAt;
      assert.ok(handover < 3_000 + 2_000 + 2_000, `handover took ${handover} ms (lease 3 s)`);
      assert.equal(first.isLeader(), false, 'the cut-off leader stepped down');
    } else {
      // No fault injection on the real server: the leader shuts down and releases its Lease.
      await first.stop();
      await waitFor('second leads', () => second.isLeader() || undefined, 15_000);
    }
    await h.apply(utilityServer('after', 'team-b'));
    await allReady(h, [['team-b', 'after']]);
    assert.ok(writesBySecond() > 0, 'the new leader writes');

    // A graceful shutdown releases the lease, so a replacement leads at once.
    const third = h.newOperator([...flags, '--leader-identity', 'third']);
    await third.start();
    const releasedAt = Date.now();
    await second.stop();
    await waitFor('third leads', () => third.isLeader() || undefined, 10_000);
    assert.ok(Date.now() - releasedAt < 2_500, `released lease taken over in ${Date.now() - releasedAt} ms`);
  });
});

