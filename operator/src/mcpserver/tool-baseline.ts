// spec.tools.pinning.mode enforce: the approved tool surface reaches the enforcing kit (the catalog
// server, the proxy sidecar or the stdio bridge) as a file in a ConfigMap the operator owns,
// mounted into the pod and re-read by the kit every few seconds. Not an env var: adoption of the
// first verified surface is a status change, and the baseline changing must not roll the pods
// (nor should an approval need a rollout to take effect). The baseline is the approved digests in
// the spec, else the adopted surface in status; before either exists the file holds no digests
// and the kit withholds every tool (it also does when the file is missing or unreadable).
import type { V1ConfigMap } from '@kubernetes/client-node';
import type { McpServer } from '../api/mcpserver.ts';
import { childMetadata } from './labels.ts';

export const TOOL_BASELINE_DIR = '/etc/mcpfleet/tool-baseline';
export const TOOL_BASELINE_KEY = 'baseline.json';
export const TOOL_BASELINE_FILE = `${TOOL_BASELINE_DIR}/${TOOL_BASELINE_KEY}`;
export const TOOL_BASELINE_VOLUME = 'tool-baseline';

export function enforcesPinning(server: McpServer): boolean {
  return server.spec.tools?.pinning?.mode === 'enforce';
}

export function toolBaselineName(server: McpServer): string {
  return `${server.metadata.name}-tool-baseline`;
}

/** The digests clients may use: approved in the spec, else adopted at the first verification. */
export function pinnedBaseline(server: McpServer): Record<string, string> | undefined {
  return server.spec.tools?.pinning?.approved ?? server.status?.toolSurface?.adopted;
}

/** The file's content (servers/kit/toolBaseline.ts parses it), keys sorted so the same baseline is the same bytes. */
export function baselineFileContent(approved: Record<string, string> | undefined): string {
  if (!approved) return '{}\n';
  const sorted = Object.fromEntries(Object.keys(approved).sort().map((name) => [name, approved[name]]));
  return `${JSON.stringify({ approved: sorted }, null, 2)}\n`;
}

export function buildToolBaseline(server: McpServer): V1ConfigMap | undefined {
  if (!enforcesPinning(server)) return undefined;
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: childMetadata(server, toolBaselineName(server)),
    data: { [TOOL_BASELINE_KEY]: baselineFileContent(pinnedBaseline(server)) },
  };
}
