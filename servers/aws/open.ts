// Opens the aws server from the environment for the catalog registry: parses its settings and
// builds the SDK clients (credentials resolve lazily from the default chain on the first call).
import type { Logger } from '../kit/logger.ts';
import type { CatalogServer } from '../kit/tool.ts';
import { parseAwsServerConfig } from './config.ts';
import { openBedrockRuntime, openEc2, openS3 } from './lib/clients.ts';
import { createServer } from './server.ts';

export async function openAwsServer(env: Record<string, string | undefined>, context: { logger: Logger; httpTimeoutMs: number }): Promise<CatalogServer> {
  const config = parseAwsServerConfig(env, context.httpTimeoutMs);
  context.logger.info('aws server configured', { region: config.connection.region, bedrockModels: config.bedrockModelIds, maxObjectBytes: config.maxObjectBytes });
  return createServer({
    s3: openS3(config.connection),
    ec2: openEc2(config.connection),
    bedrock: openBedrockRuntime(config.connection),
    maxObjectBytes: config.maxObjectBytes,
    bedrockModelIds: config.bedrockModelIds,
    bedrockMaxTokens: config.bedrockMaxTokens,
  });
}
