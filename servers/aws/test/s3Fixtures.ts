// Test-only: fills moto's S3 with the objects the aws and s3-summarizer tests read.
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

export const PNG_BYTES = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x01]);

export const ARTICLE =
  'Kubernetes operators encode operational knowledge as software. An operator watches custom resources and reconciles the cluster towards the declared state. ' +
  'The MCP Fleet operator runs tool servers for language models. Each tool server is declared as one McpServer resource. ' +
  'Autoscaling, identity and monitoring are derived from that one resource. Operators therefore replace hand-written deployment scripts.';

export async function seedBucket(endpoint: string, bucket: string, objects: Record<string, string | Buffer>): Promise<void> {
  const s3 = new S3Client({ region: 'us-west-2', endpoint, forcePathStyle: true, credentials: { accessKeyId: 'AKIDMOTOTEST', secretAccessKey: 'moto-test-secret' } });
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: 'us-west-2' } }));
    for (const [key, body] of Object.entries(objects)) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/octet-stream' }));
    }
  } finally {
    s3.destroy();
  }
}
