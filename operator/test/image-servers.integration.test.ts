// Image servers get the kit's guarantees end to end: the real operator on kube-sim renders the
// pods, a pod runner runs every container as a real process (the kit proxy sidecar in front of
// server-everything from npm; the bridge installer init container and mcp-server-time from PyPI
// wrapped by the installed bridge), at two replicas, and real MCP clients talk to each pod.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ProtocolError } from '@modelcontextprotocol/client';
import type { Client } from '@modelcontextprotocol/client';
import { bundleStdioBridge } from '../../hack/bundle-stdio-bridge.ts';
import { connectClient } from '../../servers/kit/testing.ts';
import { rawRequest } from '../../servers/kit/test/httpHelpers.ts';
import { EVERYTHING } from '../../servers/proxy/test/upstreams.ts';
import { REPO_ROOT, SERVERS_IMAGE, startHarness, waitFor, type Harness } from './harness.ts';
import { podProcessRunner } from './pod-process-runner.ts';

const KEY = 'image-server-key-0123456789abcdef';
const EVERYTHING_IMAGE = 'ghcr.io/acme/everything:1';
const TIME_IMAGE = 'ghcr.io/acme/mcp-time:1';
const CHANGING_IMAGE = 'ghcr.io/acme/changing:1';
const CHANGING = path.join(REPO_ROOT, 'operator/test/fixtures/changing-server.ts');
const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const INIT = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });

function mcp(name: string, spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', metadata: { name, namespace: 'team-a' }, spec };
}

