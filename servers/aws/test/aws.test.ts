// The aws server on the real kit, called by the real MCP client in both protocol revisions,
// against moto (S3, EC2) and the SigV4-verifying Bedrock Converse stub: every tool's success and
// error paths.
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/client';
import { connectClient, resultText, startTestServer, TEST_PROTOCOLS, type TestServer } from '../../kit/testing.ts';
import type { TestMoto } from '../../kit/testMoto.ts';
import { setTestAwsEnv, startTestMoto } from '../../kit/testMoto.ts';
import { ConfigError } from '../../kit/env.ts';
import { parseAwsServerConfig } from '../config.ts';
import { openAwsServer } from '../open.ts';
import { createLogger } from '../../kit/logger.ts';
import { PassThrough } from 'node:stream';
import type { BedrockStub } from './bedrockStub.ts';
import { startBedrockStub } from './bedrockStub.ts';
import { PNG_BYTES, seedBucket } from './s3Fixtures.ts';

const MODEL = 'anthropic.claude-3-haiku-20240307-v1:0';

interface ToolResult {
  isError?: boolean;
  content?: unknown;
  structuredContent?: Record<string, unknown>;
}

function quietLogger() {
  const sink = new PassThrough();
  sink.resume();
  return createLogger({ level: 'error', stream: sink });
}

async function openWith(env: Record<string, string>): Promise<TestServer> {
  return startTestServer(await openAwsServer({ AWS_REGION: 'us-west-2', ...env }, { logger: quietLogger(), httpTimeoutMs: 5000 }));
}

