// Per-test setup shared by the identity suites: the AWS test environment, a local EKS API on
// loopback and a harness (kube-sim or the real control plane) whose operator talks to it, both
// stopped after each test.
import type { BackendName } from '../../../../test/backends.ts';
import { startHarness, waitFor, type Harness } from '../../../../test/harness.ts';
import { useStubAwsEnv } from './aws-env.ts';
import { startEksStub, type EksStub } from './eks-stub.ts';

export interface EksClusterOptions {
  /** EKS clusters the local API knows. */
  clusters: string[];
  /** Extra manifests (fixture CRDs) for the API server. */
  manifests?: string[];
  /** Extra operator flags, after the EKS endpoint, region and a 1 s resync. */
  flags?: string[];
}

/** waitFor, generously: on the real control plane pods, rollouts and the garbage collector take real time on a busy machine. */
export const patient: typeof waitFor = (what, probe, timeoutMs = 120_000) => waitFor(what, probe, timeoutMs);

/** Call inside a describe(); returns start(), usable once per test. */
export function useEksCluster(backend: BackendName = 'kube-sim'): (opts: EksClusterOptions) => Promise<{ h: Harness; stub: EksStub }> {
  useStubAwsEnv();
  let h: Harness | undefined;
  let stub: EksStub | undefined;
  afterEach(async () => {
    await h?.stop();
    await stub?.stop();
    h = undefined;
    stub = undefined;
  });
  return async (opts) => {
    stub = await startEksStub({ clusters: opts.clusters });
    h = await startHarness({
      backend,
      ...(opts.manifests ? { manifests: opts.manifests } : {}),
      operatorFlags: ['--eks-endpoint', stub.url, '--aws-region', 'us-west-2', '--resync-period', '1s', ...(opts.flags ?? [])],
    });
    return { h, stub };
  };
}
