// The s3-summarizer server on the real kit, called by the real MCP client in both protocol
// revisions, against moto's S3 and the SigV4-verifying Bedrock Converse stub: Bedrock and
// extractive summaries, and each error case (missing key, empty, oversized, binary, throttled).
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { Client } from '@modelcontextprotocol/client';
import { ConfigError } from '../../kit/env.ts';
import { createLogger } from '../../kit/logger.ts';
import { rawRequest } from '../../kit/test/httpHelpers.ts';
import { connectClient, resultText, startTestServer, TEST_PROTOCOLS, type TestServer } from '../../kit/testing.ts';
import type { TestMoto } from '../../kit/testMoto.ts';
import { setTestAwsEnv, startTestMoto } from '../../kit/testMoto.ts';
import type { BedrockStub } from '../../aws/test/bedrockStub.ts';
import { startBedrockStub } from '../../aws/test/bedrockStub.ts';
import { ARTICLE, PNG_BYTES, seedBucket } from '../../aws/test/s3Fixtures.ts';
import { parseS3SummarizerConfig } from '../config.ts';
import { extractiveSummary, sentencesOf } from '../lib/extractive.ts';
import { openS3SummarizerServer } from '../open.ts';

const MODEL = 'anthropic.claude-3-haiku-20240307-v1:0';
const API_KEY = 'summarizer-key-6d2f91';

interface ToolResult {
  isError?: boolean;
  content?: unknown;
  structuredContent?: Record<string, unknown>;
}

async function open(env: Record<string, string>, kitEnv: Record<string, string> = {}): Promise<TestServer> {
  const sink = new PassThrough();
  sink.resume();
  const logger = createLogger({ level: 'error', stream: sink });
  return startTestServer(await openS3SummarizerServer({ AWS_REGION: 'us-west-2', ...env }, { logger, httpTimeoutMs: 5000 }), kitEnv);
}

