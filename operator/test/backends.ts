// Which API servers the operator suites run against: kube-sim always; the real control plane
// (hack/cluster) when Go is there to build it. Without Go the real tier is skipped and says why,
// except under CI=true, where it must run: a missing Go fails the run instead.
import { goMissingReason } from '../../hack/cluster/src/binaries.ts';
import { sharedCluster } from '../../hack/cluster/src/shared.ts';

export type BackendName = 'kube-sim' | 'real';

let announced = false;

/** Why the real tier does not run here, or undefined when it does. */
export function realTierSkipReason(): string | undefined {
  if (process.env.MCPFLEET_REAL_TIER === '0') return 'MCPFLEET_REAL_TIER=0';
  if (process.env.CI === 'true') return undefined; // CI never skips: a missing Go fails the tier's hooks.
  return goMissingReason();
}

/** The backends to run a suite on; prints once, plainly, when the real tier is skipped. */
export function testBackends(): BackendName[] {
  const reason = realTierSkipReason();
  if (reason !== undefined && !announced) {
    announced = true;
    console.log(`\n  real-cluster tier SKIPPED: ${reason}; the operator suites run on kube-sim only\n`);
  }
  return reason === undefined ? ['kube-sim', 'real'] : ['kube-sim'];
}

/**
 * describe() once per backend ("<title> on kube-sim", "<title> on the real control plane"); on the
 * real one a before hook first brings up the run's shared cluster (building it when not cached).
 */
export function describeOnBackends(title: string, body: (backend: BackendName) => void): void {
  for (const backend of testBackends()) {
    describe(`${title} on ${backend === 'real' ? 'the real control plane' : 'kube-sim'}`, function () {
      // The real control plane is slower (a real garbage collector, real rollouts) on a busy machine.
      this.timeout(backend === 'real' ? 240_000 : 90_000);
      if (backend === 'real') {
        before(async function () {
          this.timeout(90 * 60_000);
          await sharedCluster();
        });
      }
      body(backend);
    });
  }
}
