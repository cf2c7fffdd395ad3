// What MCP verification found out, as plain data the status builder reads.

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
  | {
      ok: true;
      generation: number;
      at: string;
      endpoint: string;
      server: VerifiedServer;
      tools: VerifiedTool[];
      toolCount: number;
      toolsOffered?: number;
      /** Digest per tool by the server's own name, as the kit reported it (before spec.tools overrides, withheld tools included). */
      surface?: Record<string, string>;
      /** Tools the kit withholds until approved (pinning enforcement). */
      withheld?: string[];
    }
  /** An OAuth-protected server: reachable and publishing its metadata; tools need a token. */
  | { ok: true; generation: number; at: string; endpoint: string; protectedResource: string; server?: undefined }
  | { ok: false; generation: number; at: string; error: string; endpoint?: string; failures: number };

/** Most tools recorded in status (the full count is in toolCount). */
export const MAX_STATUS_TOOLS = 100;
