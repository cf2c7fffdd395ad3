// `npm run console -- --kubeconfig …`: the MCP Fleet web console against a cluster, acting with
// the kubeconfig's identity. Builds the frontend first when needed; Ctrl-C stops it.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../observability/logger.ts';
import { CONSOLE_HELP, ConsoleConfigError, parseConsoleConfig } from './config.ts';
import { startConsole } from './console.ts';
import { ensureFrontend, frontendPaths } from './frontend-build.ts';

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
  const staticDir = config.staticDir ?? (await ensureFrontend(frontendPaths(repoRoot), path.join(here, 'api-types.ts'), (line) => console.log(line)));
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
