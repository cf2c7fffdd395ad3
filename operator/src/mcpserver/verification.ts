// What MCP verification found out, as plain data the status builder reads.
import type { ProbeResult } from './mcp-probe.ts';

export interface VerifiedServer {
  name: string;
  version: string;
  protocolVersion: string;
}

export interface VerifiedTool {
  name: string;
  title?: string;
  /** Digest of everything a client reads about the tool (tool-surface.ts). */
  digest?: string;
}

export type VerificationResult =
  /** A server whose tools were listed: what the probe found. */
  | ({ ok: true; generation: number; at: string; endpoint: string } & ProbeResult)
  /** An OAuth-protected server: reachable and publishing its metadata; tools need a token. */
  | { ok: true; generation: number; at: string; endpoint: string; protectedResource: string; server?: undefined }
  | { ok: false; generation: number; at: string; error: string; endpoint?: string; failures: number };

/** Most tools recorded in status (the full count is in toolCount). */
export const MAX_STATUS_TOOLS = 100;
