// Image servers get the kit's guarantees end to end: the real operator on kube-sim renders the
// pods, a pod runner runs every container as a real process (the kit proxy sidecar in front of
// server-everything from npm; the bridge installer init container and mcp-server-time from PyPI
// wrapped by the installed bridge), at two replicas, and real MCP clients talk to each pod.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ProtocolError } from '@modelcontextprotocol/client';
import { stringify } from 'yaml';
import type { Client } from '@modelcontextprotocol/client';
import { bundleStdioBridge } from '../../hack/bundle-stdio-bridge.ts';
import { connectClient } from '../../servers/kit/testing.ts';
import { rawRequest } from '../../servers/kit/test/httpHelpers.ts';
import { EVERYTHING } from '../../servers/proxy/test/upstreams.ts';
import { REPO_ROOT, SERVERS_IMAGE, startHarness, waitFor, type Harness } from './harness.ts';
import { apiReaders, podProcessRunner } from './pod-process-runner.ts';

const KEY = 'image-server-key-0123456789abcdef';
const EVERYTHING_IMAGE = 'ghcr.io/acme/everything:1';
const TIME_IMAGE = 'ghcr.io/acme/mcp-time:1';
const CHANGING_IMAGE = 'ghcr.io/acme/changing:1';
/** The same server with its version read from a file the test rewrites (an image behind a mutable tag). */
const MUTABLE_IMAGE = 'ghcr.io/acme/changing:latest';
const CHANGING = path.join(REPO_ROOT, 'operator/test/fixtures/changing-server.ts');
const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const INIT = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });

/**
 * Asserts `promtool test rules` finds `alertname` firing with `labels` after 5 minutes of `series`
 * at 1 (the operator's own exposition line, labels as exported), from the rule groups as applied.
 */
