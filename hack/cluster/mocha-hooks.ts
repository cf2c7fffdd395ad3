// Mocha root hook: stops the shared real control plane (if a suite started one) after the run.
import { stopSharedCluster } from './src/shared.ts';

export const mochaHooks = {
  async afterAll(this: { timeout(ms: number): void }) {
    this.timeout(120_000);
    await stopSharedCluster();
  },
};
