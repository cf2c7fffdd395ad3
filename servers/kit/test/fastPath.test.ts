// The kit's direct path for 2026-07-28 tools/call and tools/list must answer byte for byte like
// the SDK's HTTP entry. Two kits run the same catalog, one with the direct path and one without;
// every case sends the same raw request to both and compares status, headers (bar Date) and body,
// and checks which path served it. Legacy (2025) traffic must never take the direct path.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { Client } from '@modelcontextprotocol/client';
import type { TestServer } from '../testing.ts';
import { connectClient, startTestServer } from '../testing.ts';
import type { FixtureCounters } from './fixtures.ts';
import { fixtureServer } from './fixtures.ts';
import type { RawResponse } from './httpHelpers.ts';
import { pollUntil, rawRequest } from './httpHelpers.ts';

const MODERN = '2026-07-28';
const ENVELOPE = {
  'io.modelcontextprotocol/protocolVersion': MODERN,
  'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
  'io.modelcontextprotocol/clientCapabilities': {},
};

interface Case {
  title: string;
  body: unknown;
  headers: Record<string, string>;
  /** Whether the direct path should serve it (false: handed to the SDK entry). */
  direct: boolean;
}

function modernHeaders(method: string, name?: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': MODERN,
    'mcp-method': method,
    ...(name !== undefined && { 'mcp-name': name }),
    ...extra,
  };
}

function call(name: string, args: unknown, options: { id?: string | number; meta?: Record<string, unknown>; params?: Record<string, unknown> } = {}): unknown {
  return { jsonrpc: '2.0', id: options.id ?? 7, method: 'tools/call', params: { name, arguments: args, _meta: options.meta ?? ENVELOPE, ...options.params } };
}

