// Which API servers the operator suites run against: kube-sim always; the real control plane
// (hack/cluster) when Go is there to build it. Without Go the real tier is skipped and says why,
// except under CI=true, where it must run: a missing Go fails the run instead.
import { goMissingReason } from '../../hack/cluster/src/binaries.ts';

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
