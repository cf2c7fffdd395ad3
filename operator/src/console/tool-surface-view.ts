// What the console shows of a pinned tool surface, from the McpServer alone (the console only
// reads): the verified digests, the baseline they are measured against (approved in the spec, or
// adopted at the first verification), drift per tool, the tools withheld under enforcement, and
// the spec.tools.pinning snippet that would approve the current surface, for a GitOps commit.
import type { McpServer } from '../api/mcpserver.ts';
import { surfaceDrift } from '../mcpserver/tool-surface.ts';
import type { ToolSurfaceRow, ToolSurfaceState, ToolSurfaceView } from './api-types.ts';

export function approveSnippet(mode: string, digests: Readonly<Record<string, string>>): string {
  const lines = ['spec:', '  tools:', '    pinning:', `      mode: ${mode}`, '      approved:'];
  for (const name of Object.keys(digests).sort()) lines.push(`        ${JSON.stringify(name)}: ${JSON.stringify(digests[name])}`);
  return `${lines.join('\n')}\n`;
}

export function toolSurfaceView(server: McpServer): ToolSurfaceView | undefined {
  const surface = server.status?.toolSurface;
  if (!surface) return undefined;
  const pinning = server.spec.tools?.pinning;
  const baselineDigests = pinning ? (pinning.approved ?? surface.adopted) : undefined;
  const baseline: ToolSurfaceView['baseline'] = !pinning || !baselineDigests ? 'none' : pinning.approved ? 'approved' : 'adopted';
  const drift = baselineDigests ? surfaceDrift(baselineDigests, surface.tools) : { added: [], removed: [], changed: [] };
  const withheld = new Set(surface.withheld ?? []);
  const tools = Object.keys(surface.tools)
    .sort()
    .map((name): ToolSurfaceRow => {
      const state: ToolSurfaceState = !baselineDigests ? 'unpinned' : drift.added.includes(name) ? 'added' : drift.changed.includes(name) ? 'changed' : 'unchanged';
      return {
        name,
        digest: surface.tools[name]!,
        ...(baselineDigests && Object.hasOwn(baselineDigests, name) ? { baselineDigest: baselineDigests[name]! } : {}),
        state,
        withheld: withheld.has(name),
      };
    });
  return {
    digest: surface.digest,
    ...(pinning ? { mode: pinning.mode } : {}),
    baseline,
    tools,
    removed: drift.removed,
    withheld: [...withheld].sort(),
    approveSnippet: approveSnippet(pinning?.mode ?? 'observe', surface.tools),
  };
}
