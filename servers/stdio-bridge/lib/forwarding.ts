// The MCP server the bridge exposes: an SDK McpServer whose request handlers forward tools,
// prompts, resources and completions to a pooled stdio process, mirroring what that server
// declared at initialize. Results pass through unchanged (content blocks, structuredContent,
// isError). A tools/call that cannot reach a process becomes a tool error saying why.
import type { Client } from '@modelcontextprotocol/client';
import { context } from '@opentelemetry/api';
import { McpServer, ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';
import type { ForwardingGuard } from '../../kit/toolPinning.ts';
import { mayForward, policeToolList, policesListings, withheldToolMessage } from '../../kit/toolPinning.ts';
import type { ToolPolicy } from '../../kit/toolPolicy.ts';
import { OPEN_POLICY, resolveToolCall, unknownToolMessage } from '../../kit/toolPolicy.ts';
import { withoutSurfaceMeta, withSurfaceMeta } from '../../kit/toolSurface.ts';
import { withTraceMeta } from '../../kit/tracing/propagation.ts';
import type { StdioBridgePool } from './pool.ts';
import { BridgeError } from './types.ts';

export interface ForwardedIdentity {
  name: string;
  version: string;
  instructions: string | undefined;
  capabilities: { tools?: Record<string, never>; prompts?: Record<string, never>; resources?: Record<string, never>; completions?: Record<string, never> };
}

/** What the first initialised process reported, fixed for the pod's lifetime. */
export function identityOf(client: Client): ForwardedIdentity {
  const info = client.getServerVersion();
  const declared = client.getServerCapabilities() ?? {};
  return {
    name: info?.name ?? 'stdio-server',
    version: info?.version ?? '0.0.0',
    instructions: client.getInstructions(),
    // Subscriptions and list-changed notifications need a session; stateless HTTP has none.
    capabilities: {
      ...(declared.tools && { tools: {} }),
      ...(declared.prompts && { prompts: {} }),
      ...(declared.resources && { resources: {} }),
      ...(declared.completions && { completions: {} }),
    },
  };
}

type Ctx = { mcpReq?: { signal?: AbortSignal } };

function describeFailure(error: unknown): string {
  if (error instanceof BridgeError) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  if (/closed|EPIPE|not connected/i.test(message)) return 'the stdio server process exited during the call; it is being replaced, retry the call';
  if (/timed? ?out/i.test(message)) return `the stdio server did not answer in time (${message})`;
  return message;
}

/** Told about every forwarded tools/call (the host turns it into metrics). */
export type ToolCallListener = (call: { tool: string; outcome: 'success' | 'tool_error' | 'error'; seconds: number }) => void;

/**
 * Tool lists and calls pass the tool policy: hidden tools are neither listed nor callable; with
 * pinning enforced (`guard`), neither are tools whose current digest is not approved.
 */
export function buildForwardingServer(pool: StdioBridgePool, identity: ForwardedIdentity, onToolCall: ToolCallListener = () => {}, policy: ToolPolicy = OPEN_POLICY, guard?: ForwardingGuard): McpServer {
  const server = new McpServer(
    { name: identity.name, version: identity.version },
    { capabilities: identity.capabilities, ...(identity.instructions !== undefined && { instructions: identity.instructions }) },
  );
  const inner = server.server;
  const signalOf = (ctx: unknown) => (ctx as Ctx).mcpReq?.signal;
  if (identity.capabilities.tools) {
    inner.setRequestHandler('tools/list', async (request, ctx) => {
      // Only the bridge reports the surface: whatever the stdio server put under that key is dropped.
      const listed = withoutSurfaceMeta(await pool.run((client, options) => client.listTools(request.params, options), signalOf(ctx)));
      if (!policesListings(policy, guard?.enforcement)) return listed;
      guard?.surface.observe(listed.tools);
      const policed = policeToolList(policy, listed.tools, guard?.enforcement);
      return withSurfaceMeta({ ...listed, tools: policed.tools }, policed.surface);
    });
    inner.setRequestHandler('tools/call', async (request, ctx) => {
      const upstream = resolveToolCall(policy, request.params.name);
      // The same answer as for a tool the server never had: a hidden tool is not confirmed to exist.
      if (upstream === undefined) throw new ProtocolError(ProtocolErrorCode.InvalidParams, unknownToolMessage(request.params.name));
      if (guard && !(await mayForward(guard, upstream))) throw new ProtocolError(ProtocolErrorCode.InvalidParams, withheldToolMessage(request.params.name));
      const started = process.hrtime.bigint();
      const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
      try {
        // stdio has no headers: the call's trace context (this call's span, when tracing is on) travels in its _meta.
        const { params } = withTraceMeta({ params: { ...request.params, name: upstream } }, context.active());
        const result = await pool.run((client, options) => client.callTool(params, options), signalOf(ctx));
        onToolCall({ tool: request.params.name, outcome: result.isError ? 'tool_error' : 'success', seconds: seconds() });
        return result;
      } catch (error) {
        onToolCall({ tool: request.params.name, outcome: 'error', seconds: seconds() });
        return { content: [{ type: 'text' as const, text: `${request.params.name} failed: ${describeFailure(error)}` }], isError: true };
      }
    });
  }
  if (identity.capabilities.prompts) {
    inner.setRequestHandler('prompts/list', (request, ctx) => pool.run((client, options) => client.listPrompts(request.params, options), signalOf(ctx)));
    inner.setRequestHandler('prompts/get', (request, ctx) => pool.run((client, options) => client.getPrompt(request.params, options), signalOf(ctx)));
  }
  if (identity.capabilities.resources) {
    inner.setRequestHandler('resources/list', (request, ctx) => pool.run((client, options) => client.listResources(request.params, options), signalOf(ctx)));
    inner.setRequestHandler('resources/templates/list', (request, ctx) => pool.run((client, options) => client.listResourceTemplates(request.params, options), signalOf(ctx)));
    inner.setRequestHandler('resources/read', (request, ctx) => pool.run((client, options) => client.readResource(request.params, options), signalOf(ctx)));
  }
  if (identity.capabilities.completions) {
    inner.setRequestHandler('completion/complete', (request, ctx) => pool.run((client, options) => client.complete(request.params, options), signalOf(ctx)));
  }
  return server;
}
