// `npm run demo`: the whole product on this machine. kube-sim stands in for the cluster, the
// operator reconciles the examples that need no cloud, the catalog servers run as local
// processes, and every server is verified over MCP. Ctrl-C stops everything.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatClientConfigs } from './client-config.ts';
import { startDemo } from './demo.ts';
import { watchNewServers } from './new-servers.ts';
import { startDemoConsole } from './console.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const workDir = path.join(repoRoot, '.cache/demo');
const exitWhenReady = process.argv.includes('--exit-when-ready');
mkdirSync(workDir, { recursive: true });

/** Runs the real kubectl asynchronously: kube-sim serves it from this same process. */
async function kubectl(kubeconfig: string, args: string[]): Promise<string> {
  const candidates = ['kubectl', path.join(repoRoot, '.cache/tools/bin/kubectl')];
  for (const bin of candidates) {
    try {
      const { stdout } = await promisify(execFile)(bin, ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8', timeout: 30_000 });
      return stdout.trimEnd();
    } catch (error) {
      const failure = error as NodeJS.ErrnoException & { stderr?: string };
      if (failure.code !== 'ENOENT') return `kubectl failed: ${failure.stderr ?? failure.message}`;
    }
  }
  return '(kubectl not found: run `export PATH="$(bash hack/tools.sh):$PATH"` to get it)';
}

const demo = await startDemo({ repoRoot, workDir });
if (!demo.serversBuilt) {
  console.log('The catalog servers (servers/main.ts) are not built yet: pods are simulated, nothing answers MCP, and no McpServer can become Ready.');
}
console.log('waiting for every McpServer to become Ready...');
const { ready, notReady } = await demo.waitUntilReady(120_000);
console.log('');
console.log(`kubeconfig: ${demo.sim.kubeconfigPath}`);
console.log(`  try: kubectl --kubeconfig ${demo.sim.kubeconfigPath} get mcp -A`);
console.log('');
console.log(await kubectl(demo.sim.kubeconfigPath, ['get', 'mcp', '-A']));
console.log('');
for (const server of demo.servers()) {
  const auth = server.apiKey ? `   (header x-api-key: ${server.apiKey})` : '';
  console.log(`${server.namespace}/${server.name} (${server.catalog}): ${server.urls.join(' ') || 'no replica running'}${auth}`);
}
console.log(`operator metrics: ${demo.operator.metricsUrl}/metrics   server logs: ${path.join(workDir, 'logs')}`);
const webConsole = await startDemoConsole({ repoRoot, sim: demo.sim, log: (line) => console.log(line) });
console.log(`web console: ${webConsole.url}`);
console.log('');
console.log(formatClientConfigs(demo.servers().filter((s) => s.urls.length > 0).map((s) => ({ name: s.name, url: s.urls[0]!, apiKey: s.apiKey }))));
if (!ready) console.log(`\nnot Ready after 120 s: ${notReady.join(', ')} (kubectl describe mcp shows why)`);

if (exitWhenReady || !existsSync('/dev/tty')) {
  await webConsole.stop();
  await demo.stop();
  process.exitCode = ready ? 0 : 1;
} else {
  console.log('\nrunning; press Ctrl-C to stop. McpServers you apply now get their local URL printed here once Ready.');
  const watch = watchNewServers(demo.sim, demo.applied.map((a) => `${a.namespace}/${a.name}`), (key, target) => {
    console.log(`\n${key} is Ready: ${target.url}${target.apiKey ? `   (header x-api-key: ${target.apiKey})` : ''}`);
    console.log(formatClientConfigs([target]));
  });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  watch.stop();
  console.log('stopping...');
  await webConsole.stop();
  await demo.stop();
}
