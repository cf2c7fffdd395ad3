// A direct path for the hot requests of the current protocol revision (2026-07-28): single
// `tools/call` and `tools/list` POSTs. Profiling (hack/bench/servers.ts) showed the SDK's HTTP
// entry spending most of each call on per-exchange machinery that carries no information for a
// stateless JSON answer: a web Request/Response pair and a body stream, a pooled McpServer
// connected to and disconnected from a fresh transport (with an SdkError built on every close),
// and zod type guards run on the same message several times.
//
// What stays exactly the SDK's: the era classification (classifyInboundRequest, envelope
// validation included), the request handler chain registered on a real McpServer (request schema
// validation, tool lookup, the tool's zod input schema, output schema and CallToolResult checks)
// and the 2026 encode step (resultType, cache fields, serverInfo). Only the dispatch around them
// is done here, on one long-lived instance bound to the modern era, which is safe because those
// handlers keep no per-exchange state.
//
// Anything the fast path is not certain to answer exactly like the SDK entry — another revision,
// a header or envelope problem, a retry/input-response field, an unknown tool, a tool with header
// or scope declarations — is handed to the SDK entry before any tool code runs, so the SDK
// produces every entry-level rejection; tool-level outcomes (invalid arguments, tool errors) come
// from the SDK's own handler chain on both paths. test/fastPath.test.ts compares both paths byte by
// byte. The SDK internals used here are probed at startup; when they are missing (another SDK
// version) the fast path switches itself off and every request takes the SDK entry.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { McpServer } from '@modelcontextprotocol/server';
import {
  PerRequestHTTPServerTransport,
  ProtocolErrorCode,
  SdkError,
  SdkErrorCode,
  classifyInboundRequest,
  isJsonContentType,
} from '@modelcontextprotocol/server';

/** The revision served here; other modern revisions (none yet) go through the SDK entry. */
export const FAST_PATH_REVISION = '2026-07-28';

const PROTOCOL_VERSION_KEY = 'io.modelcontextprotocol/protocolVersion';
/** The reserved envelope keys the SDK lifts out of params._meta (liftWireOnlyMaterial). */
const ENVELOPE_KEYS = [PROTOCOL_VERSION_KEY, 'io.modelcontextprotocol/clientInfo', 'io.modelcontextprotocol/clientCapabilities', 'io.modelcontextprotocol/logLevel'];
/** Multi-round-trip retry fields: the SDK gives them extra handling, so they take its path. */
const RETRY_KEYS = ['inputResponses', 'requestState'];
/** Mcp-Name values in this form are Base64-decoded by the SDK; left to it. */
const BASE64_SENTINEL_PREFIX = '=?base64?';

type JsonRpcId = string | number;
type Handler = (request: Record<string, unknown>, ctx: unknown) => Promise<unknown>;

interface WireCodec {
  era: string;
  encodeResult(method: string, result: unknown, serverInfo: unknown): unknown;
  encodeErrorCode(code: number): number;
  checkInboundEnvelope(material: { envelope?: Record<string, unknown> }): string | undefined;
}

/** The SDK members used here: public at runtime, internal in the type declarations. */
interface ServerInternals {
  _requestHandlers: Map<string, Handler>;
  _wireCodec(): WireCodec;
  _outboundServerInfo(): unknown;
  _servedModernEra(): boolean;
  buildContext(ctx: Record<string, unknown>, transportInfo: Record<string, unknown>): unknown;
}

interface McpServerInternals {
  _registeredTools: Record<string, { enabled: boolean; scopeChallenge?: unknown } | undefined>;
  toolInputSchemaJson(name: string): unknown;
}

export interface FastPath {
  /**
   * Serves the request when it is a fast-path request and returns the promise of its answer;
   * returns undefined (having touched nothing) when the SDK entry must serve it.
   */
  serve(req: IncomingMessage, res: ServerResponse, parsedBody: unknown, authInfo: unknown): Promise<void> | undefined;
  /** Requests served so far (for tests and the benchmark). */
  readonly served: number;
  /** Like the SDK entry's close(): in-flight exchanges end with 499, later requests take the SDK path (which refuses them). */
  close(): void;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** RFC 9110 optional whitespace (SP / HTAB) trimmed, as the SDK does before comparing. */
function stripOws(value: string): string {
  return value.replace(/^[ \t]+|[ \t]+$/g, '');
}

interface StandardHeaders {
  contentType: string | null;
  protocolVersion: string | undefined;
  mcpMethod: string | undefined;
  mcpName: string | undefined;
}

/** The headers the SDK reads, with repeated fields joined by ", " exactly as a web Headers object does. */
function standardHeaders(rawHeaders: string[]): StandardHeaders {
  const found: Record<string, string | undefined> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] as string).toLowerCase();
    if (name === 'content-type' || name === 'mcp-protocol-version' || name === 'mcp-method' || name === 'mcp-name') {
      const value = (rawHeaders[i + 1] as string).trim();
      const previous = found[name];
      found[name] = previous === undefined ? value : `${previous}, ${value}`;
    }
  }
  return {
    contentType: found['content-type'] ?? null,
    protocolVersion: found['mcp-protocol-version'],
    mcpMethod: found['mcp-method'],
    mcpName: found['mcp-name'],
  };
}

