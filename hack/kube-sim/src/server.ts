// The HTTP front of the simulator on node:http: routing, content negotiation, fault injection,
// accounting, and translation of service results and ApiErrors into kube-apiserver responses.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Registry } from './registry.ts';
import type { Store } from './store.ts';
import type { DeleteOptions, FieldValidation, ListOptions, PatchType, ResourceService, WriteContext } from './service.ts';
import { PATCH_CONTENT_TYPES } from './service.ts';
import type { Faults, RequestFacts } from './faults.ts';
import type { Accounting } from './accounting.ts';
import { userAgentProduct } from './accounting.ts';
import type { KubeObject, ResourceInfo } from './types.ts';
import { resourceKeyOf, typeKeyOf } from './types.ts';
import { ApiError, badRequest, methodNotAllowed, notFound, toApiError } from './errors.ts';
import { boolParam, decodeBody, negotiate, readBody, readBodyBytes, sendError, sendJson } from './http-util.ts';
import type { Negotiated } from './http-util.ts';
import { parseRoute, verbOf } from './routes.ts';
import type { ResourceRoute } from './routes.ts';
import { AGGREGATED_CONTENT_TYPE, aggregatedDiscovery, apiGroupDoc, apiGroupList, apiResourceList, apiVersions, wantsAggregated } from './discovery.ts';
import { WatchStream } from './watch.ts';
import { parseFieldSelector, parseLabelSelector, SelectorError } from './algebra/selectors.ts';
import { defaultColumnsFor, defaultCrdColumns, toTable } from './algebra/table.ts';
import { openApiDocumentFor, openApiIndex } from './openapi.ts';
import { isPlainObject } from './object-util.ts';
import { isAccessReview, serveAccessReview } from './authorization.ts';

export const SIMULATED_VERSION = {
  major: '1',
  minor: '33',
  gitVersion: 'v1.33.0+kube-sim',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-01-01T00:00:00Z',
  goVersion: 'go1.24.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export interface ServerDeps {
  store: Store;
  registry: Registry;
  service: ResourceService;
  faults: Faults;
  accounting: Accounting;
  bookmarkIntervalMs: number;
  now: () => Date;
  log: (line: string) => void;
  /** Extra routes under /_sim/ (fault and accounting control for out-of-process clients). */
  control?: (req: IncomingMessage, res: ServerResponse, path: string, body: unknown) => boolean;
}

