// Discovery documents: the legacy ones (/api, /apis, /apis/<group>, APIResourceList per group
// version) and the aggregated discovery (apidiscovery.k8s.io/v2 APIGroupDiscoveryList) that
// kubectl 1.33 asks for first. Built from the registry on every request, so a CRD is
// discoverable as soon as it is established.
import type { Registry } from './registry.ts';
import type { ResourceInfo } from './types.ts';

export const AGGREGATED_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

const SUBRESOURCE_VERBS = ['get', 'patch', 'update'];

function gvOf(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

/** True when the Accept header asks for aggregated discovery v2 (v2beta1 is answered as v2). */
export function wantsAggregated(accept: string | undefined): boolean {
  return accept !== undefined && /as=APIGroupDiscoveryList/.test(accept) && /v=v2(;|,|$|beta1)/.test(accept);
}

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function apiGroup(g: { group: string; versions: string[]; preferred: string }): Record<string, unknown> {
  return {
    name: g.group,
    versions: g.versions.map((v) => ({ groupVersion: gvOf(g.group, v), version: v })),
    preferredVersion: { groupVersion: gvOf(g.group, g.preferred), version: g.preferred },
  };
}

export function apiGroupList(registry: Registry): Record<string, unknown> {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: registry.groupVersions().filter((g) => g.group !== '').map(apiGroup),
  };
}

export function apiGroupDoc(registry: Registry, group: string): Record<string, unknown> | undefined {
  const g = registry.groupVersions().find((x) => x.group === group);
  if (g === undefined || group === '') return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(g) };
}

export function apiResourceList(registry: Registry, group: string, version: string): Record<string, unknown> | undefined {
  const infos = registry.resourcesOf(group, version);
  if (infos.length === 0) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const info of infos.sort((a, b) => a.plural.localeCompare(b.plural))) {
    const r: Record<string, unknown> = {
      name: info.plural,
      singularName: info.singular,
      namespaced: info.namespaced,
      kind: info.kind,
      verbs: info.verbs,
    };
    if (info.shortNames.length > 0) r.shortNames = info.shortNames;
    if (info.categories.length > 0) r.categories = info.categories;
    resources.push(r);
    for (const sub of info.subresources) {
      const s: Record<string, unknown> = { name: `${info.plural}/${sub}`, singularName: '', namespaced: info.namespaced, kind: info.kind, verbs: SUBRESOURCE_VERBS };
      if (sub === 'scale') Object.assign(s, { group: 'autoscaling', version: 'v1', kind: 'Scale' });
      resources.push(s);
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gvOf(group, version), resources };
}

function discoveryResource(info: ResourceInfo): Record<string, unknown> {
  const r: Record<string, unknown> = {
    resource: info.plural,
    responseKind: { group: info.group, version: info.version, kind: info.kind },
    scope: info.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: info.singular,
    verbs: info.verbs,
  };
  if (info.shortNames.length > 0) r.shortNames = info.shortNames;
  if (info.categories.length > 0) r.categories = info.categories;
  if (info.subresources.length > 0) {
    r.subresources = info.subresources.map((sub) => ({
      subresource: sub,
      responseKind: sub === 'scale' ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : { group: info.group, version: info.version, kind: info.kind },
      verbs: SUBRESOURCE_VERBS,
    }));
  }
  return r;
}

/** APIGroupDiscoveryList for /api (core: true) or /apis (core: false). */
export function aggregatedDiscovery(registry: Registry, core: boolean): Record<string, unknown> {
  const items = registry
    .groupVersions()
    .filter((g) => (g.group === '') === core)
    .map((g) => {
      const ordered = [g.preferred, ...g.versions.filter((v) => v !== g.preferred)];
      return {
        metadata: g.group === '' ? { creationTimestamp: null } : { name: g.group, creationTimestamp: null },
        versions: ordered.map((version) => ({
          version,
          resources: registry
            .resourcesOf(g.group, version)
            .sort((a, b) => a.plural.localeCompare(b.plural))
            .map(discoveryResource),
          freshness: 'Current',
        })),
      };
    });
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}