describe('aws server over MCP HTTP (moto + Bedrock stub)', function () {
  this.timeout(120_000);
  let moto: TestMoto;
  let bedrock: BedrockStub;
  let restoreEnv: () => void;
  let server: TestServer;
  let wrongSecret: TestServer;
  let noModels: TestServer;

  before(async () => {
    restoreEnv = setTestAwsEnv();
    moto = await startTestMoto();
    bedrock = await startBedrockStub({ accessKeyId: 'AKIDMOTOTEST', secretAccessKey: 'moto-test-secret', region: 'us-west-2', slowMs: 4000 });
    await seedBucket(moto.endpoint, 'reports', {
      'notes/a.txt': 'alpha',
      'notes/b.txt': 'bravo',
      'notes/c.txt': 'charlie',
      'notes/deep/d.txt': 'delta',
      'notes/e.txt': 'echo',
      'readme.md': '# Reports\nGrüße aus S3 — UTF-8 text.\n',
      'empty.txt': '',
      'big.txt': 'x'.repeat(2048),
      'image.png': PNG_BYTES,
    });
    const env = { AWS_ENDPOINT_URL_S3: moto.endpoint, AWS_ENDPOINT_URL_EC2: moto.endpoint, AWS_ENDPOINT_URL_BEDROCK_RUNTIME: bedrock.endpoint, S3_FORCE_PATH_STYLE: 'true', AWS_MAX_OBJECT_BYTES: '1024', BEDROCK_MODEL_IDS: `${MODEL},missing.model-v1`, BEDROCK_MAX_TOKENS: '512', AWS_MAX_ATTEMPTS: '1' };
    server = await openWith(env);
    noModels = await openWith({ ...env, BEDROCK_MODEL_IDS: '' });
    wrongSecret = await openWith(env);
  });

  after(async () => {
    await Promise.all([server, wrongSecret, noModels].map((s) => s?.close()));
    await bedrock?.close();
    await moto?.close();
    restoreEnv?.();
  });

  for (const protocol of TEST_PROTOCOLS) {
    describe(`protocol ${protocol}`, () => {
      let client: Client;
      const call = async (name: string, args: Record<string, unknown>, target: TestServer = server) => {
        const c = target === server ? client : await connectClient(target.url, { protocol });
        try {
          return (await c.callTool({ name, arguments: args })) as ToolResult;
        } finally {
          if (c !== client) await c.close();
        }
      };
      before(async () => {
        client = await connectClient(server.url, { protocol });
      });
      after(async () => {
        await client?.close();
      });

      it('lists the five tools with their annotations', async () => {
        const { tools } = await client.listTools();
        assert.deepEqual(tools.map((tool) => tool.name).sort(), ['get_object_text', 'invoke_model', 'list_buckets', 'list_objects', 'list_regions']);
        assert.equal(tools.find((tool) => tool.name === 'invoke_model')?.annotations?.readOnlyHint, false);
      });

      it('list_regions discovers regions through EC2 DescribeRegions', async () => {
        const result = await call('list_regions', {});
        assert.ok(!result.isError, resultText(result));
        const regions = result.structuredContent!.regions as { name: string; endpoint: string | null }[];
        assert.ok(regions.some((region) => region.name === 'us-west-2'));
        assert.ok(regions.some((region) => region.name === 'eu-west-1'));
        assert.equal(result.structuredContent!.count, regions.length);
      });

      it('list_buckets lists the buckets', async () => {
        const result = await call('list_buckets', {});
        assert.ok(!result.isError, resultText(result));
        assert.ok((result.structuredContent!.buckets as { name: string }[]).some((bucket) => bucket.name === 'reports'));
        assert.equal(result.structuredContent!.truncated, false);
      });

      it('list_objects pages through a prefix with continuation tokens', async () => {
        const keys: string[] = [];
        let token: string | undefined;
        for (let page = 0; page < 10; page += 1) {
          const result = await call('list_objects', { bucket: 'reports', prefix: 'notes/', max_keys: 2, ...(token && { continuation_token: token }) });
          assert.ok(!result.isError, resultText(result));
          const data = result.structuredContent!;
          keys.push(...(data.objects as { key: string }[]).map((object) => object.key));
          token = (data.next_continuation_token as string | null) ?? undefined;
          assert.equal(data.is_truncated, token !== undefined);
          if (!token) break;
        }
        assert.deepEqual(keys, ['notes/a.txt', 'notes/b.txt', 'notes/c.txt', 'notes/deep/d.txt', 'notes/e.txt']);
      });

      it('list_objects groups by a delimiter', async () => {
        const result = await call('list_objects', { bucket: 'reports', prefix: 'notes/', delimiter: '/' });
        assert.deepEqual(result.structuredContent!.common_prefixes, ['notes/deep/']);
        assert.equal((result.structuredContent!.objects as unknown[]).length, 4);
      });

      it('list_objects: a missing bucket and a malformed name are clear tool errors', async () => {
        const missing = await call('list_objects', { bucket: 'no-such-bucket' });
        assert.equal(missing.isError, true);
        assert.match(resultText(missing), /Bucket "no-such-bucket" does not exist/);
        const malformed = await call('list_objects', { bucket: 'Bad_Bucket' });
        assert.equal(malformed.isError, true);
        assert.match(resultText(malformed), /lowercase letters/);
        const tooMany = await call('list_objects', { bucket: 'reports', max_keys: 5000 });
        assert.equal(tooMany.isError, true);
      });

      it('get_object_text returns UTF-8 text, and empty objects as empty text', async () => {
        const result = await call('get_object_text', { bucket: 'reports', key: 'readme.md' });
        assert.ok(!result.isError, resultText(result));
        assert.equal(result.structuredContent!.text, '# Reports\nGrüße aus S3 — UTF-8 text.\n');
        assert.equal(result.structuredContent!.bytes, Buffer.byteLength('# Reports\nGrüße aus S3 — UTF-8 text.\n'));
        const empty = await call('get_object_text', { bucket: 'reports', key: 'empty.txt' });
        assert.equal(empty.structuredContent!.text, '');
      });

      it('get_object_text refuses binary, oversized and missing objects clearly', async () => {
        const binary = await call('get_object_text', { bucket: 'reports', key: 'image.png' });
        assert.equal(binary.isError, true);
        assert.match(resultText(binary), /is binary .*not UTF-8 text/);
        const big = await call('get_object_text', { bucket: 'reports', key: 'big.txt' });
        assert.equal(big.isError, true);
        assert.match(resultText(big), /2048 bytes, over the 1024-byte limit/);
        const missing = await call('get_object_text', { bucket: 'reports', key: 'nope.txt' });
        assert.equal(missing.isError, true);
        assert.match(resultText(missing), /No object "nope.txt" in bucket "reports"/);
        const control = await call('get_object_text', { bucket: 'reports', key: 'a\u0000b' });
        assert.equal(control.isError, true);
      });

      it('invoke_model calls Bedrock Converse with a valid SigV4 signature', async () => {
        bedrock.mode = 'ok';
        const before = bedrock.calls.length;
        const result = await call('invoke_model', { model_id: MODEL, prompt: 'Name three AWS regions.', system: 'Be brief.', max_tokens: 100 });
        assert.ok(!result.isError, resultText(result));
        assert.match(result.structuredContent!.text as string, /stub answer from anthropic\.claude-3-haiku-20240307-v1:0: Name three AWS regions\./);
        assert.equal(result.structuredContent!.stop_reason, 'end_turn');
        assert.deepEqual(bedrock.calls.slice(before), [{ modelId: MODEL, prompt: 'Name three AWS regions.', system: 'Be brief.', maxTokens: 100 }]);
        const defaulted = await call('invoke_model', { model_id: MODEL, prompt: 'hello' });
        assert.ok(!defaulted.isError);
        assert.equal(bedrock.calls.at(-1)!.maxTokens, 512, 'max_tokens defaults to the configured limit');
      });

      it('invoke_model refuses models off the allow-list without calling Bedrock', async () => {
        const before = bedrock.calls.length;
        const result = await call('invoke_model', { model_id: 'amazon.titan-text-express-v1', prompt: 'hi' });
        assert.equal(result.isError, true);
        assert.match(resultText(result), /not enabled on this server; use one of: anthropic/);
        const none = await call('invoke_model', { model_id: MODEL, prompt: 'hi' }, noModels);
        assert.equal(none.isError, true);
        assert.match(resultText(none), /No Bedrock models are enabled/);
        const tooMany = await call('invoke_model', { model_id: MODEL, prompt: 'hi', max_tokens: 513 });
        assert.equal(tooMany.isError, true);
        assert.equal(bedrock.calls.length, before);
      });

      it('invoke_model: throttling, outages, unknown models and bad signatures are clear tool errors', async () => {
        try {
          bedrock.mode = 'throttle';
          const throttled = await call('invoke_model', { model_id: MODEL, prompt: 'hi' });
          assert.equal(throttled.isError, true);
          assert.match(resultText(throttled), /AWS throttled the request to invoke Bedrock model .*ThrottlingException.*retry/);
          bedrock.mode = 'unavailable';
          const down = await call('invoke_model', { model_id: MODEL, prompt: 'hi' });
          assert.match(resultText(down), /could not invoke Bedrock model .*ServiceUnavailableException/);
        } finally {
          bedrock.mode = 'ok';
        }
        const unknown = await call('invoke_model', { model_id: 'missing.model-v1', prompt: 'hi' });
        assert.match(resultText(unknown), /Bedrock has no model "missing.model-v1"/);
        const rejectedBefore = bedrock.badSignatures;
        // The default chain resolves credentials on a client's first call: this one signs with another secret.
        process.env.AWS_SECRET_ACCESS_KEY = `wrong-secret-${protocol}`;
        let forged: ToolResult;
        try {
          forged = await call('invoke_model', { model_id: MODEL, prompt: 'hi' }, wrongSecret);
        } finally {
          process.env.AWS_SECRET_ACCESS_KEY = 'moto-test-secret';
        }
        assert.equal(forged.isError, true);
        assert.match(resultText(forged), /may not invoke Bedrock model .*InvalidSignatureException/);
        assert.equal(bedrock.badSignatures, rejectedBefore + 1, 'the stub really checks signatures');
      });
    });
  }

  it('a slow Bedrock answer becomes a timeout tool error, not a hung call', async () => {
    const env = { AWS_ENDPOINT_URL_BEDROCK_RUNTIME: bedrock.endpoint, BEDROCK_MODEL_IDS: MODEL, AWS_MAX_ATTEMPTS: '1' };
    const slow = await startTestServer(await openAwsServer({ AWS_REGION: 'us-west-2', ...env }, { logger: quietLogger(), httpTimeoutMs: 500 }));
    const client = await connectClient(slow.url);
    bedrock.mode = 'slow';
    try {
      const result = (await client.callTool({ name: 'invoke_model', arguments: { model_id: MODEL, prompt: 'hi' } })) as ToolResult;
      assert.equal(result.isError, true);
      assert.match(resultText(result), /did not answer in time|could not be reached|timed out/i);
    } finally {
      bedrock.mode = 'ok';
      await client.close();
      await slow.close();
    }
  });

  it('configuration: region required, every bad variable named', () => {
    assert.throws(() => parseAwsServerConfig({}, 5000), (error: unknown) => error instanceof ConfigError && /AWS_REGION: required/.test(error.message));
    assert.throws(
      () => parseAwsServerConfig({ AWS_REGION: 'us-east-1', AWS_MAX_OBJECT_BYTES: '0', AWS_ENDPOINT_URL_S3: 'ftp://x', S3_FORCE_PATH_STYLE: 'yes' }, 5000),
      (error: unknown) => error instanceof ConfigError && /AWS_MAX_OBJECT_BYTES/.test(error.message) && /AWS_ENDPOINT_URL_S3/.test(error.message) && /S3_FORCE_PATH_STYLE: must be true or false/.test(error.message),
    );
    const config = parseAwsServerConfig({ AWS_DEFAULT_REGION: 'eu-central-1', BEDROCK_MODEL_IDS: ' a , b ,' }, 2000);
    assert.equal(config.connection.region, 'eu-central-1');
    assert.deepEqual(config.bedrockModelIds, ['a', 'b']);
    assert.equal(config.connection.timeoutMs, 2000);
  });
});