const MODERN_CASES: Case[] = [
  { title: 'tools/list', body: { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: ENVELOPE } }, headers: modernHeaders('tools/list'), direct: true },
  { title: 'success', body: call('lookup', { word: 'abc' }), headers: modernHeaders('tools/call', 'lookup'), direct: true },
  { title: 'success with nested and unknown arguments', body: call('lookup', { word: 'abc', options: { a: 1 }, extra: true }), headers: modernHeaders('tools/call', 'lookup'), direct: true },
  { title: 'success with a default argument and a string id', body: call('increment', {}, { id: 'req-1' }), headers: modernHeaders('tools/call', 'increment'), direct: true },
  { title: 'tool error (ToolError)', body: call('lookup', { word: 'missing' }), headers: modernHeaders('tools/call', 'lookup'), direct: true },
  { title: 'tool error (unexpected exception)', body: call('lookup', { word: 'crash' }), headers: modernHeaders('tools/call', 'lookup'), direct: true },
  { title: 'tool error (output schema violated)', body: call('bad_output', {}), headers: modernHeaders('tools/call', 'bad_output'), direct: true },
  { title: 'invalid argument (constraint)', body: call('lookup', { word: '' }), headers: modernHeaders('tools/call', 'lookup'), direct: true },
  { title: 'invalid argument (type)', body: call('lookup', { word: 5 }), headers: modernHeaders('tools/call', 'lookup'), direct: true },
  { title: 'invalid argument (missing)', body: call('lookup', {}), headers: modernHeaders('tools/call', 'lookup'), direct: true },
  { title: 'invalid arguments (not an object)', body: call('lookup', 'word'), headers: modernHeaders('tools/call', 'lookup'), direct: true },
  { title: 'envelope with logLevel and extra _meta keys', body: call('lookup', { word: 'm' }, { meta: { ...ENVELOPE, 'io.modelcontextprotocol/logLevel': 'debug', progressToken: 'p1' } }), headers: modernHeaders('tools/call', 'lookup'), direct: true },
  { title: 'envelope without clientInfo', body: call('lookup', { word: 'n' }, { meta: { 'io.modelcontextprotocol/protocolVersion': MODERN, 'io.modelcontextprotocol/clientCapabilities': {} } }), headers: modernHeaders('tools/call', 'lookup'), direct: true },
  { title: 'Mcp-Name with surrounding whitespace', body: call('lookup', { word: 'w' }), headers: modernHeaders('tools/call', ' lookup\t'), direct: true },
  // Handed to the SDK entry, which answers (or rejects) them itself.
  { title: 'unknown tool', body: call('nope', {}), headers: modernHeaders('tools/call', 'nope'), direct: false },
  { title: 'Mcp-Name naming another tool', body: call('lookup', { word: 'a' }), headers: modernHeaders('tools/call', 'increment'), direct: false },
  { title: 'Mcp-Name missing', body: call('lookup', { word: 'a' }), headers: modernHeaders('tools/call'), direct: false },
  { title: 'Mcp-Name in Base64 form', body: call('lookup', { word: 'a' }), headers: modernHeaders('tools/call', `=?base64?${Buffer.from('lookup').toString('base64')}?=`), direct: false },
  { title: 'MCP-Protocol-Version header missing', body: call('lookup', { word: 'a' }), headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-method': 'tools/call', 'mcp-name': 'lookup' }, direct: false },
  { title: 'MCP-Protocol-Version header mismatch', body: call('lookup', { word: 'a' }), headers: modernHeaders('tools/call', 'lookup', { 'mcp-protocol-version': '2025-11-25' }), direct: false },
  { title: 'Mcp-Method header mismatch', body: call('lookup', { word: 'a' }), headers: modernHeaders('tools/list', 'lookup'), direct: false },
  { title: 'wrong Content-Type', body: call('lookup', { word: 'a' }), headers: modernHeaders('tools/call', 'lookup', { 'content-type': 'text/plain' }), direct: false },
  { title: 'invalid envelope', body: call('lookup', { word: 'a' }, { meta: { ...ENVELOPE, 'io.modelcontextprotocol/clientCapabilities': 'none' } }), headers: modernHeaders('tools/call', 'lookup'), direct: false },
  { title: 'unsupported modern revision', body: call('lookup', { word: 'a' }, { meta: { ...ENVELOPE, 'io.modelcontextprotocol/protocolVersion': '2099-01-01' } }), headers: modernHeaders('tools/call', 'lookup', { 'mcp-protocol-version': '2099-01-01' }), direct: false },
  { title: 'retry field (requestState)', body: call('lookup', { word: 'a' }, { params: { requestState: 'opaque' } }), headers: modernHeaders('tools/call', 'lookup'), direct: false },
  { title: 'invalid JSON-RPC id', body: { jsonrpc: '2.0', id: { no: 1 }, method: 'tools/call', params: { name: 'lookup', arguments: { word: 'a' }, _meta: ENVELOPE } }, headers: modernHeaders('tools/call', 'lookup'), direct: false },
];

function legacyCases(version: string): Case[] {
  const headers = (name?: string) => ({ 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': version, ...(name !== undefined && { 'mcp-method': 'tools/call', 'mcp-name': name }) });
  const legacyCall = (name: string, args: unknown) => ({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name, arguments: args } });
  return [
    { title: `${version} tools/list`, body: { jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} }, headers: headers(), direct: false },
    { title: `${version} success`, body: legacyCall('lookup', { word: 'abc' }), headers: headers('lookup'), direct: false },
    { title: `${version} tool error`, body: legacyCall('lookup', { word: 'missing' }), headers: headers('lookup'), direct: false },
    { title: `${version} invalid argument`, body: legacyCall('lookup', { word: 5 }), headers: headers('lookup'), direct: false },
  ];
}

/** Everything but the Date header, which differs by the clock alone. */
function comparable(response: RawResponse): { status: number; headers: Record<string, unknown>; body: string } {
  const { date: _date, ...headers } = response.headers;
  return { status: response.status, headers, body: response.body };
}

