// Opens the filesystem server from the environment for the catalog registry (servers/catalog.ts).
// Roots are checked by /readyz (a volume may mount after start), not here.
import type { Logger } from '../kit/logger.ts';
import type { CatalogServer } from '../kit/tool.ts';
import { parseFilesystemConfig } from './config.ts';
import { createServer } from './server.ts';

export async function openFilesystemServer(env: Record<string, string | undefined>, context: { logger: Logger }): Promise<CatalogServer> {
  const config = parseFilesystemConfig(env);
  context.logger.info('filesystem roots', {
    roots: config.roots.map((root) => `${root.name}=${root.path}`),
    allowWrite: config.allowWrite,
  });
  return createServer({ config });
}
