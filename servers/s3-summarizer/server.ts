// The s3-summarizer catalog server: list_files and summarize_file over one S3 bucket, summaries
// from Bedrock or extractive. createServer wires dependencies only; clients open in open.ts.
import type { CatalogServer } from '../kit/tool.ts';
import type { SummarizerDeps } from './lib/summarize.ts';
import { listFilesTool } from './tools/list_files.ts';
import { summarizeFileTool } from './tools/summarize_file.ts';

export const S3_SUMMARIZER_VERSION = '0.1.0';

export function createServer(deps: SummarizerDeps): CatalogServer {
  return {
    name: 's3-summarizer',
    version: S3_SUMMARIZER_VERSION,
    instructions: `Summaries of the text files in the S3 bucket ${deps.bucket}: find a key with list_files, then call summarize_file with it.`,
    tools: [listFilesTool({ s3: deps.s3, bucket: deps.bucket }), summarizeFileTool(deps)],
    async close() {
      deps.s3.destroy();
      deps.bedrock.destroy();
    },
  };
}
