// Test helpers shared by every catalog server's tests: run a server definition on the real kit
// (loopback, ephemeral port) and talk to it with the real MCP client over Streamable HTTP, in
// either protocol era. Test-only module; nothing in production imports it.
import type { Writable } from 'node:stream';
import { PassThrough } from 'node:stream';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { parseKitConfig } from './config.ts';
import type { Logger } from './logger.ts';
import type { RunningHttpKit } from './runtime.ts';
import { startHttpKit } from './runtime.ts';
import type { CatalogServer } from './tool.ts';

/** 'current' = protocol revision 2026-07-28; 'legacy' = the 2025 initialize handshake. */
export type TestProtocol = 'current' | 'legacy';
export const TEST_PROTOCOLS: readonly TestProtocol[] = ['current', 'legacy'];
export const CURRENT_PROTOCOL_VERSION = '2026-07-28';

export interface TestServer {
  /** The MCP endpoint URL, e.g. http://127.0.0.1:41234/mcp */
  url: string;
  /** http://127.0.0.1:41234 (for /healthz, /readyz, /metrics) */
  baseUrl: string;
  /** The running kit (metrics registry, logger, drain state) for white-box assertions. */
  kit: RunningHttpKit;
  /** Drains and stops the server and closes the catalog server (idempotent). */
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** Capture JSON log lines (e.g. a PassThrough) instead of discarding them. */
  logStream?: Writable;
  logger?: Logger;
  /** false: every request through the SDK's HTTP entry instead of the kit's direct path. */
  fastPath?: boolean;
}

/** Logs are discarded unless MCPFLEET_TEST_LOGS=1, which sends them to stderr for debugging. */
export function defaultTestLogStream(): Writable {
  if (process.env.MCPFLEET_TEST_LOGS === '1') return process.stderr;
  const sink = new PassThrough();
  sink.resume();
  return sink;
}

/**
 * Starts `server` on 127.0.0.1 with an ephemeral port. `env` holds kit variables (API_KEYS,
 * CACHE_TTL_SECONDS, ...) on top of test defaults (LOG_LEVEL=error, DRAIN_TIMEOUT=5); logs are
 * discarded unless `options.logStream` is given or MCPFLEET_TEST_LOGS=1.
 */
export async function startTestServer(server: CatalogServer, env: Record<string, string> = {}, options: TestServerOptions = {}): Promise<TestServer> {
  const config = parseKitConfig({ LOG_LEVEL: 'error', DRAIN_TIMEOUT: '5', ...env, PORT: env.PORT ?? '0', HOST: env.HOST ?? '127.0.0.1' });
  const kit = await startHttpKit(server, config, {
    ...(options.logger && { logger: options.logger }),
    logStream: options.logStream ?? defaultTestLogStream(),
    defaultMetrics: true,
    ...(options.fastPath !== undefined && { fastPath: options.fastPath }),
  });
  return {
    url: kit.url,
    baseUrl: kit.baseUrl,
    kit,
    close: async () => {
      await kit.shutdown();
    },
  };
}

export interface ConnectOptions {
  protocol?: TestProtocol;
  /** Extra request headers on every call, e.g. { 'x-api-key': 'k1' } or { authorization: 'Bearer …' }. */
  headers?: Record<string, string>;
}

/** A connected MCP client (call `client.close()` in afterEach). Rejects when the handshake fails. */
export async function connectClient(url: string, options: ConnectOptions = {}): Promise<Client> {
  const protocol = options.protocol ?? 'current';
  const client = new Client(
    { name: 'mcpfleet-test-client', version: '1.0.0' },
    protocol === 'current' ? { versionNegotiation: { mode: { pin: CURRENT_PROTOCOL_VERSION } } } : {},
  );
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    ...(options.headers && { requestInit: { headers: options.headers } }),
  });
  await client.connect(transport);
  return client;
}

/** The single text block of a tool result (tools always return exactly one). */
export function resultText(result: { content?: unknown }): string {
  const content = result.content as { type: string; text?: string }[] | undefined;
  const first = content?.[0];
  if (first?.type !== 'text' || typeof first.text !== 'string') throw new Error(`expected a text block, got ${JSON.stringify(result.content)}`);
  return first.text;
}
