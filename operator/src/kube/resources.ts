// Maps apiVersion + kind to the REST resource (plural, scope). The kinds the operator writes are
// known up front; anything else (custom resources, optional APIs such as KEDA or the Prometheus
// Operator) is found through discovery, cached, and re-checked after a while when absent so an
// API installed later is picked up without a restart.
import type { KubeClient } from './client.ts';
import { KubeApiError } from './errors.ts';
import { groupVersionPath, resourcePath } from './paths.ts';
import type { ObjectRef } from './types.ts';

export interface ResourceInfo {
  apiVersion: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  subresources: string[];
}

const BUILTIN: ResourceInfo[] = [
  ['v1', 'Namespace', 'namespaces', false],
  ['v1', 'ServiceAccount', 'serviceaccounts', true],
  ['v1', 'Service', 'services', true, ['status']],
  ['v1', 'Secret', 'secrets', true],
  ['v1', 'ConfigMap', 'configmaps', true],
  ['v1', 'Pod', 'pods', true, ['status']],
  ['v1', 'Event', 'events', true],
  ['events.k8s.io/v1', 'Event', 'events', true],
  ['apps/v1', 'Deployment', 'deployments', true, ['status', 'scale']],
  ['autoscaling/v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, ['status']],
  ['networking.k8s.io/v1', 'Ingress', 'ingresses', true, ['status']],
  ['networking.k8s.io/v1', 'NetworkPolicy', 'networkpolicies', true],
  ['policy/v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, ['status']],
  ['coordination.k8s.io/v1', 'Lease', 'leases', true],
].map(([apiVersion, kind, plural, namespaced, subresources]) => ({
  apiVersion: apiVersion as string,
  kind: kind as string,
  plural: plural as string,
  namespaced: namespaced as boolean,
  subresources: (subresources as string[] | undefined) ?? [],
}));

interface DiscoveredGroupVersion {
  resources: Map<string, ResourceInfo> | undefined; // undefined: group/version not served
  fetchedAt: number;
}

interface ApiResourceList {
  resources?: { name: string; kind: string; namespaced: boolean }[];
}

export class ResourceResolver {
  private readonly client: KubeClient;
  private readonly known = new Map<string, ResourceInfo>();
  private readonly discovered = new Map<string, DiscoveredGroupVersion>();
  private readonly missRetryMs: number;

  constructor(opts: { client: KubeClient; extra?: ResourceInfo[]; missRetryMs?: number }) {
    this.client = opts.client;
    this.missRetryMs = opts.missRetryMs ?? 30_000;
    for (const info of [...BUILTIN, ...(opts.extra ?? [])]) this.known.set(typeKey(info.apiVersion, info.kind), info);
  }

  /** The resource for apiVersion/kind, or undefined when the API server does not serve it. */
  async lookup(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    const known = this.known.get(typeKey(apiVersion, kind));
    if (known) return known;
    const gv = await this.discover(apiVersion);
    return gv.resources?.get(kind);
  }

  async require(apiVersion: string, kind: string): Promise<ResourceInfo> {
    const info = await this.lookup(apiVersion, kind);
    if (!info) throw new Error(`the API server does not serve ${kind} in ${apiVersion} (is its CRD installed?)`);
    return info;
  }

  /** Whether the cluster serves this kind (optional-API discovery: KEDA, monitoring, ...). */
  async has(apiVersion: string, kind: string): Promise<boolean> {
    return (await this.lookup(apiVersion, kind)) !== undefined;
  }

  /** Path of one object (optionally a subresource of it). */
  async objectPath(ref: ObjectRef, subresource?: string): Promise<string> {
    const info = await this.require(ref.apiVersion, ref.kind);
    if (info.namespaced && !ref.namespace) throw new Error(`${ref.kind} ${ref.name} needs metadata.namespace`);
    return resourcePath({ apiVersion: ref.apiVersion, plural: info.plural, namespace: info.namespaced ? ref.namespace : undefined, name: ref.name, subresource });
  }

  /** Path of a collection; namespace undefined lists across all namespaces. */
  async collectionPath(apiVersion: string, kind: string, namespace?: string): Promise<string> {
    const info = await this.require(apiVersion, kind);
    return resourcePath({ apiVersion, plural: info.plural, namespace: info.namespaced ? namespace : undefined });
  }

  /** Forget discovery results (e.g. after a CRD was installed). */
  invalidate(): void {
    this.discovered.clear();
  }

  private async discover(apiVersion: string): Promise<DiscoveredGroupVersion> {
    const cached = this.discovered.get(apiVersion);
    if (cached && (cached.resources || performance.now() - cached.fetchedAt < this.missRetryMs)) return cached;
    let list: ApiResourceList | undefined;
    try {
      list = await this.client.request<ApiResourceList>({ method: 'GET', path: groupVersionPath(apiVersion) });
    } catch (err) {
      if (!(err instanceof KubeApiError && err.statusCode === 404)) throw err;
    }
    let resources: Map<string, ResourceInfo> | undefined;
    if (list) {
      resources = new Map();
      const subresources = new Map<string, string[]>();
      for (const r of list.resources ?? []) {
        const slash = r.name.indexOf('/');
        if (slash >= 0) {
          const parent = r.name.slice(0, slash);
          subresources.set(parent, [...(subresources.get(parent) ?? []), r.name.slice(slash + 1)]);
        }
      }
      for (const r of list.resources ?? []) {
        if (r.name.includes('/')) continue;
        resources.set(r.kind, { apiVersion, kind: r.kind, plural: r.name, namespaced: r.namespaced, subresources: subresources.get(r.name) ?? [] });
      }
    }
    const entry = { resources, fetchedAt: performance.now() };
    this.discovered.set(apiVersion, entry);
    return entry;
  }
}

function typeKey(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
}
