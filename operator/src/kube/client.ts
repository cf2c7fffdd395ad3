// A thin JSON REST client for the Kubernetes API. Authentication and TLS come from client-node's
// KubeConfig (`applyToHTTPSOptions`: bearer tokens, exec/OIDC plugins, client certificates, CA),
// the transport is node:http(s). We do not use client-node's generated API classes here: they
// deserialize into model classes (timestamps become Date objects), need a discovery round trip
// per kind (KubernetesObjectApi) and offer no status-subresource or per-request timeout control.
import * as http from 'node:http';
import * as https from 'node:https';
import { existsSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { kubeApiSpan, OPERATOR_ATTR } from '../observability/tracing.ts';
import { KubeApiError } from './errors.ts';
import { withQuery } from './paths.ts';
import type { KubeList, KubeObject, KubeStatus, PropagationPolicy } from './types.ts';

export interface LoadKubeConfigOptions {
  /** Explicit kubeconfig file; otherwise in-cluster when running in a pod, else $KUBECONFIG / ~/.kube/config. */
  kubeconfigPath?: string | undefined;
  /** Context to use instead of the file's current-context. */
  context?: string | undefined;
}

const IN_CLUSTER_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export function loadKubeConfig(opts: LoadKubeConfigOptions = {}): KubeConfig {
  const kc = new KubeConfig();
  if (opts.kubeconfigPath) {
    if (!existsSync(opts.kubeconfigPath)) throw new Error(`kubeconfig file ${opts.kubeconfigPath} does not exist`);
    kc.loadFromFile(opts.kubeconfigPath);
  } else if (process.env.KUBERNETES_SERVICE_HOST && existsSync(IN_CLUSTER_TOKEN)) {
    kc.loadFromCluster();
  } else {
    kc.loadFromDefault();
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      throw new Error(`kubeconfig has no context ${JSON.stringify(opts.context)} (available: ${kc.getContexts().map((c) => c.name).join(', ') || 'none'})`);
    }
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentCluster()) throw new Error('kubeconfig has no current cluster');
  return kc;
}

export type QueryParams = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: QueryParams | undefined;
  body?: unknown;
  contentType?: string | undefined;
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Accept header (default application/json), e.g. to ask for PartialObjectMetadata. */
  accept?: string | undefined;
}

export interface ListOptions {
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  limit?: number | undefined;
  continue?: string | undefined;
  accept?: string | undefined;
  resourceVersion?: string | undefined;
}

export interface KubeClientOptions {
  kc: KubeConfig;
  /** Sent as User-Agent; kube-sim's request accounting groups by it. */
  userAgent?: string | undefined;
  /** Default timeout for non-watch requests. */
  requestTimeoutMs?: number | undefined;
}

export class KubeClient {
  readonly kc: KubeConfig;
  readonly server: string;
  private readonly userAgent: string;
  private readonly requestTimeoutMs: number;

  constructor(opts: KubeClientOptions) {
    this.kc = opts.kc;
    const cluster = opts.kc.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    this.server = cluster.server.replace(/\/+$/, '');
    this.userAgent = opts.userAgent ?? 'mcpfleet-operator';
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
  }