describe('kit direct path (2026-07-28 tools/call and tools/list)', function () {
  this.timeout(60_000);
  let direct: TestServer | undefined;
  let sdk: TestServer | undefined;
  const clients: Client[] = [];
  let sequence = 0;

  beforeEach(async () => {
    // Separate counters, same call sequence: tools that count answer the same on both.
    const directCounters: FixtureCounters = { lookups: 0, increments: 0 };
    const sdkCounters: FixtureCounters = { lookups: 0, increments: 0 };
    direct = await startTestServer(fixtureServer(directCounters, { slowMs: 30_000 }));
    sdk = await startTestServer(fixtureServer(sdkCounters, { slowMs: 30_000 }), {}, { fastPath: false });
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close().catch(() => {})));
    await direct?.close();
    await sdk?.close();
    direct = undefined;
    sdk = undefined;
  });

  async function both(testCase: Case): Promise<void> {
    assert.ok(direct?.kit.fastPath, 'the direct path is available with the installed SDK');
    assert.ok(sdk !== undefined && sdk.kit.fastPath === undefined, 'the comparison kit runs without the direct path');
    sequence += 1;
    // A fixed request id: error texts quote it.
    const headers = { ...testCase.headers, 'x-request-id': `diff-${sequence}` };
    const body = JSON.stringify(testCase.body);
    const servedBefore = direct.kit.fastPath.served;
    const viaDirect = await rawRequest(direct.url, { method: 'POST', headers, body });
    const viaSdk = await rawRequest(sdk.url, { method: 'POST', headers, body });
    assert.deepEqual(comparable(viaDirect), comparable(viaSdk), `${testCase.title}: responses differ`);
    assert.equal(direct.kit.fastPath.served - servedBefore, testCase.direct ? 1 : 0, `${testCase.title}: served by the ${testCase.direct ? 'SDK entry, expected the direct path' : 'direct path, expected the SDK entry'}`);
  }

  it('answers every 2026-07-28 case byte for byte like the SDK entry', async () => {
    for (const testCase of MODERN_CASES) await both(testCase);
    // Sanity: the comparison covered real answers, not two identical failures.
    const success = await rawRequest(direct!.url, { method: 'POST', headers: modernHeaders('tools/call', 'lookup'), body: JSON.stringify(call('lookup', { word: 'ok' })) });
    assert.equal(success.status, 200);
    const parsed = JSON.parse(success.body) as { result: { structuredContent: { word: string }; resultType: string; _meta: Record<string, unknown> } };
    assert.equal(parsed.result.structuredContent.word, 'OK');
    assert.equal(parsed.result.resultType, 'complete');
    assert.deepEqual(parsed.result._meta['io.modelcontextprotocol/serverInfo'], { name: 'fixture', version: '1.0.0' });
  });

  for (const version of ['2025-11-25', '2025-06-18']) {
    it(`leaves ${version} traffic to the SDK entry, with identical answers`, async () => {
      for (const testCase of legacyCases(version)) await both(testCase);
    });
  }

  for (const protocol of ['current', 'legacy'] as const) {
    it(`gives the MCP client the same results for success, tool error and invalid arguments (${protocol})`, async () => {
      const viaDirect = await connectClient(direct!.url, { protocol });
      const viaSdk = await connectClient(sdk!.url, { protocol });
      clients.push(viaDirect, viaSdk);
      const servedBefore = direct!.kit.fastPath!.served;
      const calls = [
        { name: 'lookup', arguments: { word: 'abc' } },
        { name: 'lookup', arguments: { word: 'missing' } },
        { name: 'lookup', arguments: { word: 'x'.repeat(50) } },
        { name: 'increment', arguments: { by: 2 } },
      ];
      for (const params of calls) {
        assert.deepEqual(await viaDirect.callTool(params), await viaSdk.callTool(params), JSON.stringify(params));
      }
      assert.deepEqual(await viaDirect.listTools(), await viaSdk.listTools());
      const served = direct!.kit.fastPath!.served - servedBefore;
      if (protocol === 'current') assert.ok(served >= calls.length + 1, `direct path served ${served} requests`);
      else assert.equal(served, 0);
    });
  }

  it('cancels the tool when the client goes away, on both paths', async () => {
    for (const kit of [direct!, sdk!]) {
      await new Promise<void>((resolve) => {
        const req = request(kit.url, { method: 'POST', headers: modernHeaders('tools/call', 'slow'), agent: false });
        req.on('error', () => resolve());
        req.end(JSON.stringify(call('slow', {})));
        // Give the call time to start, then hang up.
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 300);
      });
      await pollUntil(async () => {
        const text = await kit.kit.metrics.registry.getSingleMetricAsString('mcp_tool_calls_total');
        return /mcp_tool_calls_total\{tool="slow",outcome="tool_error"\} 1/.test(text);
      }, 'the cancelled slow call to be counted as a tool error');
    }
  });
});