function assertAlertFires(groups: unknown[], series: string, alertname: string, expected: { labels: Record<string, string>; annotations: Record<string, string> }): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mcpfleet-drift-rules-'));
  try {
    writeFileSync(path.join(dir, 'rules.yaml'), stringify({ groups }));
    const test = { rule_files: ['rules.yaml'], evaluation_interval: '1m', tests: [{ interval: '1m', input_series: [{ series, values: '1x10' }], alert_rule_test: [{ eval_time: '5m', alertname, exp_alerts: [{ exp_labels: expected.labels, exp_annotations: expected.annotations }] }] }] };
    writeFileSync(path.join(dir, 'test.yaml'), stringify(test));
    const run = spawnSync('promtool', ['test', 'rules', 'test.yaml'], { encoding: 'utf8', cwd: dir });
    assert.equal(run.status, 0, `promtool: ${run.error?.message ?? ''}${run.stdout}${run.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function mcp(name: string, spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', metadata: { name, namespace: 'team-a' }, spec };
}

describe('image servers behind the kit (kube-sim, real processes)', function () {
  this.timeout(300_000);
  let h: Harness;
  let work: string;
  const clients: Client[] = [];

  const mutableSchemaFile = () => path.join(work, 'changing-schema');

  before(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'mcpfleet-image-servers-'));
    const bundle = path.join(work, 'stdio-bridge.mjs');
    await bundleStdioBridge(bundle);
    // The runner reads Secrets and ConfigMaps through the API of the harness it is part of (set just below).
    const api: { harness?: Harness } = {};
    api.harness = await startHarness({
      // Re-verify often: a rollout can leave the old pod answering the first probe of a generation.
      operatorFlags: ['--verify-interval', '3s'],
      // The Prometheus Operator's CRDs: the alert-mode server gets its drift alert in a PrometheusRule.
      manifests: ['hack/kube-sim/fixtures/crds/monitoring-servicemonitors.yaml', 'hack/kube-sim/fixtures/crds/monitoring-prometheusrules.yaml'],
      runners: [
        podProcessRunner({
          repoRoot: REPO_ROOT,
          serversImage: SERVERS_IMAGE,
          // The schema file is on the stand-in's command line, which the runner passes as is: an env
          // value under /tmp would be mapped into the pod's own /tmp mount (and a clone of the
          // repository may itself live under /tmp).
          images: { [EVERYTHING_IMAGE]: [process.execPath, EVERYTHING, 'streamableHttp'], [CHANGING_IMAGE]: [process.execPath, CHANGING], [MUTABLE_IMAGE]: [process.execPath, CHANGING, mutableSchemaFile()] },
          ...apiReaders(() => api.harness),
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

  it('reports a tool whose schema changes after verification: Degraded=ToolSurfaceChanged, an Event, the metric, the PrometheusRule alert', async () => {
    const spec = (schema: string) => ({ image: CHANGING_IMAGE, transport: { port: 3002 }, env: [{ name: 'FIXTURE_SCHEMA', value: schema }], monitoring: {}, tools: { pinning: { mode: 'alert' } } });
    await h.apply(mcp('changing', spec('v1')));
    await readyEndpoints('changing', 1);
    const adopted = await waitFor('the first surface adopted', async () => (await h.mcpServer('team-a', 'changing'))?.status?.toolSurface?.adopted);
    assert.deepEqual(Object.keys(adopted), ['lookup', 'ping']);
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
    // The alert the operator put in the server's PrometheusRule fires on the series it exports now.
    const rule = await waitFor('the PrometheusRule', () => h.get<{ spec: { groups: unknown[] } }>('/apis/monitoring.coreos.com/v1/namespaces/team-a/prometheusrules/changing'));
    const exposition = await h.operator.metrics.registry.getSingleMetricAsString('mcpfleet_tool_surface_drift');
    const series = exposition.split('\n').find((line) => line.startsWith('mcpfleet_tool_surface_drift{'))!.replace(/ \S+$/, '');
    assertAlertFires(rule.spec.groups, series, 'McpServerToolSurfaceChanged', {
      labels: { severity: 'warning', namespace: 'team-a', mcpserver: 'changing' },
      annotations: {
        summary: 'The tool surface of McpServer team-a/changing changed since it was approved',
        description: '1 tools were added, removed or changed; see the Degraded condition for which, and approve them in spec.tools.pinning.approved.',
      },
    });

    // Approving the new surface is a spec change; the drift clears and the series goes away.
    const current = (await h.mcpServer('team-a', 'changing'))!.status!.toolSurface!.tools;
    await h.apply(mcp('changing', { ...spec('v2'), tools: { pinning: { mode: 'alert', approved: current } } }));
    await waitFor('Degraded=False after approval', async () => (await h.condition('team-a', 'changing', 'Degraded'))?.status === 'False', 120_000);
    // The metric follows right after the status write.
    await waitFor('the drift series gone', async () => ((await h.operator.metrics.registry.getSingleMetric('mcpfleet_tool_surface_drift')!.get()).values.length === 0 ? true : undefined));
  });

  it('observe: a changed tool is reported (condition, Event, metric) with no alert and still served', async () => {
    const spec = (schema: string) => ({ image: CHANGING_IMAGE, transport: { port: 3002 }, env: [{ name: 'FIXTURE_SCHEMA', value: schema }], monitoring: {}, tools: { pinning: { mode: 'observe' } } });
    await h.apply(mcp('observed', spec('v1')));
    await readyEndpoints('observed', 1);
    await waitFor('the first surface adopted', async () => (await h.mcpServer('team-a', 'observed'))?.status?.toolSurface?.adopted);
    await h.apply(mcp('observed', spec('v2')));
    const degraded = await waitFor('Degraded=ToolSurfaceChanged', async () => {
      const c = await h.condition('team-a', 'observed', 'Degraded');
      return c?.status === 'True' && c.reason === 'ToolSurfaceChanged' ? c : undefined;
    }, 240_000);
    assert.match(degraded.message, /changed lookup/);
    assert.doesNotMatch(degraded.message, /withheld/);
    await waitFor('the Event', async () => {
      const list = await h.get<{ items: { reason: string; involvedObject: { name: string } }[] }>('/api/v1/namespaces/team-a/events');
      return list?.items.some((e) => e.involvedObject.name === 'observed' && e.reason === 'ToolSurfaceChanged') || undefined;
    });
    const drift = (await h.operator.metrics.registry.getSingleMetric('mcpfleet_tool_surface_drift')!.get()).values.find((v) => v.labels.mcpserver === 'observed');
    assert.equal(drift?.value, 1);
    // Observe raises no alert: the server's PrometheusRule has its SLO alerts but not the drift one.
    const rule = await waitFor('the PrometheusRule', () => h.get<{ spec: { groups: { rules: { alert?: string }[] }[] } }>('/apis/monitoring.coreos.com/v1/namespaces/team-a/prometheusrules/observed'));
    const alerts = rule.spec.groups.flatMap((g) => g.rules.map((r) => r.alert));
    assert.ok(alerts.length > 0 && !alerts.includes('McpServerToolSurfaceChanged'), `alerts: ${alerts.join(', ')}`);
    // And nothing is withheld: a real client through the proxy sees and calls the changed tool.
    const [endpoint] = await readyEndpoints('observed', 1);
    const client = await connectClient(`${endpoint}/mcp`, { protocol: 'legacy' });
    clients.push(client);
    const lookup = await waitFor('the v2 lookup listed', async () => (await client.listTools()).tools.find((t) => t.name === 'lookup' && JSON.stringify(t.inputSchema).includes('"limit"')));
    assert.ok(lookup);
    const called = await client.callTool({ name: 'lookup', arguments: { word: 'abc', limit: 1 } });
    assert.ok(!called.isError, JSON.stringify(called.content));
  });

  it('enforce: a tool that changes under a running server is withheld from clients through the proxy until approved', async () => {
    const schemaFile = mutableSchemaFile();
    await writeFile(schemaFile, 'v1');
    const spec = (approved?: Record<string, string>) => ({
      image: MUTABLE_IMAGE,
      transport: { port: 3002 },
      tools: { pinning: { mode: 'enforce', ...(approved && { approved }) } },
    });
    await h.apply(mcp('enforced', spec()));
    const [endpoint] = await readyEndpoints('enforced', 1);
    // Trust on first use: the first verified surface is adopted and reaches the proxy through the
    // baseline ConfigMap (no rollout); until then the proxy withholds every tool.
    const adopted = await waitFor('the first surface adopted', async () => (await h.mcpServer('team-a', 'enforced'))?.status?.toolSurface?.adopted);
    assert.deepEqual(Object.keys(adopted), ['lookup', 'ping']);
    await waitFor('the adopted surface in the baseline ConfigMap', async () => {
      const baseline = await h.get<{ data: Record<string, string> }>('/api/v1/namespaces/team-a/configmaps/enforced-tool-baseline');
      return JSON.stringify(JSON.parse(baseline?.data['baseline.json'] ?? '{}')) === JSON.stringify({ approved: adopted }) || undefined;
    });
    const client = await connectClient(`${endpoint}/mcp`, { protocol: 'legacy' });
    clients.push(client);
    await waitFor('both tools exposed once adopted', async () => ((await client.listTools()).tools.length === 2 ? true : undefined), 60_000);
    await waitFor('status without withheld tools', async () => ((await h.mcpServer('team-a', 'enforced'))?.status?.toolSurface?.withheld === undefined ? true : undefined), 60_000);
    const podBefore = h.sim.kubelet.endpointsFor('team-a', 'enforced');

    // The image changes under the server: its process restarts with a new lookup schema.
    await writeFile(schemaFile, 'v2');
    const degraded = await waitFor('Degraded=ToolSurfaceChanged', async () => {
      const c = await h.condition('team-a', 'enforced', 'Degraded');
      return c?.status === 'True' && c.reason === 'ToolSurfaceChanged' ? c : undefined;
    }, 240_000);
    assert.match(degraded.message, /changed lookup; withheld from clients until approved: lookup/);
    const status = (await h.mcpServer('team-a', 'enforced'))!.status!;
    assert.deepEqual(status.toolSurface!.withheld, ['lookup']);
    assert.notEqual(status.toolSurface!.tools.lookup, adopted.lookup);
    assert.equal(status.toolSurface!.tools.ping, adopted.ping);
    await waitFor('the Event', async () => {
      const list = await h.get<{ items: { reason: string; message: string; involvedObject: { name: string } }[] }>('/api/v1/namespaces/team-a/events');
      return list?.items.some((e) => e.involvedObject.name === 'enforced' && e.reason === 'ToolSurfaceChanged' && /withheld from clients until approved: lookup/.test(e.message)) || undefined;
    });
    const drift = (await h.operator.metrics.registry.getSingleMetric('mcpfleet_tool_surface_drift')!.get()).values.find((v) => v.labels.mcpserver === 'enforced');
    assert.equal(drift?.value, 1);

    // A real client through the proxy of the new pod: lookup is neither listed nor callable; ping works.
    const [changedEndpoint] = await readyEndpoints('enforced', 1);
    const changed = await connectClient(`${changedEndpoint}/mcp`, { protocol: 'legacy' });
    clients.push(changed);
    assert.deepEqual((await changed.listTools()).tools.map((t) => t.name), ['ping']);
    await assert.rejects(changed.callTool({ name: 'lookup', arguments: { word: 'x' } }), /Tool lookup is withheld/);
    assert.match(JSON.stringify((await changed.callTool({ name: 'ping', arguments: {} })).content), /pong/);

    // Approving the new digests is a spec change; it reaches the proxy through the ConfigMap, no rollout.
    await h.apply(mcp('enforced', spec(status.toolSurface!.tools)));
    await waitFor('lookup exposed again', async () => ((await changed.listTools()).tools.some((t) => t.name === 'lookup') ? true : undefined), 60_000);
    const looked = await changed.callTool({ name: 'lookup', arguments: { word: 'abc', limit: 1 } });
    assert.ok(!looked.isError, JSON.stringify(looked.content));
    await waitFor('Degraded=False after approval', async () => (await h.condition('team-a', 'enforced', 'Degraded'))?.status === 'False', 120_000);
    assert.deepEqual(h.sim.kubelet.endpointsFor('team-a', 'enforced'), [changedEndpoint], 'the approval did not roll the pod');
    assert.notDeepEqual(podBefore, [changedEndpoint], 'the change itself came with a new pod');
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
