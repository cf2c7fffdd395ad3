// The proxy's view of JSON-RPC traffic, pure: which requests of a POST body are tools/call and
// tools/list (so their answers can be policed and measured), calls to tools the policy hides
// (answered by the proxy, never forwarded), and the rewriting of answers on the way back.
import type { Enforcement } from '../kit/toolPinning.ts';
import { policeToolList, policesListings, withheldToolMessage } from '../kit/toolPinning.ts';
import type { ToolPolicy } from '../kit/toolPolicy.ts';
import { exposedName, resolveToolCall, unknownToolMessage } from '../kit/toolPolicy.ts';
import type { DescribedTool } from '../kit/toolSurface.ts';
import { withoutSurfaceMeta, withSurfaceMeta } from '../kit/toolSurface.ts';

type Id = string | number;

interface JsonRpcRequest {
  jsonrpc: '2.0';
  id?: Id | null;
  method: string;
  params?: Record<string, unknown>;
}

export interface PolicedRequest {
  /** The body to forward (tool names mapped to the upstream's); undefined when nothing is left to forward. */
  forward: unknown;
  /** Answers the proxy gives itself (calls to hidden tools). */
  refusals: unknown[];
  /** tools/call requests being forwarded: id → the name the client used. */
  calls: Map<Id, string>;
  /** ids of forwarded tools/list requests. */
  lists: Set<Id>;
}

function isRequest(value: unknown): value is JsonRpcRequest {
  return typeof value === 'object' && value !== null && typeof (value as JsonRpcRequest).method === 'string';
}

function hasId(message: JsonRpcRequest): message is JsonRpcRequest & { id: Id } {
  return typeof message.id === 'string' || typeof message.id === 'number';
}

/** The upstream names of the exposed tools a POST body calls (to check them against the pinned baseline first). */
export function calledUpstreamTools(policy: ToolPolicy, body: unknown): string[] {
  const names: string[] = [];
  for (const message of Array.isArray(body) ? body : [body]) {
    if (!isRequest(message) || !hasId(message) || message.method !== 'tools/call') continue;
    const upstream = resolveToolCall(policy, typeof message.params?.name === 'string' ? message.params.name : '');
    if (upstream !== undefined) names.push(upstream);
  }
  return names;
}

/**
 * Splits a POST body (one message or a batch) into what to forward and what to refuse: calls to
 * tools the policy hides, and calls to `withheld` upstream tools (pinning enforcement).
 */
export function policeRequest(policy: ToolPolicy, body: unknown, withheld: ReadonlySet<string> = new Set()): PolicedRequest {
  const calls = new Map<Id, string>();
  const lists = new Set<Id>();
  const refusals: unknown[] = [];
  const police = (message: unknown): unknown => {
    if (!isRequest(message) || !hasId(message)) return message;
    if (message.method === 'tools/list') lists.add(message.id);
    if (message.method !== 'tools/call') return message;
    const requested = typeof message.params?.name === 'string' ? message.params.name : '';
    const upstream = resolveToolCall(policy, requested);
    if (upstream === undefined) {
      // The error the SDK gives for a tool that does not exist, so a hidden tool is not confirmed.
      refusals.push({ jsonrpc: '2.0', id: message.id, error: { code: -32602, message: unknownToolMessage(requested) } });
      return undefined;
    }
    if (withheld.has(upstream)) {
      refusals.push({ jsonrpc: '2.0', id: message.id, error: { code: -32602, message: withheldToolMessage(requested) } });
      return undefined;
    }
    calls.set(message.id, requested);
    return upstream === requested ? message : { ...message, params: { ...message.params, name: upstream } };
  };
  if (Array.isArray(body)) {
    const kept = body.map(police).filter((m) => m !== undefined);
    return { forward: kept.length > 0 ? kept : undefined, refusals, calls, lists };
  }
  return { forward: police(body), refusals, calls, lists };
}

export type CallOutcome = 'success' | 'tool_error' | 'error';

export interface ResponseFindings {
  /** The message to pass on (rewritten tools/list results). */
  message: unknown;
  /** Set when the message answers a tools/call. */
  call?: { id: Id; outcome: CallOutcome };
}

interface JsonRpcResponse {
  id?: Id | null;
  result?: { tools?: unknown; isError?: unknown; _meta?: Record<string, unknown> };
  error?: unknown;
}

/**
 * Polices one message coming back from the upstream. Every tools/list answer loses the
 * upstream's own surface report (only the proxy reports the surface); with a policy or pinning
 * enforcement it is rewritten, and `onListed` sees the upstream's tools as listed.
 */
export function policeResponse(policy: ToolPolicy, request: Pick<PolicedRequest, 'calls' | 'lists'>, message: unknown, enforcement?: Enforcement, onListed?: (tools: DescribedTool[]) => void): ResponseFindings {
  if (typeof message !== 'object' || message === null) return { message };
  const response = message as JsonRpcResponse;
  const id = response.id;
  if (id === undefined || id === null) return { message };
  if (request.calls.has(id)) {
    const outcome: CallOutcome = response.error !== undefined ? 'error' : response.result?.isError === true ? 'tool_error' : 'success';
    return { message, call: { id, outcome } };
  }
  if (request.lists.has(id) && response.result && Array.isArray(response.result.tools)) {
    const result = withoutSurfaceMeta(response.result);
    if (!policesListings(policy, enforcement)) return { message: result === response.result ? message : { ...response, result } };
    const offered = (result.tools as unknown[]).filter((t): t is DescribedTool => typeof (t as { name?: unknown })?.name === 'string');
    onListed?.(offered);
    const policed = policeToolList(policy, offered, enforcement);
    return { message: { ...response, result: withSurfaceMeta({ ...result, tools: policed.tools }, policed.surface) } };
  }
  return { message };
}

/** The name a tools/call is measured under: the one clients see. */
export function measuredName(policy: ToolPolicy, upstreamName: string): string {
  return exposedName(policy, upstreamName);
}
