// Opens the s3-summarizer server from the environment for the catalog registry.
import type { Logger } from '../kit/logger.ts';
import type { CatalogServer } from '../kit/tool.ts';
import { openBedrockRuntime, openS3 } from '../aws/lib/clients.ts';
import { parseS3SummarizerConfig } from './config.ts';
import { createServer } from './server.ts';

export async function openS3SummarizerServer(env: Record<string, string | undefined>, context: { logger: Logger; httpTimeoutMs: number }): Promise<CatalogServer> {
  const config = parseS3SummarizerConfig(env, context.httpTimeoutMs);
  context.logger.info('s3-summarizer configured', { region: config.connection.region, bucket: config.bucket, summaries: config.modelId ? `bedrock ${config.modelId}` : 'extractive' });
  return createServer({
    s3: openS3(config.connection),
    bedrock: openBedrockRuntime(config.connection),
    bucket: config.bucket,
    modelId: config.modelId,
    maxFileBytes: config.maxFileBytes,
    maxSummaryTokens: config.maxSummaryTokens,
    maxSentences: config.maxSentences,
  });
}
