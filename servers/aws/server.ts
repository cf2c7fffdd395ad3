// The aws catalog server: region discovery (EC2), S3 listings and text reads, and Bedrock
// Runtime Converse on an allow-list of models. createServer wires dependencies only; the SDK
// clients are opened in open.ts.
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { S3Client } from '@aws-sdk/client-s3';
import type { CatalogServer } from '../kit/tool.ts';
import { getObjectTextTool } from './tools/get_object_text.ts';
import { invokeModelTool } from './tools/invoke_model.ts';
import { listBucketsTool } from './tools/list_buckets.ts';
import { listObjectsTool } from './tools/list_objects.ts';
import { listRegionsTool } from './tools/list_regions.ts';

export interface AwsServerDeps {
  s3: S3Client;
  ec2: EC2Client;
  bedrock: BedrockRuntimeClient;
  maxObjectBytes: number;
  bedrockModelIds: readonly string[];
  bedrockMaxTokens: number;
}

export const AWS_SERVER_VERSION = '0.1.0';

export function createServer(deps: AwsServerDeps): CatalogServer {
  return {
    name: 'aws',
    version: AWS_SERVER_VERSION,
    instructions: 'AWS tools under the server\'s own IAM role: list_regions, list_buckets, list_objects (paged), get_object_text (UTF-8 text objects only) and invoke_model (Bedrock, enabled models only).',
    tools: [
      listRegionsTool({ ec2: deps.ec2 }),
      listBucketsTool({ s3: deps.s3 }),
      listObjectsTool({ s3: deps.s3 }),
      getObjectTextTool({ s3: deps.s3, maxObjectBytes: deps.maxObjectBytes }),
      invokeModelTool({ bedrock: deps.bedrock, modelIds: deps.bedrockModelIds, maxTokens: deps.bedrockMaxTokens }),
    ],
    async close() {
      deps.s3.destroy();
      deps.ec2.destroy();
      deps.bedrock.destroy();
    },
  };
}