describe('s3-summarizer over MCP HTTP (moto + Bedrock stub)', function () {
  this.timeout(120_000);
  let moto: TestMoto;
  let bedrock: BedrockStub;
  let restoreEnv: () => void;
  let withModel: TestServer;
  let extractive: TestServer;

  before(async () => {
    restoreEnv = setTestAwsEnv();
    moto = await startTestMoto();
    bedrock = await startBedrockStub({ accessKeyId: 'AKIDMOTOTEST', secretAccessKey: 'moto-test-secret', region: 'us-west-2' });
    await seedBucket(moto.endpoint, 'uploads', {
      'test_file.txt': 'This is a test file for MCP server summarization. It contains some sample text that we want to summarize.',
      'docs/operators.txt': ARTICLE,
      'docs/blank.txt': '  \n ',
      'empty.txt': '',
      'huge.txt': 'word '.repeat(1000),
      'photo.png': PNG_BYTES,
    });
    const env = { AWS_ENDPOINT_URL_S3: moto.endpoint, AWS_ENDPOINT_URL_BEDROCK_RUNTIME: bedrock.endpoint, S3_FORCE_PATH_STYLE: 'true', S3_BUCKET_NAME: 'uploads', SUMMARIZER_MAX_FILE_BYTES: '4096', AWS_MAX_ATTEMPTS: '1' };
    // Behind an API key as in the example (its 10 req/s rate limit is the kit's, tested there: a
    // limit here would make these calls depend on the machine's speed).
    withModel = await open({ ...env, BEDROCK_MODEL_ID: MODEL, SUMMARY_MAX_TOKENS: '300' }, { API_KEYS: API_KEY });
    extractive = await open({ ...env, SUMMARY_MAX_SENTENCES: '2' });
  });

  after(async () => {
    await withModel?.close();
    await extractive?.close();
    await bedrock?.close();
    await moto?.close();
    restoreEnv?.();
  });

  it('refuses calls without the API key', async () => {
    const response = await rawRequest(withModel.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{}' });
    assert.equal(response.status, 401);
  });

  for (const protocol of TEST_PROTOCOLS) {
    describe(`protocol ${protocol}`, () => {
      let modelClient: Client;
      let plainClient: Client;
      before(async () => {
        modelClient = await connectClient(withModel.url, { protocol, headers: { 'x-api-key': API_KEY } });
        plainClient = await connectClient(extractive.url, { protocol });
      });
      after(async () => {
        await modelClient?.close();
        await plainClient?.close();
      });
      const call = async (client: Client, name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as ToolResult;

      it('lists its two tools', async () => {
        const { tools } = await modelClient.listTools();
        assert.deepEqual(tools.map((tool) => tool.name).sort(), ['list_files', 'summarize_file']);
      });

      it('list_files lists the bucket, by prefix and page', async () => {
        const all = await call(plainClient, 'list_files', {});
        assert.ok(!all.isError, resultText(all));
        assert.equal((all.structuredContent!.objects as unknown[]).length, 6);
        const docs = await call(plainClient, 'list_files', { prefix: 'docs/', max_files: 1 });
        assert.deepEqual((docs.structuredContent!.objects as { key: string }[]).map((o) => o.key), ['docs/blank.txt']);
        const next = await call(plainClient, 'list_files', { prefix: 'docs/', max_files: 1, continuation_token: docs.structuredContent!.next_continuation_token });
        assert.deepEqual((next.structuredContent!.objects as { key: string }[]).map((o) => o.key), ['docs/operators.txt']);
      });

      it('summarize_file asks the configured Bedrock model', async () => {
        const before = bedrock.calls.length;
        const result = await call(modelClient, 'summarize_file', { file_key: 'test_file.txt' });
        assert.ok(!result.isError, resultText(result));
        assert.equal(result.structuredContent!.method, 'bedrock');
        assert.equal(result.structuredContent!.model_id, MODEL);
        assert.match(result.structuredContent!.summary as string, /^stub answer from anthropic/);
        const sent = bedrock.calls.slice(before);
        assert.equal(sent.length, 1);
        assert.match(sent[0]!.prompt, /This is a test file for MCP server summarization/);
        assert.equal(sent[0]!.maxTokens, 300);
      });

      it('summarize_file without a model extracts the most representative sentences', async () => {
        const before = bedrock.calls.length;
        const result = await call(plainClient, 'summarize_file', { file_key: 'docs/operators.txt' });
        assert.ok(!result.isError, resultText(result));
        assert.equal(result.structuredContent!.method, 'extractive');
        assert.equal(result.structuredContent!.model_id, null);
        const summary = result.structuredContent!.summary as string;
        assert.equal(sentencesOf(summary).length, 2);
        assert.ok(sentencesOf(summary).every((sentence) => ARTICLE.includes(sentence)), 'sentences come from the file verbatim');
        assert.equal(bedrock.calls.length, before, 'no model call');
      });

      it('summarize_file: missing, empty, oversized and binary files are clear tool errors', async () => {
        const missing = await call(plainClient, 'summarize_file', { file_key: 'non-existent.txt' });
        assert.equal(missing.isError, true);
        assert.match(resultText(missing), /No object "non-existent.txt" in bucket "uploads"; check the key with list_files/);
        for (const key of ['empty.txt', 'docs/blank.txt']) {
          const empty = await call(plainClient, 'summarize_file', { file_key: key });
          assert.equal(empty.isError, true);
          assert.match(resultText(empty), /is empty; there is nothing to summarise/);
        }
        const huge = await call(plainClient, 'summarize_file', { file_key: 'huge.txt' });
        assert.equal(huge.isError, true);
        assert.match(resultText(huge), /5000 bytes, over the 4096-byte limit/);
        const binary = await call(plainClient, 'summarize_file', { file_key: 'photo.png' });
        assert.match(resultText(binary), /is binary/);
        const blankKey = await call(plainClient, 'summarize_file', { file_key: '' });
        assert.equal(blankKey.isError, true);
      });

      it('summarize_file: a Bedrock throttle is a clear tool error', async () => {
        bedrock.mode = 'throttle';
        try {
          const result = await call(modelClient, 'summarize_file', { file_key: 'test_file.txt' });
          assert.equal(result.isError, true);
          assert.match(resultText(result), /AWS throttled the request to invoke Bedrock model .*ThrottlingException.*retry after a few seconds/);
        } finally {
          bedrock.mode = 'ok';
        }
      });
    });
  }

  it('extractive summaries are bounded on adversarial input', () => {
    const summary = extractiveSummary(`${'a. '.repeat(200_000)}${'x'.repeat(100_000)}`, { maxSentences: 3, maxChars: 100 });
    assert.ok(summary.length <= 100);
    assert.equal(extractiveSummary('One sentence only', { maxSentences: 3, maxChars: 4000 }), 'One sentence only');
  });

  it('configuration: bucket required and valid', () => {
    assert.throws(() => parseS3SummarizerConfig({ AWS_REGION: 'us-east-1' }, 5000), (error: unknown) => error instanceof ConfigError && /S3_BUCKET_NAME/.test(error.message));
    assert.throws(() => parseS3SummarizerConfig({ AWS_REGION: 'us-east-1', S3_BUCKET_NAME: 'Bad_Name' }, 5000), /S3_BUCKET_NAME/);
    const config = parseS3SummarizerConfig({ AWS_REGION: 'us-east-1', S3_BUCKET_NAME: 'mcp-dev-files' }, 5000);
    assert.equal(config.modelId, undefined);
    assert.equal(config.maxFileBytes, 1024 * 1024);
  });
});
