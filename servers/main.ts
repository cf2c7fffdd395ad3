#!/usr/bin/env node
// Entry point: `mcpfleet-server <catalog-name>` (npm run server -- <name>). Reads the kit and
// catalog settings from the environment, serves over Streamable HTTP (or stdio), and turns
// SIGTERM into a graceful drain. Exit codes: 0 clean stop, 1 runtime failure, 2 bad usage/config.
import { catalogNames, loadOpener } from './catalog.ts';
import { runServer } from './runServer.ts';

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: mcpfleet-server <catalog-name>   (one of: ${catalogNames().join(', ')})\n       mcpfleet-server proxy   (UPSTREAM_URL=http://127.0.0.1:3001/mcp)\n       mcpfleet-server install-stdio-bridge <dir>\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const name = process.argv[2];
  if (name === undefined || name.startsWith('-')) usage('missing catalog name');
  // Not catalog servers: the proxy sidecar of image servers, and the stdio bridge's installer.
  if (name === 'proxy') return (await import('./proxy/main.ts')).runProxy(process.env);
  if (name === 'install-stdio-bridge') return (await import('./stdio-bridge/install.ts')).runInstall(process.argv.slice(3));
  const opener = await loadOpener(name);
  if (opener === undefined) usage(`unknown catalog server "${name}"`);

  await runServer(name, opener);
}

main().catch((error: unknown) => {
  process.stderr.write(`mcpfleet-server: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
