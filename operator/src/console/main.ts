// The MCP Fleet web console's entry point: against a cluster, acting with the kubeconfig's identity
// (or behind an authenticating proxy in a cluster). Serves the built frontend from --static-dir
// (default dist/console, which `npm run console` builds first); Ctrl-C stops it.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../observability/logger.ts';
import { CONSOLE_HELP, ConsoleConfigError, parseConsoleConfig } from './config.ts';
import { startConsole } from './console.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(CONSOLE_HELP);
    return 0;
  }
  let config;
  try {
    config = parseConsoleConfig(argv, process.env);
  } catch (error) {
    if (error instanceof ConsoleConfigError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`${(error as Error).message}\n\n${CONSOLE_HELP}`);
      return 2;
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel });
  if (config.mode === 'kubeconfig' && !['127.0.0.1', 'localhost', '::1'].includes(config.host)) {
    console.warn(`warning: listening on ${config.host} with your kubeconfig identity: anyone who reaches this address acts as you`);
  }
  const staticDir = config.staticDir ?? path.join(repoRoot, 'dist/console');
  if (!existsSync(path.join(staticDir, 'index.html'))) {
    console.error(`the console frontend is not built in ${staticDir}: run npm run build:console (npm run console builds it for you)`);
    return 2;
  }
  const running = await startConsole({ ...config, staticDir }, { logger });
  console.log(`MCP Fleet console: ${running.url}  (viewer: ${config.mode === 'kubeconfig' ? 'your kubeconfig identity' : config.mode})`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await running.stop();
  return 0;
}

process.exitCode = await main();
