// The aws server takes its credentials from the AWS SDK default chain, so IRSA and EKS Pod
// Identity work without any setting of ours: IRSA through moto's STS (AssumeRoleWithWebIdentity
// with a web identity token file), Pod Identity through a loopback credentials agent that checks
// the authorization token file, and a clear tool error when the chain finds nothing.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { createLogger } from '../../kit/logger.ts';
import { connectClient, resultText, startTestServer } from '../../kit/testing.ts';
import type { TestMoto } from '../../kit/testMoto.ts';
import { setTestAwsEnv, startTestMoto } from '../../kit/testMoto.ts';
import { openAwsServer } from '../open.ts';
import type { BedrockStub } from './bedrockStub.ts';
import { startBedrockStub } from './bedrockStub.ts';
import { seedBucket } from './s3Fixtures.ts';

const MODEL = 'amazon.nova-micro-v1:0';
const CHAIN_VARIABLES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ENDPOINT_URL_STS', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE'];

interface ToolResult {
  isError?: boolean;
  content?: unknown;
}

async function callOnce(env: Record<string, string>, name: string, args: Record<string, unknown>): Promise<ToolResult> {
  const sink = new PassThrough();
  sink.resume();
  const server = await startTestServer(await openAwsServer({ AWS_REGION: 'us-west-2', AWS_MAX_ATTEMPTS: '1', ...env }, { logger: createLogger({ level: 'error', stream: sink }), httpTimeoutMs: 5000 }));
  const client = await connectClient(server.url);
  try {
    return (await client.callTool({ name, arguments: args })) as ToolResult;
  } finally {
    await client.close();
    await server.close();
  }
}

describe('aws server credentials from the SDK default chain', function () {
  this.timeout(120_000);
  let moto: TestMoto;
  let restoreEnv: () => void;
  let dir: string;
  const saved: Record<string, string | undefined> = {};

  before(async () => {
    restoreEnv = setTestAwsEnv();
    moto = await startTestMoto();
    await seedBucket(moto.endpoint, 'irsa-bucket', { 'a.txt': 'a' });
    dir = mkdtempSync(path.join(tmpdir(), 'aws-chain-'));
    for (const name of CHAIN_VARIABLES) saved[name] = process.env[name];
  });

  beforeEach(() => {
    // Nothing but what each test sets: no static keys, no shared files.
    for (const name of CHAIN_VARIABLES) delete process.env[name];
    process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(dir, 'no-credentials');
    process.env.AWS_CONFIG_FILE = path.join(dir, 'no-config');
  });

  after(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    restoreEnv?.();
    await moto?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('IRSA: a web identity token file and a role ARN, exchanged at STS', async () => {
    writeFileSync(path.join(dir, 'web-identity-token'), 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6bWNwOmF3cyJ9.c2ln');
    process.env.AWS_ROLE_ARN = 'arn:aws:iam::123456789012:role/mcp-pod-role';
    process.env.AWS_WEB_IDENTITY_TOKEN_FILE = path.join(dir, 'web-identity-token');
    process.env.AWS_ENDPOINT_URL_STS = moto.endpoint;
    const result = await callOnce({ AWS_ENDPOINT_URL_S3: moto.endpoint, S3_FORCE_PATH_STYLE: 'true' }, 'list_objects', { bucket: 'irsa-bucket' });
    assert.ok(!result.isError, resultText(result));
    assert.match(resultText(result), /a\.txt/);
  });

  it('EKS Pod Identity: the container credentials agent with its authorization token', async () => {
    const podToken = 'pod-identity-token-41f2';
    writeFileSync(path.join(dir, 'eks-pod-identity-token'), podToken);
    const seen: (string | undefined)[] = [];
    const agent = createServer((req, res) => {
      seen.push(req.headers.authorization);
      if (req.headers.authorization !== podToken) {
        res.writeHead(401).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ AccessKeyId: 'ASIAPODIDENTITY', SecretAccessKey: 'pod-identity-secret', Token: 'pod-session', AccountId: '123456789012', Expiration: new Date(Date.now() + 3_600_000).toISOString() }));
    });
    await new Promise<void>((resolve) => agent.listen(0, '127.0.0.1', resolve));
    let bedrock: BedrockStub | undefined;
    try {
      bedrock = await startBedrockStub({ accessKeyId: 'ASIAPODIDENTITY', secretAccessKey: 'pod-identity-secret', region: 'us-west-2' });
      process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = `http://127.0.0.1:${(agent.address() as AddressInfo).port}/v1/credentials`;
      process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE = path.join(dir, 'eks-pod-identity-token');
      const result = await callOnce({ AWS_ENDPOINT_URL_BEDROCK_RUNTIME: bedrock.endpoint, BEDROCK_MODEL_IDS: MODEL }, 'invoke_model', { model_id: MODEL, prompt: 'hello from a pod' });
      assert.ok(!result.isError, resultText(result));
      assert.equal(bedrock.badSignatures, 0, 'signed with the agent credentials');
      assert.deepEqual(seen, [podToken]);
    } finally {
      await bedrock?.close();
      await new Promise<void>((resolve) => agent.close(() => resolve()));
    }
  });

  it('no credentials anywhere: a tool error that says how to bind a role', async () => {
    const result = await callOnce({ AWS_ENDPOINT_URL_S3: moto.endpoint, S3_FORCE_PATH_STYLE: 'true' }, 'list_buckets', {});
    assert.equal(result.isError, true);
    assert.match(resultText(result), /No AWS credentials were found .*identity\.aws/);
  });
});
