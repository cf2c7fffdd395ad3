// The pinned tool surface: digests that change with anything a client reads and nothing else,
// adoption of the first verified surface, and drift reported as Degraded=ToolSurfaceChanged.
import assert from 'node:assert/strict';
import type { V1Deployment } from '@kubernetes/client-node';
import { flippedConditions } from './conditions.ts';
import { computeStatus, reportedDrift, type StatusObservation } from './status.ts';
import { surfaceDigest, toolDigest } from '../../../servers/kit/toolSurface.ts';
import { describeDrift, surfaceDrift } from './tool-surface.ts';
import type { VerificationResult } from './verification.ts';
import type { McpServer } from '../api/mcpserver.ts';
import { validateMcpServer } from '../api/validation.ts';
import { buildDeployment } from './deployment.ts';
import { buildToolBaseline } from './tool-baseline.ts';

const T0 = '2026-11-22T00:00:00.000Z';
const available = { metadata: { generation: 1 }, spec: { replicas: 1, selector: {}, template: {} }, status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1, conditions: [{ type: 'Available', status: 'True' }] } } as V1Deployment;
const schema = { type: 'object', properties: { key: { type: 'string' } } };

function verified(tools: { name: string; inputSchema?: unknown; description?: string }[], generation = 1): VerificationResult {
  return { ok: true, generation, at: T0, endpoint: 'http://x/mcp', server: { name: 's', version: '1', protocolVersion: '2026-07-28' }, tools: tools.map((t) => ({ name: t.name, digest: toolDigest(t) })), toolCount: tools.length };
}

const base: StatusObservation = { generation: 1, missingReferences: [], deployment: available };
const degraded = (s: ReturnType<typeof computeStatus>) => s.conditions!.find((c) => c.type === 'Degraded')!;

