// The console's view of a pinned tool surface: drift per tool against the approved or adopted
// baseline, withheld tools, and an approval snippet that is valid YAML for any tool name.
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import type { McpServer } from '../../api/mcpserver.ts';
import { toolSurfaceView } from '../tool-surface-view.ts';

const d = (c: string) => `sha256:${c.repeat(64)}`;

function server(pinning: Record<string, unknown> | undefined, toolSurface: Record<string, unknown> | undefined): McpServer {
  return { apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', metadata: { name: 's', namespace: 'n' }, spec: { ...(pinning && { tools: { pinning } }) }, status: { ...(toolSurface && { toolSurface }) } } as unknown as McpServer;
}

describe('console tool surface view', () => {
  it('shows drift against approved digests, withheld tools, and a snippet approving the current surface', () => {
    const view = toolSurfaceView(server({ mode: 'enforce', approved: { lookup: d('a'), gone: d('b'), ping: d('c') } }, { digest: d('f'), tools: { lookup: d('1'), ping: d('c'), 'new tool: "x"': d('2') }, withheld: ['lookup', 'new tool: "x"'] }))!;
    assert.equal(view.baseline, 'approved');
    assert.equal(view.mode, 'enforce');
    assert.deepEqual(view.tools.map((t) => [t.name, t.state, t.withheld]), [['lookup', 'changed', true], ['new tool: "x"', 'added', true], ['ping', 'unchanged', false]]);
    assert.equal(view.tools[0]!.baselineDigest, d('a'));
    assert.deepEqual(view.removed, ['gone']);
    assert.deepEqual(view.withheld, ['lookup', 'new tool: "x"']);
    // Pasted into a manifest, the snippet approves exactly what was verified, whatever the names.
    assert.deepEqual(parse(view.approveSnippet), { spec: { tools: { pinning: { mode: 'enforce', approved: { lookup: d('1'), ping: d('c'), 'new tool: "x"': d('2') } } } } });
  });

  it('uses the adopted surface as the baseline without approved digests, and says when nothing is pinned', () => {
    const adopted = toolSurfaceView(server({ mode: 'observe' }, { digest: d('f'), tools: { a: d('1') }, adopted: { a: d('0') } }))!;
    assert.deepEqual([adopted.baseline, adopted.tools[0]!.state], ['adopted', 'changed']);
    const unpinned = toolSurfaceView(server(undefined, { digest: d('f'), tools: { a: d('1') } }))!;
    assert.deepEqual([unpinned.baseline, unpinned.tools[0]!.state, unpinned.removed], ['none', 'unpinned', []]);
    assert.match(unpinned.approveSnippet, /mode: observe/);
    assert.equal(toolSurfaceView(server(undefined, undefined)), undefined);
  });
});