export function createApiServer(deps: ServerDeps): Server {
  const server = createServer({ keepAlive: true }, (req, res) => {
    handle(deps, req, res).catch((err: unknown) => {
      // Last resort: never let a request crash the process.
      deps.log(`kube-sim: unhandled error for ${req.method ?? ''} ${req.url ?? ''}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      if (!res.headersSent) sendError(res, toApiError(err));
      else res.destroy();
    });
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
  });
  return server;
}

async function handle(deps: ServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://kube-sim.local');
  const method = req.method ?? 'GET';
  const userAgent = req.headers['user-agent'] ?? 'unknown';
  const route = parseRoute(url.pathname);

  if (route.kind === 'other') {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    deps.accounting.record({ userAgent, verb: 'get', resource: path, namespace: '', code: 200 });
    if (path.startsWith('/_sim/') && deps.control !== undefined) {
      const text = method === 'GET' ? '' : await readBody(req);
      const body = text === '' ? undefined : decodeBody(text, 'application/json');
      if (deps.control(req, res, path, body)) return;
    }
    serveNonResource(deps, req, res, path, url);
    return;
  }
  if (route.kind !== 'resource') {
    deps.accounting.record({ userAgent, verb: 'get', resource: url.pathname, namespace: '', code: 200 });
    serveDiscovery(deps, req, res, route);
    return;
  }

  const r = route.route;
  let watch: boolean;
  try {
    watch = boolParam(url.searchParams.get('watch'), 'watch');
  } catch (err) {
    sendError(res, toApiError(err));
    return;
  }
  const verb = verbOf(method, r, watch);
  const info = deps.registry.lookup(r.group, r.version, r.plural);
  const resourceName = info !== undefined ? resourceKeyOf(info) : r.group === '' ? r.plural : `${r.plural}.${r.group}`;
  const facts: RequestFacts = { verb, resource: resourceName, namespace: r.namespace, userAgent };
  const fieldManager = url.searchParams.get('fieldManager') ?? undefined;
  const record = (code: number): void => {
    const rec: Parameters<Accounting['record']>[0] = { userAgent, verb, resource: resourceName, namespace: r.namespace, code };
    if (fieldManager !== undefined) rec.fieldManager = fieldManager;
    deps.accounting.record(rec);
  };
  // A watch stays open; count it when it starts rather than when it ends. (Never remove the
  // response's 'finish' listeners: Node's own one moves a keep-alive connection on to its next
  // request, and without it the connection never answers again after a watch on it ends.)
  if (verb === 'watch') record(200);
  else res.on('finish', () => record(res.statusCode));

  try {
    const latency = deps.faults.latencyFor(facts);
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
    const injected = deps.faults.errorFor(facts);
    if (injected !== undefined) {
      const details = injected.retryAfterSeconds !== undefined ? { retryAfterSeconds: injected.retryAfterSeconds } : undefined;
      throw new ApiError(injected.code, injected.reason, injected.message, details);
    }
    if (info === undefined) {
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource', { group: r.group, kind: r.plural });
    }
    if (isAccessReview(r.group, r.plural) && r.name === '') return await serveAccessReview(deps.store, req, res, r.plural);
    await serveResource(deps, req, res, url, r, info, verb, userAgent);
  } catch (err) {
    const apiErr = toApiError(err);
    if (apiErr.code >= 500 && !(apiErr.reason === 'InternalError' && apiErr.message.includes('injected'))) {
      deps.log(`kube-sim: ${method} ${url.pathname}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    }
    if (res.headersSent) res.destroy();
    else sendError(res, apiErr);
  }
}

function serveNonResource(deps: ServerDeps, req: IncomingMessage, res: ServerResponse, path: string, url: URL): void {
  if (path === '/version') return sendJson(res, 200, SIMULATED_VERSION);
  if (path === '/healthz' || path === '/readyz' || path === '/livez' || /^\/(healthz|readyz|livez)\//.test(path)) {
    res.statusCode = 200;
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.end('ok');
    return;
  }
  if (path === '/openapi/v3') return sendJson(res, 200, openApiIndex(deps.registry));
  if (path.startsWith('/openapi/v3/')) {
    const doc = openApiDocumentFor(deps.registry, path.slice('/openapi/v3/'.length));
    if (doc === undefined) return sendError(res, new ApiError(404, 'NotFound', 'the server could not find the requested resource'));
    return sendJson(res, 200, doc);
  }
  void url;
  void req;
  sendError(res, new ApiError(404, 'NotFound', 'the server could not find the requested resource'));
}

function serveDiscovery(deps: ServerDeps, req: IncomingMessage, res: ServerResponse, route: Exclude<ReturnType<typeof parseRoute>, { kind: 'resource' } | { kind: 'other' }>): void {
  const accept = req.headers.accept;
  if (route.kind === 'api') {
    if (wantsAggregated(accept)) return sendJson(res, 200, aggregatedDiscovery(deps.registry, true), AGGREGATED_CONTENT_TYPE);
    const host = req.headers.host ?? '127.0.0.1';
    return sendJson(res, 200, apiVersions(host));
  }
  if (route.kind === 'apis') {
    if (wantsAggregated(accept)) return sendJson(res, 200, aggregatedDiscovery(deps.registry, false), AGGREGATED_CONTENT_TYPE);
    return sendJson(res, 200, apiGroupList(deps.registry));
  }
  if (route.kind === 'group') {
    const doc = apiGroupDoc(deps.registry, route.group);
    if (doc === undefined) return sendError(res, new ApiError(404, 'NotFound', 'the server could not find the requested resource'));
    return sendJson(res, 200, doc);
  }
  const list = apiResourceList(deps.registry, route.group, route.version);
  if (list === undefined) return sendError(res, new ApiError(404, 'NotFound', 'the server could not find the requested resource'));
  sendJson(res, 200, list);
}

function listOptions(url: URL): ListOptions {
  const opts: ListOptions = {};
  try {
    const ls = url.searchParams.get('labelSelector');
    if (ls !== null && ls !== '') opts.labelSelector = parseLabelSelector(ls);
    const fs = url.searchParams.get('fieldSelector');
    if (fs !== null && fs !== '') opts.fieldSelector = parseFieldSelector(fs);
  } catch (err) {
    if (err instanceof SelectorError) throw badRequest(err.message);
    throw err;
  }
  const limit = url.searchParams.get('limit');
  if (limit !== null && limit !== '') {
    const n = Number(limit);
    if (!Number.isInteger(n) || n < 0) throw badRequest(`invalid limit "${limit}": must be a non-negative integer`);
    opts.limit = n;
  }
  const cont = url.searchParams.get('continue');
  if (cont !== null && cont !== '') opts.continueToken = cont;
  return opts;
}

function writeContext(url: URL, userAgent: string): WriteContext {
  const dryRun = url.searchParams.getAll('dryRun');
  const fv = url.searchParams.get('fieldValidation') ?? 'Warn';
  if (!['Strict', 'Warn', 'Ignore'].includes(fv)) throw badRequest(`fieldValidation must be one of Strict, Warn, Ignore, got "${fv}"`);
  if (dryRun.some((d) => d !== 'All')) throw badRequest(`dryRun: Unsupported value: "${dryRun.join(',')}": supported values: "All"`);
  const named = url.searchParams.get('fieldManager');
  const manager = named ?? userAgentProduct(userAgent);
  return { manager, managerFromQuery: named !== null && named !== '', dryRun: dryRun.includes('All'), fieldValidation: fv as FieldValidation, warnings: [] };
}

/** Representation chosen by Accept for one object or a list. */
function encoder(deps: ServerDeps, info: ResourceInfo, negotiated: Negotiated, url: URL): (objs: KubeObject[]) => unknown {
  if (negotiated.as === 'Table') {
    const includeObject = (url.searchParams.get('includeObject') ?? 'Metadata') as 'None' | 'Object' | 'Metadata';
    const columns = info.custom ? (info.printerColumns ?? defaultCrdColumns()) : defaultColumnsFor(typeKeyOf(info));
    return (objs) => toTable(columns, objs, { includeObject, now: deps.now() });
  }
  if (negotiated.as === 'PartialObjectMetadata') {
    return (objs) => objs.map((o) => ({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata }));
  }
  return (objs) => objs;
}

async function serveResource(
  deps: ServerDeps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  r: ResourceRoute,
  info: ResourceInfo,
  verb: string,
  userAgent: string,
): Promise<void> {
  const { service } = deps;
  if (!info.namespaced && r.namespace !== '') throw notFound(info.plural, info.group, r.name || r.namespace);
  const namespace = r.namespace;
  const sub = r.subresource;
  if (sub !== '' && !info.subresources.includes(sub) && !(info.kind === 'Namespace' && sub === 'finalize')) {
    throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  }
  if (info.namespaced && r.name !== '' && namespace === '' && verb !== 'list') {
    throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  }
  const negotiated = negotiate(req.headers.accept);
  const encode = encoder(deps, info, negotiated, url);

  if (verb === 'watch') {
    const opts = listOptions(url);
    if (r.name !== '') {
      opts.fieldSelector = parseFieldSelector(`metadata.name=${r.name}`);
    }
    const rv = url.searchParams.get('resourceVersion');
    const timeout = url.searchParams.get('timeoutSeconds');
    const params: ConstructorParameters<typeof WatchStream>[0] = {
      info,
      namespace,
      allowBookmarks: boolParam(url.searchParams.get('allowWatchBookmarks'), 'allowWatchBookmarks'),
      sendInitialEvents: boolParam(url.searchParams.get('sendInitialEvents'), 'sendInitialEvents'),
      encode: (obj) => {
        const out = encode([obj]);
        return Array.isArray(out) ? out[0] : out;
      },
      plain: negotiated.as === 'object',
    };
    if (rv !== null) params.resourceVersion = rv;
    if (timeout !== null && timeout !== '') params.timeoutSeconds = Number(timeout);
    if (opts.labelSelector !== undefined) params.labelSelector = opts.labelSelector;
    if (opts.fieldSelector !== undefined) params.fieldSelector = opts.fieldSelector;
    new WatchStream(params, { store: deps.store, service, faults: deps.faults, bookmarkIntervalMs: deps.bookmarkIntervalMs }, res).start();
    return;
  }

  if (verb === 'get') {
    if (sub === 'scale') return sendJson(res, 200, service.getScale(info, namespace, r.name));
    const obj = service.get(info, namespace, r.name);
    const out = encode([obj]);
    return sendJson(res, 200, Array.isArray(out) ? out[0] : out);
  }
  if (verb === 'list') {
    const result = service.list(info, namespace, listOptions(url));
    const metadata: Record<string, unknown> = { resourceVersion: result.resourceVersion };
    if (result.continueToken !== undefined) metadata.continue = result.continueToken;
    if (result.remainingItemCount !== undefined) metadata.remainingItemCount = result.remainingItemCount;
    const encoded = encode(result.items);
    if (negotiated.as === 'Table') {
      const table = encoded as Record<string, unknown>;
      table.metadata = metadata;
      return sendJson(res, 200, table);
    }
    const kind = negotiated.as === 'PartialObjectMetadata' ? 'PartialObjectMetadataList' : info.listKind;
    const apiVersion = negotiated.as === 'PartialObjectMetadata' ? 'meta.k8s.io/v1' : info.group === '' ? info.version : `${info.group}/${info.version}`;
    // kube-apiserver's typed lists leave kind and apiVersion off built-in items; custom resources
    // are unstructured and keep them.
    const items = negotiated.as === 'object' && !info.custom ? (encoded as KubeObject[]).map(({ kind: _k, apiVersion: _v, ...item }) => item) : encoded;
    // kube-apiserver encodes an empty PartialObjectMetadataList's nil slice as `"items": null`
    // (typed and custom resource lists send []); clients must cope, so kube-sim sends it too.
    const metadataOnlyAndEmpty = negotiated.as === 'PartialObjectMetadata' && Array.isArray(items) && items.length === 0;
    return sendJson(res, 200, { kind, apiVersion, metadata, items: metadataOnlyAndEmpty ? null : items });
  }

  const contentType = req.headers['content-type'] ?? 'application/json';
  const raw = await readBodyBytes(req);
  const text = raw.toString('utf8');
  const ctx = writeContext(url, userAgent);
  const warnings = ctx.warnings ?? [];

  if (verb === 'create') {
    if (r.name !== '' && !(info.kind === 'Namespace' && sub !== '')) throw methodNotAllowed(`the server does not allow this method on the requested resource`);
    const body = decodeBody(text, contentType, raw);
    const created = service.create(info, namespace, body, ctx);
    return sendJson(res, 201, single(encode, created), 'application/json', warnings);
  }
  if (verb === 'update') {
    const body = decodeBody(text, contentType, raw);
    if (sub === 'scale') {
      return sendJson(res, 200, service.writeScale(info, namespace, r.name, { put: body }, ctx), 'application/json', warnings);
    }
    const updated = service.update(info, namespace, r.name, body, ctx, sub === '' ? undefined : sub);
    return sendJson(res, 200, single(encode, updated), 'application/json', warnings);
  }
  if (verb === 'patch') {
    const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
    const patchType: PatchType | undefined = PATCH_CONTENT_TYPES[mediaType];
    if (patchType === undefined) {
      throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
    }
    const body = decodeBody(text, patchType === 'apply' ? 'application/yaml' : 'application/json');
    if (sub === 'scale') {
      return sendJson(res, 200, service.writeScale(info, namespace, r.name, { patchType, patch: body }, ctx), 'application/json', warnings);
    }
    const existed = patchType === 'apply' ? service.tryGet(info, namespace, r.name) !== undefined : true;
    const opts: { force?: boolean; subresource?: string } = { force: boolParam(url.searchParams.get('force'), 'force') };
    if (sub !== '') opts.subresource = sub;
    if (opts.force === true && patchType !== 'apply') throw badRequest('force is only allowed for apply patches');
    const patched = service.patch(info, namespace, r.name, patchType, body, ctx, opts);
    return sendJson(res, existed ? 200 : 201, single(encode, patched), 'application/json', warnings);
  }
  if (verb === 'delete' || verb === 'deletecollection') {
    const body = decodeBody(text, contentType, raw);
    const options = deleteOptions(url, body);
    if (verb === 'deletecollection') {
      const deleted = service.deleteCollection(info, namespace, listOptions(url), options, ctx);
      return sendJson(res, 200, { kind: info.listKind, apiVersion: info.group === '' ? info.version : `${info.group}/${info.version}`, metadata: {}, items: deleted });
    }
    const result = service.delete(info, namespace, r.name, options, ctx);
    if (result.removed && !info.custom && info.kind !== 'Pod') {
      // Most built-in registries answer an immediate deletion with a Success Status.
      return sendJson(res, 200, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: { name: r.name, group: info.group, kind: info.plural, uid: result.object.metadata.uid },
      });
    }
    return sendJson(res, 200, single(encode, result.object));
  }
  throw methodNotAllowed(`the server does not allow this method on the requested resource`);
}

function single(encode: (objs: KubeObject[]) => unknown, obj: KubeObject): unknown {
  const out = encode([obj]);
  return Array.isArray(out) ? out[0] : out;
}

function deleteOptions(url: URL, body: unknown): DeleteOptions {
  const opts: DeleteOptions = {};
  const source: Record<string, unknown> = isPlainObject(body) ? body : {};
  const policy = url.searchParams.get('propagationPolicy') ?? source.propagationPolicy;
  if (policy !== undefined && policy !== null) {
    if (policy !== 'Background' && policy !== 'Foreground' && policy !== 'Orphan') {
      throw badRequest(`propagationPolicy: Unsupported value: "${String(policy)}": supported values: "Foreground", "Background", "Orphan"`);
    }
    opts.propagationPolicy = policy;
  } else {
    const orphan = url.searchParams.get('orphanDependents') ?? source.orphanDependents;
    if (orphan === true || orphan === 'true') opts.propagationPolicy = 'Orphan';
  }
  if (isPlainObject(source.preconditions)) {
    const pre: { uid?: string; resourceVersion?: string } = {};
    if (typeof source.preconditions.uid === 'string') pre.uid = source.preconditions.uid;
    if (typeof source.preconditions.resourceVersion === 'string') pre.resourceVersion = source.preconditions.resourceVersion;
    opts.preconditions = pre;
  }
  const dry = url.searchParams.getAll('dryRun');
  if (dry.includes('All') || (Array.isArray(source.dryRun) && source.dryRun.includes('All'))) opts.dryRun = true;
  return opts;
}