describe('tool surface pinning', () => {
  it('digests everything a client reads, independent of key order', () => {
    const a = toolDigest({ name: 'kv_get', description: 'Gets', inputSchema: schema, annotations: { readOnlyHint: true } });
    assert.match(a, /^sha256:[0-9a-f]{64}$/);
    assert.equal(a, toolDigest({ annotations: { readOnlyHint: true }, inputSchema: { properties: { key: { type: 'string' } }, type: 'object' }, description: 'Gets', name: 'kv_get' } as never));
    assert.notEqual(a, toolDigest({ name: 'kv_get', description: 'Gets everything', inputSchema: schema, annotations: { readOnlyHint: true } }));
    assert.notEqual(a, toolDigest({ name: 'kv_get', description: 'Gets', inputSchema: { ...schema, required: ['key'] }, annotations: { readOnlyHint: true } }));
    assert.notEqual(a, toolDigest({ name: 'kv_get', description: 'Gets', inputSchema: schema, annotations: { readOnlyHint: false } }));
    assert.notEqual(surfaceDigest({ a: 'sha256:1' }), surfaceDigest({ a: 'sha256:2' }));
    assert.equal(surfaceDigest({ a: '1', b: '2' }), surfaceDigest({ b: '2', a: '1' }));
  });

  it('names what was added, removed and changed', () => {
    const drift = surfaceDrift({ a: '1', b: '2', c: '3' }, { a: '1', b: 'X', d: '4' });
    assert.deepEqual(drift, { added: ['d'], removed: ['c'], changed: ['b'] });
    assert.match(describeDrift(drift), /added d; removed c; changed b/);
  });

  it('records digests, adopts the first surface and reports a later change as Degraded', () => {
    const pinned: StatusObservation = { ...base, pinning: {} };
    const first = computeStatus(undefined, { ...pinned, verification: verified([{ name: 'kv_get', inputSchema: schema }, { name: 'kv_set' }]) }, T0);
    assert.deepEqual(Object.keys(first.toolSurface!.tools), ['kv_get', 'kv_set']);
    assert.deepEqual(first.toolSurface!.adopted, first.toolSurface!.tools);
    assert.equal(degraded(first).status, 'False');
    // The server changes kv_get's schema and gains a tool: drift against the adopted surface.
    const changed = computeStatus(first, { ...pinned, verification: verified([{ name: 'kv_get', inputSchema: { ...schema, required: ['key'] } }, { name: 'kv_set' }, { name: 'kv_drop' }]) }, T0);
    assert.equal(degraded(changed).status, 'True');
    assert.equal(degraded(changed).reason, 'ToolSurfaceChanged');
    assert.match(degraded(changed).message, /added kv_drop; changed kv_get/);
    assert.deepEqual(changed.toolSurface!.adopted, first.toolSurface!.adopted, 'the baseline stays until approved');
    assert.deepEqual(flippedConditions(first.conditions, changed.conditions!).map((c) => c.type), ['Degraded'], 'the flip is an Event');
    assert.deepEqual(reportedDrift(changed, {}), { added: ['kv_drop'], removed: [], changed: ['kv_get'] });
    // Approving the new digests in the spec clears it.
    const approved = computeStatus(changed, { ...base, pinning: { approved: changed.toolSurface!.tools }, verification: verified([{ name: 'kv_get', inputSchema: { ...schema, required: ['key'] } }, { name: 'kv_set' }, { name: 'kv_drop' }]) }, T0);
    assert.equal(degraded(approved).status, 'False');
    assert.equal(approved.toolSurface!.adopted, undefined, 'approved digests in the spec replace the adopted ones');
  });

  it('only records digests when the surface is not pinned', () => {
    const plain = computeStatus(undefined, { ...base, verification: verified([{ name: 'a' }]) }, T0);
    assert.ok(plain.toolSurface!.digest.startsWith('sha256:'));
    assert.equal(plain.toolSurface!.adopted, undefined);
    const other = computeStatus(plain, { ...base, verification: verified([{ name: 'b' }]) }, T0);
    assert.equal(degraded(other).status, 'False');
    assert.equal(reportedDrift(other, undefined), undefined);
  });

  it('records the kit\'s pre-override digests and the withheld tools, and says so in the condition', () => {
    const kitDigests = { lookup: toolDigest({ name: 'lookup' }), ping: toolDigest({ name: 'ping' }) };
    // Clients see "find" (an override); the kit reports the server's own names and digests.
    const result: VerificationResult = { ok: true, generation: 1, at: T0, endpoint: 'http://x/mcp', server: { name: 's', version: '1', protocolVersion: '2026-07-28' }, tools: [{ name: 'ping', digest: 'sha256:other' }], toolCount: 1, toolsOffered: 2, surface: kitDigests, withheld: ['lookup'] };
    const status = computeStatus(undefined, { ...base, pinning: { approved: { lookup: toolDigest({ name: 'lookup', description: 'before' }), ping: kitDigests.ping } }, verification: result }, T0);
    assert.deepEqual(status.toolSurface!.tools, kitDigests);
    assert.deepEqual(status.toolSurface!.withheld, ['lookup']);
    assert.match(degraded(status).message, /changed lookup; withheld from clients until approved: lookup/);
  });

  it('says so in a condition when the surface has more tools than pinning records', () => {
    const many = Array.from({ length: 103 }, (_, i) => ({ name: `tool_${String(i).padStart(3, '0')}` }));
    const pinned = computeStatus(undefined, { ...base, pinning: {}, verification: verified(many) }, T0);
    assert.equal(Object.keys(pinned.toolSurface!.tools).length, 100);
    assert.equal(degraded(pinned).status, 'True');
    assert.equal(degraded(pinned).reason, 'ToolSurfaceTooLarge');
    assert.match(degraded(pinned).message, /first 100 tools only; 3 more are not pinned/);
    // The kit's own report counts (withheld tools included), and without pinning nothing is said.
    const kitReport: VerificationResult = { ...(verified(many.slice(0, 100)) as Extract<VerificationResult, { server: object }>), surface: Object.fromEntries(many.map((t) => [t.name, toolDigest(t)])) };
    assert.match(degraded(computeStatus(undefined, { ...base, pinning: {}, verification: kitReport }, T0)).message, /3 more are not pinned/);
    assert.equal(degraded(computeStatus(undefined, { ...base, verification: verified(many) }, T0)).status, 'False');
    assert.equal(degraded(computeStatus(undefined, { ...base, pinning: {}, verification: verified(many.slice(0, 100)) }, T0)).status, 'False');
  });

  it('renders the enforce baseline as a ConfigMap from the approved, else the adopted digests, and mounts it without touching the pod template hash', () => {
    const ctx = { serversImage: { repository: 'ghcr.io/mcpfleet/servers', tag: '0.1.0' }, clusterDomain: 'cluster.local', referencedVersions: {} };
    const server = (pinning: Record<string, unknown>, adopted?: Record<string, string>) => {
      const validated = validateMcpServer({ apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', metadata: { name: 'p', namespace: 'n', uid: 'u', generation: 1 }, spec: { catalog: 'utility', tools: { pinning } } });
      if (!validated.ok) throw new Error(validated.problems.join('; '));
      return { ...validated.value, ...(adopted && { status: { toolSurface: { digest: 'x', tools: adopted, adopted } } }) } as McpServer;
    };
    const a = `sha256:${'a'.repeat(64)}`;
    const b = `sha256:${'b'.repeat(64)}`;
    assert.equal(buildToolBaseline(server({ mode: 'alert' })), undefined, 'only enforce has a baseline file');
    assert.equal(buildToolBaseline(server({ mode: 'enforce' }))!.data!['baseline.json'], '{}\n', 'nothing adopted yet: nothing approved');
    assert.deepEqual(JSON.parse(buildToolBaseline(server({ mode: 'enforce' }, { kv_get: a }))!.data!['baseline.json']!), { approved: { kv_get: a } });
    assert.deepEqual(JSON.parse(buildToolBaseline(server({ mode: 'enforce', approved: { kv_get: b } }, { kv_get: a }))!.data!['baseline.json']!), { approved: { kv_get: b } });
    const hash = (s: McpServer) => JSON.stringify(buildDeployment(s, ctx).spec!.template);
    assert.equal(hash(server({ mode: 'enforce' })), hash(server({ mode: 'enforce' }, { kv_get: a })), 'adoption does not roll the pods');
    assert.equal(hash(server({ mode: 'enforce' })), hash(server({ mode: 'enforce', approved: { kv_get: b } })), 'nor does an approval');
  });
});
