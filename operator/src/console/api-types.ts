// The JSON the console backend serves and the browser reads: plain data shared by both sides
// (the frontend imports these types only; nothing here runs).

/** One row of the fleet page. */
export interface FleetRow {
  /** "namespace/name" */
  key: string;
  namespace: string;
  name: string;
  catalog?: string;
  image?: string;
  ready: 'True' | 'False' | 'Unknown';
  /** Why the server is not Ready: the first failing condition's reason and message. */
  blocker?: { condition: string; reason: string; message: string };
  replicas: number;
  readyReplicas: number;
  toolCount?: number;
  url?: string;
  externalUrl?: string;
  createdAt?: string;
  generation?: number;
  observedGeneration?: number;
}

/** Server-Sent Events of /api/fleet/events. */
export type FleetEvent =
  | { type: 'snapshot'; rows: FleetRow[] }
  | { type: 'upsert'; row: FleetRow }
  | { type: 'delete'; key: string }
  /** Why the fleet cannot be shown; without a message: the problem is gone. */
  | { type: 'problem'; message?: string };

export interface ConditionView {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

export interface EventView {
  type: string;
  reason: string;
  message: string;
  count: number;
  lastSeen: string;
  source: string;
}

export interface ChildView {
  kind: string;
  name: string;
  /** One-line state, e.g. "2/2 ready" or "address 10.0.0.1". */
  state: string;
  healthy: boolean;
}

export interface ToolView {
  name: string;
  title?: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}

/** Whether the viewer may use the playground on a server, and why not. */
export interface PlaygroundAccess {
  allowed: boolean;
  reason: string;
}

export type ToolSurfaceState = 'unchanged' | 'changed' | 'added' | 'unpinned';

export interface ToolSurfaceRow {
  name: string;
  digest: string;
  /** The baseline's digest for this tool, when the baseline has it. */
  baselineDigest?: string;
  state: ToolSurfaceState;
  withheld: boolean;
}

export interface ToolSurfaceView {
  digest: string;
  mode?: 'observe' | 'alert' | 'enforce';
  /** Where the baseline comes from: spec.tools.pinning.approved, status.toolSurface.adopted, or none (not pinned). */
  baseline: 'approved' | 'adopted' | 'none';
  tools: ToolSurfaceRow[];
  /** In the baseline, no longer offered. */
  removed: string[];
  withheld: string[];
  /** YAML for spec.tools.pinning approving the current digests (names and digests JSON-quoted: valid YAML for any name). */
  approveSnippet: string;
}

export interface ServerDetail {
  row: FleetRow;
  conditions: ConditionView[];
  events: EventView[];
  children: ChildView[];
  /** What the operator verified over MCP (status.server). */
  verified?: { name: string; version: string; protocolVersion: string; lastVerifiedTime?: string };
  /** Live tools/list through the console, with schemas; or why it could not be read. */
  tools: ToolView[];
  toolsError?: string;
  /** The verified tool surface for pinning (status.toolSurface), when the operator recorded one. */
  toolSurface?: ToolSurfaceView;
  playground: PlaygroundAccess;
}

export interface CallRequest {
  tool: string;
  arguments: Record<string, unknown>;
}

export interface CallResponse {
  ok: boolean;
  /** Milliseconds from the console's request to the server's answer. */
  durationMs: number;
  isError?: boolean;
  content?: unknown[];
  structuredContent?: unknown;
  /** A protocol or transport error (not a tool error). */
  error?: string;
}

/** One sample of a server's metrics (rates per second over the last interval). */
export interface MetricsPoint {
  at: number;
  callsPerTool: Record<string, number>;
  errorRate: number;
  p99Seconds?: number;
}

export type MetricsEvent = { type: 'point'; point: MetricsPoint } | { type: 'history'; points: MetricsPoint[] } | { type: 'error'; message: string };

export interface ViewerInfo {
  mode: 'kubeconfig' | 'proxy' | 'service-account';
  user?: string;
  csrfToken: string;
}
