// The contract between the kit and every catalog server: a server is a name, a version and a
// list of tools; a tool is metadata, zod schemas and a handler. Catalog servers depend only on
// this module (and their own lib/), never on the MCP SDK directly, so the kit alone decides how
// tools are exposed (Streamable HTTP, stdio), cached, rate limited and measured.
import type { McpServer } from '@modelcontextprotocol/server';
import type { z } from 'zod';

/** MCP tool annotations (hints for clients); readOnlyHint also gates the result cache. */
export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/** What a handler may use besides its arguments. */
export interface ToolContext {
  /** Aborted when the client cancels, the request times out or the server drains. */
  signal: AbortSignal;
  /** Request id for logs (never holds secrets). */
  requestId: string;
}

/**
 * A failure the caller can fix (bad argument, unknown city, upstream said no). The kit turns
 * it into an MCP tool error (isError: true) whose text is this message, so the message must
 * say what to change. Any other thrown error becomes a generic tool error and is logged.
 */
export class ToolError extends Error {
  override readonly name = 'ToolError';
  /** A short machine-readable code, e.g. "not_found", "upstream_timeout". */
  readonly code: string;
  // A plain field instead of a parameter property: Node runs this file with type stripping only.
  constructor(message: string, code = 'invalid_request') {
    super(message);
    this.code = code;
  }
}

export interface ToolDefinition<
  Input extends z.ZodObject = z.ZodObject,
  Output extends z.ZodObject = z.ZodObject,
> {
  name: string;
  title: string;
  description: string;
  inputSchema: Input;
  outputSchema: Output;
  annotations: ToolAnnotations;
  /**
   * Whether the kit may answer from its result cache (CACHE_TTL_SECONDS). Defaults to
   * annotations.readOnlyHint; set false for read-only tools whose answer changes without their
   * arguments changing (a clock, a mutable store). Never true for a tool that is not read-only.
   */
  cacheable?: boolean;
  /** Returns the structured result; the kit adds the text block and validates against outputSchema. */
  handler(args: z.output<Input>, context: ToolContext): Promise<z.input<Output>>;
}

/** Helper that keeps each tool's generic parameters inferred at its definition site. */
export function defineTool<Input extends z.ZodObject, Output extends z.ZodObject>(
  tool: ToolDefinition<Input, Output>,
): ToolDefinition<Input, Output> {
  return tool;
}

export interface CatalogServer {
  /** Catalog name, e.g. "weather"; also the MCP server name reported on initialize. */
  name: string;
  version: string;
  /** Shown to clients as the server's instructions. */
  instructions?: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tools have heterogeneous schemas
  tools: ToolDefinition<any, any>[];
  /** Throws when a dependency (database file, Redis, root directory) is unusable; drives /readyz. */
  checkReady?(): Promise<void>;
  /** Releases connections and handles on shutdown. */
  close?(): Promise<void>;
  /**
   * Builds the MCP server itself instead of the kit building one from `tools` (the stdio bridge
   * forwards every request to a child process). The kit still provides HTTP, auth, rate limits,
   * health and metrics; per-tool caching and timeouts are then the builder's concern, and it
   * reports each tool call through `observe` for the kit's tool metrics.
   */
  mcpServer?(observe: ToolCallObserver): McpServer;
}

/** Lets a server that builds itself feed the kit's tool metrics (mcp_tool_calls_total, ...). */
export interface ToolCallObserver {
  toolCall(call: { tool: string; outcome: 'success' | 'tool_error' | 'error'; seconds: number }): void;
}
