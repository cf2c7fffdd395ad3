// The proxy's view of JSON-RPC traffic, pure: which requests of a POST body are tools/call and
// tools/list (so their answers can be policed and measured), calls to tools the policy hides
// (answered by the proxy, never forwarded), and the rewriting of answers on the way back.
import type { ToolPolicy } from '../kit/toolPolicy.ts';
import { applyToolPolicy, exposedName, isOpenPolicy, resolveToolCall, unknownToolMessage, withSurfaceMeta } from '../kit/toolPolicy.ts';

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

/** Splits a POST body (one message or a batch) into what to forward and what to refuse. */
export function policeRequest(policy: ToolPolicy, body: unknown): PolicedRequest {
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

/** Polices one message coming back from the upstream. */
export function policeResponse(policy: ToolPolicy, request: Pick<PolicedRequest, 'calls' | 'lists'>, message: unknown): ResponseFindings {
  if (typeof message !== 'object' || message === null) return { message };
  const response = message as JsonRpcResponse;
  const id = response.id;
  if (id === undefined || id === null) return { message };
  if (request.calls.has(id)) {
    const outcome: CallOutcome = response.error !== undefined ? 'error' : response.result?.isError === true ? 'tool_error' : 'success';
    return { message, call: { id, outcome } };
  }
  if (request.lists.has(id) && Array.isArray(response.result?.tools) && !isOpenPolicy(policy)) {
    const offered = (response.result.tools as unknown[]).filter((t): t is { name: string } => typeof (t as { name?: unknown })?.name === 'string');
    const exposed = applyToolPolicy(policy, offered);
    return { message: { ...response, result: withSurfaceMeta({ ...response.result, tools: exposed }, { offered: offered.length, exposed: exposed.length }) } };
  }
  return { message };
}

/** The name a tools/call is measured under: the one clients see. */
export function measuredName(policy: ToolPolicy, upstreamName: string): string {
  return exposedName(policy, upstreamName);
}
