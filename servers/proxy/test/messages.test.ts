// Pure parts of the proxy and the tool policy: request policing, answer rewriting, the SSE
// rewriter, header forwarding, and the glob matcher under hostile patterns.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { ConfigError } from '../../kit/env.ts';
import { applyToolPolicy, globMatch, isExposed, parseToolPolicy, resolveToolCall } from '../../kit/toolPolicy.ts';
import { boundedToolLabels } from '../../kit/toolLabels.ts';
import { forwardedHeaders } from '../forward.ts';
import { policeRequest, policeResponse } from '../messages.ts';
import { SseRewriter } from '../sse.ts';

const policy = parseToolPolicy(JSON.stringify({ allow: ['get_*', 'echo', 'danger'], deny: ['get_secret*', 'danger'], overrides: { echo: { name: 'say', title: 'Say', annotations: { destructiveHint: false } } } }));

describe('tool policy', () => {
  it('matches globs with * and ?, anchored at both ends', () => {
    assert.ok(globMatch('get_*', 'get_weather'));
    assert.ok(globMatch('g?t_*r', 'got_weather'));
    assert.ok(!globMatch('get_*', 'xget_weather'));
    assert.ok(!globMatch('get', 'get_weather'));
    assert.ok(globMatch('*', ''));
    assert.ok(globMatch('a*b*c', 'aXXbYYc'));
  });

  it('stays fast on patterns that make backtracking regexes explode', () => {
    const started = process.hrtime.bigint();
    for (let i = 0; i < 200; i++) assert.ok(!globMatch('*a*a*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(128)));
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.ok(ms < 5_000, `200 hostile matches took ${ms} ms`);
  });

  it('deny wins over allow; no allow list exposes everything not denied', () => {
    assert.ok(isExposed(policy, 'get_weather'));
    assert.ok(!isExposed(policy, 'get_secret_key'));
    assert.ok(!isExposed(policy, 'danger'));
    assert.ok(!isExposed(policy, 'other'));
    assert.ok(isExposed(parseToolPolicy(undefined), 'anything'));
  });

  it('renames and re-describes; a renamed tool is callable only by its new name', () => {
    const listed = applyToolPolicy(policy, [{ name: 'echo', description: 'd', annotations: { readOnlyHint: true } }, { name: 'get_secret_key' }, { name: 'get_weather' }]);
    assert.deepEqual(listed, [
      { name: 'say', title: 'Say', description: 'd', annotations: { readOnlyHint: true, destructiveHint: false, title: 'Say' } },
      { name: 'get_weather' },
    ]);
    assert.equal(resolveToolCall(policy, 'say'), 'echo');
    assert.equal(resolveToolCall(policy, 'echo'), undefined);
    assert.equal(resolveToolCall(policy, 'get_secret_key'), undefined);
    assert.equal(resolveToolCall(policy, 'get_weather'), 'get_weather');
  });

  it('refuses malformed policies with a message naming TOOL_POLICY', () => {
    assert.throws(() => parseToolPolicy('{'), (e: unknown) => e instanceof ConfigError && /TOOL_POLICY/.test((e as Error).message));
    assert.throws(() => parseToolPolicy('{"deny":"x"}'), ConfigError);
    assert.throws(() => parseToolPolicy('{"overrides":{"a":{"name":"x"},"b":{"name":"x"}}}'), /same name/);
    assert.throws(() => parseToolPolicy(JSON.stringify({ deny: ['x'.repeat(129)] })), ConfigError);
  });
});

describe('proxy message policing', () => {
  it('answers calls to hidden tools itself and maps renamed calls to the upstream name', () => {
    const hidden = policeRequest(policy, { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'get_secret_key' } });
    assert.equal(hidden.forward, undefined);
    assert.deepEqual(hidden.refusals, [{ jsonrpc: '2.0', id: 7, error: { code: -32602, message: 'Tool get_secret_key not found' } }]);
    const renamed = policeRequest(policy, { jsonrpc: '2.0', id: 8, method: 'tools/call', params: { name: 'say', arguments: { m: 1 } } });
    assert.deepEqual(renamed.forward, { jsonrpc: '2.0', id: 8, method: 'tools/call', params: { name: 'echo', arguments: { m: 1 } } });
    assert.equal(renamed.calls.get(8), 'say');
    const batch = policeRequest(policy, [{ jsonrpc: '2.0', id: 1, method: 'tools/list' }, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'danger' } }]);
    assert.equal(batch.refusals.length, 1);
    assert.ok(batch.lists.has(1));
  });

  it('rewrites tools/list answers and classifies tools/call outcomes', () => {
    const request = policeRequest(policy, { jsonrpc: '2.0', id: 'l', method: 'tools/list' });
    const listed = policeResponse(policy, request, { jsonrpc: '2.0', id: 'l', result: { tools: [{ name: 'danger' }, { name: 'get_weather' }] } });
    assert.deepEqual((listed.message as { result: { tools: unknown[] } }).result.tools, [{ name: 'get_weather' }]);
    const call = policeRequest(policy, { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'get_weather' } });
    assert.equal(policeResponse(policy, call, { jsonrpc: '2.0', id: 3, result: { isError: true } }).call?.outcome, 'tool_error');
    assert.equal(policeResponse(policy, call, { jsonrpc: '2.0', id: 3, error: { code: 1 } }).call?.outcome, 'error');
    assert.equal(policeResponse(policy, call, { jsonrpc: '2.0', id: 3, result: { content: [] } }).call?.outcome, 'success');
    assert.equal(policeResponse(policy, call, { jsonrpc: '2.0', method: 'notifications/progress' }).call, undefined);
  });

  it("strips hop-by-hop headers, and the client's credentials when the kit authenticated it", () => {
    const headers = { host: 'a', connection: 'keep-alive', authorization: 'Bearer k', 'x-api-key': 'k', 'mcp-session-id': 's', accept: 'text/event-stream' };
    assert.deepEqual(forwardedHeaders(headers, true), { 'mcp-session-id': 's', accept: 'text/event-stream' });
    assert.deepEqual(forwardedHeaders(headers, false), { authorization: 'Bearer k', 'x-api-key': 'k', 'mcp-session-id': 's', accept: 'text/event-stream' });
  });
});