  /** Sends one request and returns the parsed JSON body; throws KubeApiError on HTTP ≥ 400. */
  async request<T>(opts: RequestOptions): Promise<T> {
    // Inside a reconcile: a client span, and traceparent for the API server's own tracing.
    return kubeApiSpan(opts.method, opts.path, async (traceHeaders, span) => {
      const res = await this.open(opts, traceHeaders);
      const text = await readBody(res);
      const status = res.statusCode ?? 0;
      span?.setAttribute(OPERATOR_ATTR.httpStatus, status);
      if (status >= 400) throw apiError(status, opts.method, opts.path, text, res.headers['retry-after']);
      if (text === '') return undefined as T;
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new Error(`${opts.method} ${opts.path}: HTTP ${status} with a body that is not JSON: ${text.slice(0, 200)}`);
      }
    });
  }

  /**
   * Opens a request and resolves with the response once headers arrive, without reading the
   * body (the watch reads it as a stream). An error status is turned into KubeApiError here.
   */
  async stream(opts: RequestOptions): Promise<http.IncomingMessage> {
    const res = await this.open({ ...opts, timeoutMs: opts.timeoutMs ?? 0 });
    const status = res.statusCode ?? 0;
    if (status >= 400) {
      const text = await readBody(res);
      throw apiError(status, opts.method, opts.path, text, res.headers['retry-after']);
    }
    return res;
  }

  async get<T extends KubeObject>(path: string, signal?: AbortSignal): Promise<T | undefined> {
    try {
      return await this.request<T>({ method: 'GET', path, signal });
    } catch (err) {
      if (err instanceof KubeApiError && err.statusCode === 404) return undefined;
      throw err;
    }
  }

  async list<T extends KubeObject>(path: string, opts: ListOptions = {}, signal?: AbortSignal): Promise<KubeList<T>> {
    const list = await this.request<KubeList<T>>({
      method: 'GET',
      path,
      signal,
      accept: opts.accept,
      query: {
        labelSelector: opts.labelSelector || undefined,
        fieldSelector: opts.fieldSelector || undefined,
        limit: opts.limit,
        continue: opts.continue || undefined,
        resourceVersion: opts.resourceVersion,
      },
    });
    if (!list || typeof list !== 'object') throw new Error(`GET ${path}: response is not a list`);
    // kube-apiserver encodes an empty PartialObjectMetadataList as "items": null (a nil Go slice);
    // refusing it kept a metadata-only informer over an empty collection from ever syncing.
    if (list.items === null) list.items = [];
    if (!Array.isArray(list.items)) throw new Error(`GET ${path}: response is not a list`);
    return list;
  }

  /**
   * Lists every page (limit/continue) and returns all items with the list's resourceVersion,
   * the point a watch resumes from. apiVersion/kind are filled in on items (lists omit them).
   */
  async listAll<T extends KubeObject>(path: string, opts: Omit<ListOptions, 'continue'> = {}, signal?: AbortSignal): Promise<{ items: T[]; resourceVersion: string }> {
    const items: T[] = [];
    let token: string | undefined;
    let resourceVersion = '';
    for (let page = 0; ; page++) {
      if (page > 100_000) throw new Error(`GET ${path}: pagination did not terminate`);
      const list = await this.list<T>(path, { ...opts, continue: token }, signal);
      const itemKind = list.kind?.endsWith('List') ? list.kind.slice(0, -'List'.length) : undefined;
      for (const item of list.items) {
        items.push({ ...item, apiVersion: item.apiVersion ?? list.apiVersion, kind: item.kind ?? itemKind });
      }
      resourceVersion = list.metadata?.resourceVersion ?? resourceVersion;
      token = list.metadata?.continue || undefined;
      if (!token) break;
    }
    return { items, resourceVersion };
  }

  create<T extends KubeObject>(collectionPath: string, body: T, query?: QueryParams): Promise<T> {
    return this.request<T>({ method: 'POST', path: collectionPath, body, query });
  }

  replace<T extends KubeObject>(objectPath: string, body: T, query?: QueryParams): Promise<T> {
    return this.request<T>({ method: 'PUT', path: objectPath, body, query });
  }

  patch<T extends KubeObject>(objectPath: string, body: unknown, contentType: string, query?: QueryParams): Promise<T> {
    return this.request<T>({ method: 'PATCH', path: objectPath, body, contentType, query });
  }

  /** Deletes an object; resolves false when it was already gone. */
  async delete(objectPath: string, opts: { propagationPolicy?: PropagationPolicy; uid?: string } = {}): Promise<boolean> {
    const body: Record<string, unknown> = { apiVersion: 'v1', kind: 'DeleteOptions' };
    if (opts.propagationPolicy) body.propagationPolicy = opts.propagationPolicy;
    // A uid precondition makes sure we never delete a same-named successor of the object we saw.
    if (opts.uid) body.preconditions = { uid: opts.uid };
    try {
      await this.request<KubeStatus | KubeObject>({ method: 'DELETE', path: objectPath, body });
      return true;
    } catch (err) {
      if (err instanceof KubeApiError && err.statusCode === 404) return false;
      throw err;
    }
  }

  private async open(opts: RequestOptions, extraHeaders: Record<string, string> = {}): Promise<http.IncomingMessage> {
    const url = new URL(this.server + withQuery(opts.path, opts.query));
    const reqOpts: https.RequestOptions = { headers: {} };
    await this.kc.applyToHTTPSOptions(reqOpts);
    const headers: http.OutgoingHttpHeaders = {
      ...(reqOpts.headers as http.OutgoingHttpHeaders),
      ...extraHeaders,
      Accept: opts.accept ?? 'application/json',
      'User-Agent': this.userAgent,
    };
    let payload: string | undefined;
    if (opts.body !== undefined) {
      payload = JSON.stringify(opts.body);
      headers['Content-Type'] = opts.contentType ?? 'application/json';
      headers['Content-Length'] = Buffer.byteLength(payload);
    }
    const timeoutMs = opts.timeoutMs ?? this.requestTimeoutMs;
    const signals: AbortSignal[] = [];
    if (opts.signal) signals.push(opts.signal);
    if (timeoutMs > 0) signals.push(AbortSignal.timeout(timeoutMs));
    const signal = signals.length ? AbortSignal.any(signals) : undefined;
    const transport = url.protocol === 'http:' ? http : https;
    return new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = transport.request(url, { ...reqOpts, method: opts.method, headers, signal }, resolve);
      req.on('error', (err) => reject(describeTransportError(err, opts.method, opts.path, signal)));
      req.end(payload);
    });
  }
}

function describeTransportError(err: Error, method: string, path: string, signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.aborted ? signal.reason : undefined;
  if (reason instanceof Error && reason.name === 'TimeoutError') {
    return new Error(`${method} ${path}: request timed out`, { cause: err });
  }
  return new Error(`${method} ${path}: ${err.message}`, { cause: err });
}

async function readBody(res: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function apiError(statusCode: number, method: string, path: string, text: string, retryAfter: string | string[] | undefined): KubeApiError {
  let status: KubeStatus | undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object' && (parsed as KubeStatus).kind === 'Status') status = parsed as KubeStatus;
  } catch {
    // Not JSON (a proxy's HTML page, for example): the raw text goes into the message instead.
  }
  const retry = Array.isArray(retryAfter) ? retryAfter[0] : retryAfter;
  const retryAfterSeconds = retry !== undefined && /^\d+$/.test(retry) ? Number(retry) : undefined;
  return new KubeApiError({ statusCode, method, path, status, bodyText: status ? undefined : text, retryAfterSeconds });
}
