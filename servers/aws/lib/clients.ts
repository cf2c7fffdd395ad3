// Opens the SDK clients the AWS-backed servers use. Credentials come from the default chain
// (Pod Identity, IRSA, environment); an endpoint override only replaces the service URL.
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { EC2Client } from '@aws-sdk/client-ec2';
import { S3Client } from '@aws-sdk/client-s3';
import { awsClientOptions } from '../../kit/awsClients.ts';
import { traceAwsClient } from '../../kit/tracing/aws.ts';

export interface AwsEndpoints {
  s3: string | undefined;
  ec2: string | undefined;
  bedrockRuntime: string | undefined;
}

export interface AwsConnection {
  region: string;
  endpoints: AwsEndpoints;
  /** Path-style S3 URLs (bucket in the path), for S3-compatible stores and emulators. */
  s3ForcePathStyle: boolean;
  timeoutMs: number;
  maxAttempts: number;
}

export function openS3(connection: AwsConnection): S3Client {
  return traceAwsClient(new S3Client({ ...awsClientOptions({ ...connection, endpoint: connection.endpoints.s3 }), forcePathStyle: connection.s3ForcePathStyle }), connection.region);
}

export function openEc2(connection: AwsConnection): EC2Client {
  return traceAwsClient(new EC2Client(awsClientOptions({ ...connection, endpoint: connection.endpoints.ec2 })), connection.region);
}

export function openBedrockRuntime(connection: AwsConnection): BedrockRuntimeClient {
  return traceAwsClient(new BedrockRuntimeClient(awsClientOptions({ ...connection, endpoint: connection.endpoints.bedrockRuntime })), connection.region);
}