/** The SDK's liftWireOnlyMaterial for a request without retry fields: envelope keys move out of params._meta. */
function liftEnvelope(message: Record<string, unknown>, params: Record<string, unknown>): { request: Record<string, unknown>; envelope: Record<string, unknown> | undefined } {
  const meta = params._meta;
  if (!isPlainObject(meta)) return { request: message, envelope: undefined };
  const keys = ENVELOPE_KEYS.filter((key) => key in meta);
  if (keys.length === 0) return { request: message, envelope: undefined };
  const envelope: Record<string, unknown> = {};
  const nextMeta = { ...meta };
  for (const key of keys) {
    envelope[key] = meta[key];
    delete nextMeta[key];
  }
  const nextParams = { ...params };
  if (Object.keys(nextMeta).length > 0) nextParams._meta = nextMeta;
  else delete nextParams._meta;
  return { request: { ...message, params: nextParams }, envelope };
}

function refuseOutboundRequest(): never {
  throw new SdkError(SdkErrorCode.MethodNotSupportedByProtocolVersion, `Server-to-client requests are not available on protocol revision ${FAST_PATH_REVISION}.`);
}

/**
 * Builds the fast path on `server` (a dedicated instance, registered like the pooled ones), or
 * returns undefined when this SDK version does not expose what it needs.
 */