describe('SSE rewriter', () => {
  it('rewrites data payloads event by event and keeps ids, comments and CRLF streams intact', async () => {
    const input = Readable.from([': keep-alive\n\n', 'id: 1\nevent: message\ndata: {"a"', ':1}\n\n', 'data: x\r\n\r\n', 'data: tail']);
    const out = await text(input.pipe(new SseRewriter((d) => d.toUpperCase(), 1024)));
    assert.equal(out, ': keep-alive\n\nid: 1\nevent: message\ndata: {"A":1}\n\ndata: X\n\ndata: TAIL');
  });

  it('emits an event as soon as it ends, before the stream does', async () => {
    const rewriter = new SseRewriter((d) => d, 1024);
    const first = new Promise<string>((resolve) => rewriter.once('data', (chunk: Buffer) => resolve(chunk.toString())));
    rewriter.write('data: one\n\n');
    assert.equal(await first, 'data: one\n\n');
    rewriter.end();
  });

  it('fails instead of buffering an endless event', async () => {
    const rewriter = new SseRewriter((d) => d, 64);
    const failed = new Promise<Error>((resolve) => rewriter.once('error', resolve));
    rewriter.write(`data: ${'x'.repeat(200)}`);
    assert.match((await failed).message, /exceeds 64 bytes/);
  });
});

describe('tool labels of forwarded calls', () => {
  it('labels only tools that answered successfully, at most the bound, others as _other', () => {
    const label = boundedToolLabels(2);
    assert.equal(label('made_up', 'error'), '_other');
    assert.equal(label('a', 'success'), 'a');
    assert.equal(label('a', 'error'), 'a');
    assert.equal(label('b', 'success'), 'b');
    assert.equal(label('c', 'success'), '_other', 'the bound holds');
  });
});