describe('image servers behind the kit (kube-sim, real processes)', function () {
  this.timeout(300_000);
  let h: Harness;
  let work: string;
  const clients: Client[] = [];

  before(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'mcpfleet-image-servers-'));
    const bundle = path.join(work, 'stdio-bridge.mjs');
    await bundleStdioBridge(bundle);
    // The runner reads Secrets through the API of the harness it is part of (set just below).
    const api: { harness?: Harness } = {};
    const readSecret = async (namespace: string, name: string, key: string) => {
      const secret = await api.harness?.get<{ data?: Record<string, string> }>(`/api/v1/namespaces/${namespace}/secrets/${name}`);
      const data = secret?.data?.[key];
      return data === undefined ? undefined : Buffer.from(data, 'base64').toString('utf8');
    };
    api.harness = await startHarness({
      // Re-verify often: a rollout can leave the old pod answering the first probe of a generation.
      operatorFlags: ['--verify-interval', '3s'],
      runners: [
        podProcessRunner({
          repoRoot: REPO_ROOT,
          serversImage: SERVERS_IMAGE,
          images: { [EVERYTHING_IMAGE]: [process.execPath, EVERYTHING, 'streamableHttp'], [CHANGING_IMAGE]: [process.execPath, CHANGING] },
          readSecret,
          env: { STDIO_BRIDGE_BUNDLE: bundle, LOG_LEVEL: 'warn', BRIDGE_START_TIMEOUT: '120' },
          ...(process.env.MCPFLEET_TEST_LOGS ? { log: (pod, container, line) => process.stderr.write(`[${pod}/${container}] ${line}`) } : {}),
        }),
      ],
    });
    h = api.harness;
    const created = await h.request('POST', '/api/v1/namespaces/team-a/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'mcp-keys', namespace: 'team-a' }, data: { keys: Buffer.from(`${KEY}\n`).toString('base64') } });
    assert.equal(created.status, 201);
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await h?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const readyEndpoints = async (name: string, replicas: number) => {
    // On a timeout the error names the last Ready condition, so a failure says why.
    await waitFor(`${name} Ready`, async () => {
      const ready = await h.condition('team-a', name, 'Ready');
      if (ready?.status === 'True') return true;
      throw new Error(`Ready=${ready?.status ?? 'unset'} ${ready?.reason ?? ''}: ${ready?.message ?? ''}`);
    }, 240_000);
    return waitFor(`${replicas} ready pods of ${name}`, () => {
      const endpoints = h.sim.kubelet.endpointsFor('team-a', name);
      return endpoints.length === replicas ? endpoints : undefined;
    }, 240_000);
  };

  it('enforces the API key, the rate limit and the tool deny-list on a Streamable HTTP image, at two replicas', async () => {
    await h.apply(
      mcp('everything', {
        image: EVERYTHING_IMAGE,
        transport: { port: 3001, path: '/mcp' },
        replicas: 2,
        auth: { apiKeySecretRef: { name: 'mcp-keys', key: 'keys' } },
        rateLimit: { requestsPerSecond: 0.05, burst: 40 },
        tools: { deny: ['get-env', 'trigger-*'] },
      }),
    );
    const endpoints = await readyEndpoints('everything', 2);
    const status = (await h.mcpServer('team-a', 'everything'))!.status!;
    const verifiedNames = (status.tools ?? []).map((t) => t.name);
    assert.ok(verifiedNames.includes('echo') && !verifiedNames.includes('get-env'), `status lists the exposed tools: ${verifiedNames.join(', ')}`);
    assert.equal(status.toolCount, verifiedNames.length);
    assert.ok(status.toolsOffered! > status.toolCount!, `status shows what is offered (${status.toolsOffered}) and exposed (${status.toolCount})`);

    for (const endpoint of endpoints) {
      const url = `${endpoint}/mcp`;
      assert.equal((await rawRequest(url, { method: 'POST', headers: JSON_HEADERS, body: INIT })).status, 401, 'no key, no access');
      const client = await connectClient(url, { protocol: 'legacy', headers: { 'x-api-key': KEY } });
      clients.push(client);
      const names = (await client.listTools()).tools.map((t) => t.name);
      assert.ok(names.includes('echo'));
      assert.ok(!names.includes('get-env') && !names.some((n) => n.startsWith('trigger-')), `denied tools hidden: ${names.join(', ')}`);
      await assert.rejects(client.callTool({ name: 'get-env', arguments: {} }), (e: unknown) => e instanceof ProtocolError && /Tool get-env not found/.test((e as Error).message));
      const echoed = await client.callTool({ name: 'echo', arguments: { message: `hello ${endpoint}` } });
      assert.match(JSON.stringify(echoed.content), /hello/);
    }

    // The bucket holds 40 requests and refills one per 20 s: a bounded burst must hit 429.
    const statuses: number[] = [];
    for (let i = 0; i < 60 && !statuses.includes(429); i++) {
      statuses.push((await rawRequest(`${endpoints[0]}/mcp`, { method: 'POST', headers: { ...JSON_HEADERS, 'x-api-key': KEY }, body: INIT })).status);
    }
    assert.ok(statuses.includes(429), `rate limited after ${statuses.length} requests`);
  });

  it('runs a stdio image through the injected bridge with the tool policy applied, at two replicas', async () => {
    await h.apply(
      mcp('time', {
        image: TIME_IMAGE,
        command: ['python3', '-m', 'mcp_server_time'],
        transport: { type: 'stdio' },
        replicas: 2,
        auth: { apiKeySecretRef: { name: 'mcp-keys', key: 'keys' } },
        tools: { overrides: { get_current_time: { name: 'now', description: 'The current time in a time zone.' } }, deny: ['convert_time'] },
      }),
    );
    const endpoints = await readyEndpoints('time', 2);
    const status = (await h.mcpServer('team-a', 'time'))!.status!;
    assert.deepEqual([status.toolCount, status.toolsOffered, status.tools?.map((t) => t.name)], [1, 2, ['now']]);
    for (const endpoint of endpoints) {
      for (const protocol of ['current', 'legacy'] as const) {
        const client = await connectClient(`${endpoint}/mcp`, { protocol, headers: { 'x-api-key': KEY } });
        clients.push(client);
        const { tools } = await client.listTools();
        assert.deepEqual(tools.map((t) => t.name), ['now']);
        assert.equal(tools[0]!.description, 'The current time in a time zone.');
        const now = await client.callTool({ name: 'now', arguments: { timezone: 'UTC' } });
        assert.ok(!now.isError, JSON.stringify(now.content));
        assert.match(JSON.stringify(now.content), /UTC/);
        await assert.rejects(client.callTool({ name: 'get_current_time', arguments: { timezone: 'UTC' } }), /Tool get_current_time not found/);
      }
    }
  });

  it('reports a tool whose schema changes after verification: Degraded=ToolSurfaceChanged, an Event, the metric', async () => {
    const spec = (schema: string) => ({ image: CHANGING_IMAGE, transport: { port: 3002 }, env: [{ name: 'FIXTURE_SCHEMA', value: schema }], tools: { pinning: { mode: 'alert' } } });
    await h.apply(mcp('changing', spec('v1')));
    await readyEndpoints('changing', 1);
    const adopted = await waitFor('the first surface adopted', async () => (await h.mcpServer('team-a', 'changing'))?.status?.toolSurface?.adopted);
    assert.deepEqual(Object.keys(adopted), ['lookup']);
    assert.equal((await h.condition('team-a', 'changing', 'Degraded'))?.status, 'False');

    await h.apply(mcp('changing', spec('v2')));
    const degraded = await waitFor('Degraded=ToolSurfaceChanged', async () => {
      const c = await h.condition('team-a', 'changing', 'Degraded');
      return c?.status === 'True' && c.reason === 'ToolSurfaceChanged' ? c : undefined;
    }, 240_000);
    assert.match(degraded.message, /changed lookup/);
    const events = await waitFor('the Event', async () => {
      const list = await h.get<{ items: { reason: string; message: string; involvedObject: { name: string } }[] }>('/api/v1/namespaces/team-a/events');
      const found = list?.items.filter((e) => e.involvedObject.name === 'changing' && e.reason === 'ToolSurfaceChanged');
      return found && found.length > 0 ? found : undefined;
    });
    assert.match(events[0]!.message, /changed lookup/);
    const metric = await h.operator.metrics.registry.getSingleMetric('mcpfleet_tool_surface_drift')!.get();
    assert.deepEqual(metric.values.map((v) => [v.labels, v.value]), [[{ mcpserver_namespace: 'team-a', mcpserver: 'changing' }, 1]]);

    // Approving the new surface is a spec change; the drift clears and the series goes away.
    const current = (await h.mcpServer('team-a', 'changing'))!.status!.toolSurface!.tools;
    await h.apply(mcp('changing', { ...spec('v2'), tools: { pinning: { mode: 'alert', approved: current } } }));
    await waitFor('Degraded=False after approval', async () => (await h.condition('team-a', 'changing', 'Degraded'))?.status === 'False', 120_000);
    assert.deepEqual((await h.operator.metrics.registry.getSingleMetric('mcpfleet_tool_surface_drift')!.get()).values, []);
  });

  it('refuses a field it cannot enforce for an image with Accepted=False and creates nothing', async () => {
    await h.apply(mcp('cached-image', { image: EVERYTHING_IMAGE, transport: { port: 3001 }, cache: { ttlSeconds: 30 } }));
    const accepted = await waitFor('Accepted=False', async () => {
      const c = await h.condition('team-a', 'cached-image', 'Accepted');
      return c?.status === 'False' ? c : undefined;
    });
    assert.equal(accepted.reason, 'FieldNotEnforced');
    assert.match(accepted.message, /spec\.cache is not enforced for image servers speaking streamable-http/);
    assert.equal(await h.get('/apis/apps/v1/namespaces/team-a/deployments/cached-image'), undefined);
  });
});
