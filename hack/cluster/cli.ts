// npm run cluster: builds the control plane when not cached, starts it on 127.0.0.1, prints the
// kubeconfig and waits; Ctrl-C (or SIGTERM) stops every process it started.
//   npm run cluster -- [--nodes N] [--kubeconfig FILE]
import { copyFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startCluster } from './src/cluster.ts';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { nodes: { type: 'string' }, kubeconfig: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log('usage: npm run cluster -- [--nodes N] [--kubeconfig FILE]');
    return;
  }
  const nodes = values.nodes === undefined ? 1 : Number(values.nodes);
  if (!Number.isInteger(nodes) || nodes < 0) throw new Error(`--nodes must be a non-negative integer, got "${values.nodes}"`);
  const cluster = await startCluster({ nodes, log: (line) => console.error(`[cluster] ${line}`) });
  let kubeconfig = cluster.kubeconfigPath;
  if (values.kubeconfig) {
    kubeconfig = resolve(values.kubeconfig);
    await copyFile(cluster.kubeconfigPath, kubeconfig);
  }
  console.log(`export KUBECONFIG=${kubeconfig}`);
  console.error(`[cluster] logs in ${cluster.dir}; Ctrl-C stops it`);
  const shutdown = () => void cluster.stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