export async function createFastPath(server: McpServer, onerror: (error: Error) => void): Promise<FastPath | undefined> {
  const inner = server.server as unknown as Partial<ServerInternals>;
  const tools = server as unknown as Partial<McpServerInternals>;
  if (
    !(inner._requestHandlers instanceof Map) ||
    typeof inner._wireCodec !== 'function' ||
    typeof inner._outboundServerInfo !== 'function' ||
    typeof inner._servedModernEra !== 'function' ||
    typeof inner.buildContext !== 'function' ||
    !isPlainObject(tools._registeredTools) ||
    typeof tools.toolInputSchemaJson !== 'function'
  ) {
    return undefined;
  }
  // Bind the instance to the modern era the way the SDK entry binds its per-request instances;
  // the transport stays connected for the life of the server and is never used to send.
  await server.connect(new PerRequestHTTPServerTransport({ classification: { era: 'modern', revision: FAST_PATH_REVISION } }));
  const internals = inner as ServerInternals;
  const codec = internals._wireCodec();
  const callHandler = internals._requestHandlers.get('tools/call');
  const listHandler = internals._requestHandlers.get('tools/list');
  if (
    !internals._servedModernEra() ||
    codec.era !== FAST_PATH_REVISION ||
    typeof codec.encodeResult !== 'function' ||
    typeof codec.encodeErrorCode !== 'function' ||
    typeof codec.checkInboundEnvelope !== 'function' ||
    callHandler === undefined ||
    listHandler === undefined
  ) {
    await server.close().catch(() => {});
    return undefined;
  }
  const serverInfo = internals._outboundServerInfo();
  const registered = (tools as McpServerInternals)._registeredTools;

  // Tools whose calls the SDK entry pre-checks against request headers (x-mcp-header) or a scope
  // challenge are left to it.
  const eligibleTools = new Set<string>();
  for (const [name, tool] of Object.entries(registered)) {
    if (tool === undefined || !tool.enabled || tool.scopeChallenge !== undefined) continue;
    const schema = (tools as McpServerInternals).toolInputSchemaJson(name);
    if (schema === undefined || JSON.stringify(schema).includes('"x-mcp-header"')) continue;
    eligibleTools.add(name);
  }

  const inFlight = new Set<() => void>();
  let closed = false;
  let served = 0;

  const send = (res: ServerResponse, body: string) => {
    if (res.destroyed || res.headersSent) return;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }).end(body);
  };

  const serve = async (
    res: ServerResponse,
    handler: Handler,
    message: Record<string, unknown>,
    request: Record<string, unknown>,
    envelope: Record<string, unknown> | undefined,
    authInfo: unknown,
  ): Promise<void> => {
    const id = message.id as JsonRpcId;
    const method = message.method as string;
    const controller = new AbortController();
    let answered = false;
    // The SDK entry answers an exchange cut short (client gone, handler closed) with 499 and
    // aborts the handler's signal with a connection-closed error; so does this.
    const cutShort = () => {
      if (answered) return;
      answered = true;
      controller.abort(new SdkError(SdkErrorCode.ConnectionClosed, 'Connection closed'));
      if (!res.destroyed && !res.headersSent) res.writeHead(499).end();
    };
    const onClose = () => {
      if (!res.writableFinished) cutShort();
    };
    res.once('close', onClose);
    inFlight.add(cutShort);

    const params = request.params as Record<string, unknown> | undefined;
    const baseCtx = {
      sessionId: undefined,
      mcpReq: {
        id,
        method,
        _meta: params?._meta,
        ...(envelope !== undefined && { envelope }),
        requestState: () => undefined,
        signal: controller.signal,
        send: refuseOutboundRequest,
        // Kit tools get no notify channel (ToolContext), so nothing reaches this.
        notify: () => Promise.resolve(),
      },
      http: authInfo ? { authInfo } : undefined,
    };
    const ctx = internals.buildContext(baseCtx, { classification: { era: 'modern', revision: FAST_PATH_REVISION }, ...(authInfo !== undefined && { authInfo }) });

    let body: string;
    try {
      const result = await handler(request, ctx);
      if (answered) return;
      let encoded: unknown;
      try {
        encoded = codec.encodeResult(method, result, serverInfo);
      } catch (error) {
        onerror(new Error(`Failed to encode result for ${method}: ${String(error)}`));
        body = JSON.stringify({ jsonrpc: '2.0', id, error: { code: ProtocolErrorCode.InternalError, message: 'Internal error' } });
        answered = true;
        return send(res, body);
      }
      body = JSON.stringify({ result: encoded, jsonrpc: '2.0', id });
    } catch (error) {
      if (answered) return;
      const thrown = error as { code?: unknown; message?: string; data?: unknown };
      const code = Number.isSafeInteger(thrown.code) ? (thrown.code as number) : ProtocolErrorCode.InternalError;
      body = JSON.stringify({
        jsonrpc: '2.0',
        id,
        error: { code: codec.encodeErrorCode(code), message: thrown.message ?? 'Internal error', ...(thrown.data !== undefined && { data: thrown.data }) },
      });
    } finally {
      inFlight.delete(cutShort);
      res.off('close', onClose);
    }
    answered = true;
    send(res, body);
  };

  return {
    get served() {
      return served;
    },
    close() {
      closed = true;
      for (const cut of [...inFlight]) cut();
      inFlight.clear();
      void server.close().catch(() => {});
    },
    serve(req, res, parsedBody, authInfo) {
      if (closed || req.method !== 'POST' || !isPlainObject(parsedBody)) return undefined;
      const method = parsedBody.method;
      if (method !== 'tools/call' && method !== 'tools/list') return undefined;
      const params = parsedBody.params;
      if (!isPlainObject(params) || !isPlainObject(params._meta) || params._meta[PROTOCOL_VERSION_KEY] !== FAST_PATH_REVISION) return undefined;
      if (RETRY_KEYS.some((key) => key in params)) return undefined;
      if (method === 'tools/call' && (typeof params.name !== 'string' || !eligibleTools.has(params.name))) return undefined;

      const headers = standardHeaders(req.rawHeaders);
      if (!isJsonContentType(headers.contentType)) return undefined;
      // The SDK's standard-header rung: both headers present; for tools/call an Mcp-Name that
      // names the same tool in plain form (the SDK answers every other case itself).
      if (headers.protocolVersion === undefined || headers.mcpMethod === undefined) return undefined;
      if (method === 'tools/call') {
        if (headers.mcpName === undefined) return undefined;
        const name = stripOws(headers.mcpName);
        if (name.startsWith(BASE64_SENTINEL_PREFIX) || name !== params.name) return undefined;
      }
      // The SDK entry builds a URL from these; when that would fail it answers 500 itself.
      if (!URL.canParse(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`)) return undefined;

      const route = classifyInboundRequest({
        httpMethod: 'POST',
        ...(headers.protocolVersion !== undefined && { protocolVersionHeader: headers.protocolVersion }),
        ...(headers.mcpMethod !== undefined && { mcpMethodHeader: headers.mcpMethod }),
        ...(headers.mcpName !== undefined && { mcpNameHeader: headers.mcpName }),
        body: parsedBody,
      });
      if (route.kind !== 'modern' || route.messageKind !== 'request' || route.classification.revision !== FAST_PATH_REVISION) return undefined;

      const { request, envelope } = liftEnvelope(parsedBody, params);
      if (codec.checkInboundEnvelope({ ...(envelope !== undefined && { envelope }) }) !== undefined) return undefined;
      served += 1;
      return serve(res, method === 'tools/call' ? callHandler : listHandler, parsedBody, request, envelope, authInfo);
    },
  };
}

