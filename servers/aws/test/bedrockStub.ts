// Test-only loopback Bedrock Runtime: speaks the Converse wire format (POST
// /model/{modelId}/converse, restJson1 errors in x-amzn-ErrorType) and VERIFIES each request's
// SigV4 signature with the test credentials (@smithy/signature-v4), so a client that signs wrong,
// or with other credentials, gets the 403 the real service would send. moto does not emulate
// Converse, hence this stub. It speaks HTTP/2 (cleartext, prior knowledge) because the Bedrock
// Runtime client's default handler is HTTP/2, as against the real endpoint.
import { createServer } from 'node:http2';
import type { Http2ServerRequest as IncomingMessage, Http2ServerResponse as ServerResponse, ServerHttp2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

export type StubMode = 'ok' | 'throttle' | 'unavailable' | 'slow';

export interface ConverseCall {
  modelId: string;
  prompt: string;
  system: string | undefined;
  maxTokens: number | undefined;
}

export interface BedrockStub {
  endpoint: string;
  calls: ConverseCall[];
  /** Requests refused because their signature did not verify. */
  badSignatures: number;
  mode: StubMode;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendError(res: ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/` });
  res.end(JSON.stringify({ message }));
}

/** 20240102T030405Z → Date */
function parseAmzDate(value: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) throw new Error(`bad x-amz-date ${value}`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

async function signatureIsValid(req: IncomingMessage, body: Buffer, credentials: { accessKeyId: string; secretAccessKey: string }, region: string): Promise<boolean> {
  const authorization = req.headers.authorization ?? '';
  const parsed = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(authorization);
  if (!parsed || parsed[1] !== credentials.accessKeyId || parsed[2] !== region || parsed[3] !== 'bedrock') return false;
  const signedHeaders = parsed[4]!.split(';');
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    // HTTP/2 carries the signed host header as the :authority pseudo-header.
    const value = req.headers[name] ?? (name === 'host' ? req.headers[':authority'] : undefined);
    if (value === undefined) return false;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const url = new URL(req.url ?? '/', 'http://stub');
  const rawPath = (req.url ?? '/').split('?')[0]!;
  const signer = new SignatureV4({ credentials, region, service: 'bedrock', sha256: Sha256, applyChecksum: signedHeaders.includes('x-amz-content-sha256') });
  const signed = await signer.sign(
    { method: req.method ?? 'POST', protocol: 'http:', hostname: url.hostname, path: rawPath, query: Object.fromEntries(url.searchParams), headers, body },
    { signingDate: parseAmzDate(headers['x-amz-date'] ?? '') },
  );
  return signed.headers.authorization === authorization;
}

export async function startBedrockStub(options: { accessKeyId: string; secretAccessKey: string; region: string; slowMs?: number }): Promise<BedrockStub> {
  const state: BedrockStub = { endpoint: '', calls: [], badSignatures: 0, mode: 'ok', close: async () => {} };
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      if (!(await signatureIsValid(req, body, options, options.region).catch(() => false))) {
        state.badSignatures += 1;
        return sendError(res, 403, 'InvalidSignatureException', 'The request signature we calculated does not match the signature you provided.');
      }
      const match = /^\/model\/([^/]+)\/converse$/.exec((req.url ?? '').split('?')[0]!);
      if (req.method !== 'POST' || !match) return sendError(res, 404, 'UnknownOperationException', 'unknown operation');
      const modelId = decodeURIComponent(match[1]!);
      const request = JSON.parse(body.toString('utf8')) as { messages?: { content?: { text?: string }[] }[]; system?: { text?: string }[]; inferenceConfig?: { maxTokens?: number } };
      const prompt = (request.messages ?? []).flatMap((message) => message.content ?? []).map((block) => block.text ?? '').join('\n');
      state.calls.push({ modelId, prompt, system: request.system?.[0]?.text, maxTokens: request.inferenceConfig?.maxTokens });
      if (state.mode === 'throttle') return sendError(res, 429, 'ThrottlingException', 'Too many requests, please wait before trying again.');
      if (state.mode === 'unavailable') return sendError(res, 503, 'ServiceUnavailableException', 'Service is temporarily unavailable.');
      if (modelId.startsWith('missing.')) return sendError(res, 404, 'ResourceNotFoundException', 'Model not found.');
      if (state.mode === 'slow') await new Promise((resolve) => setTimeout(resolve, options.slowMs ?? 3000));
      const text = `stub answer from ${modelId}: ${prompt.replace(/\s+/g, ' ').slice(0, 80)}`;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          output: { message: { role: 'assistant', content: [{ text }] } },
          stopReason: 'end_turn',
          usage: { inputTokens: prompt.split(/\s+/).length, outputTokens: text.split(/\s+/).length, totalTokens: 0 },
          metrics: { latencyMs: 1 },
        }),
      );
    })().catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'InternalServerException', String(error));
    });
  });
  const sessions = new Set<ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const session of sessions) session.destroy();
    });
  return state;
}
