// The table of served resources: built-in kinds plus those registered by CustomResourceDefinitions.
// Lookups are by group/version/plural (URL routing), by resource key (storage) and by
// group/version/kind (owner references). CRD registration validates the names the way
// kube-apiserver's NamesAccepted condition does, so a conflicting CRD is reported, not served.
import type { KubeObject, PrinterColumn, ResourceInfo } from './types.ts';
import type { JSONSchemaProps } from './algebra/schema.ts';
import { resourceKeyOf } from './types.ts';
import { ACCESS_REVIEW_RESOURCES } from './authorization.ts';

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

interface BuiltinSpec {
  group: string;
  version: string;
  kind: string;
  plural: string;
  shortNames?: string[];
  categories?: string[];
  namespaced?: boolean;
  subresources?: string[];
  tracksGeneration?: boolean;
}

const BUILTINS: BuiltinSpec[] = [
  { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', shortNames: ['ns'], namespaced: false, subresources: ['status'] },
  { group: '', version: 'v1', kind: 'Service', plural: 'services', shortNames: ['svc'], categories: ['all'], subresources: ['status'] },
  { group: '', version: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts', shortNames: ['sa'] },
  { group: '', version: 'v1', kind: 'Secret', plural: 'secrets' },
  { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', shortNames: ['cm'] },
  { group: '', version: 'v1', kind: 'Pod', plural: 'pods', shortNames: ['po'], categories: ['all'], subresources: ['status'] },
  { group: '', version: 'v1', kind: 'Event', plural: 'events', shortNames: ['ev'] },
  {
    group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', shortNames: ['deploy'], categories: ['all'],
    subresources: ['status', 'scale'], tracksGeneration: true,
  },
  {
    group: 'apps', version: 'v1', kind: 'ReplicaSet', plural: 'replicasets', shortNames: ['rs'], categories: ['all'],
    subresources: ['status', 'scale'], tracksGeneration: true,
  },
  {
    group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler', plural: 'horizontalpodautoscalers', shortNames: ['hpa'],
    categories: ['all'], subresources: ['status'], tracksGeneration: true,
  },
  { group: 'networking.k8s.io', version: 'v1', kind: 'Ingress', plural: 'ingresses', shortNames: ['ing'], subresources: ['status'], tracksGeneration: true },
  { group: 'networking.k8s.io', version: 'v1', kind: 'NetworkPolicy', plural: 'networkpolicies', shortNames: ['netpol'], tracksGeneration: true },
  { group: 'policy', version: 'v1', kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets', shortNames: ['pdb'], subresources: ['status'], tracksGeneration: true },
  { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', plural: 'leases' },
  { group: 'events.k8s.io', version: 'v1', kind: 'Event', plural: 'events', shortNames: ['ev'] },
  // RBAC objects are stored and served (Helm charts create them) but never enforced: no authorization.
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole', plural: 'clusterroles', namespaced: false },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRoleBinding', plural: 'clusterrolebindings', namespaced: false },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role', plural: 'roles' },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'RoleBinding', plural: 'rolebindings' },
  {
    group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', plural: 'customresourcedefinitions',
    shortNames: ['crd', 'crds'], categories: ['api-extensions'], namespaced: false, subresources: ['status'], tracksGeneration: true,
  },
];

function builtinInfo(spec: BuiltinSpec): ResourceInfo {
  const info: ResourceInfo = {
    group: spec.group,
    version: spec.version,
    kind: spec.kind,
    listKind: `${spec.kind}List`,
    plural: spec.plural,
    singular: spec.kind.toLowerCase(),
    shortNames: spec.shortNames ?? [],
    categories: spec.categories ?? [],
    namespaced: spec.namespaced ?? true,
    verbs: ALL_VERBS,
    subresources: spec.subresources ?? [],
    tracksGeneration: spec.tracksGeneration ?? false,
    custom: false,
  };
  if (info.subresources.includes('scale')) {
    info.scale = { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector' };
  }
  return info;
}

export interface CrdRegistration {
  accepted: boolean;
  /** Reason and message for the NamesAccepted condition when not accepted. */
  reason: string;
  message: string;
}

interface CrdVersion {
  name: string;
  served?: boolean;
  storage?: boolean;
  schema?: { openAPIV3Schema?: JSONSchemaProps };
  subresources?: { status?: unknown; scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string } };
  additionalPrinterColumns?: PrinterColumn[];
}

export interface CrdSpec {
  group: string;
  scope: 'Namespaced' | 'Cluster';
  names: { plural: string; singular?: string; kind: string; listKind?: string; shortNames?: string[]; categories?: string[] };
  versions: CrdVersion[];
}

export class Registry {
  /** key: `${group}/${version}/${plural}` */
  private readonly byGvr = new Map<string, ResourceInfo>();

  constructor() {
    for (const spec of BUILTINS) this.add(builtinInfo(spec));
    for (const spec of ACCESS_REVIEW_RESOURCES) this.add({ ...builtinInfo(spec), verbs: [...spec.verbs] });
  }

  private add(info: ResourceInfo): void {
    this.byGvr.set(`${info.group}/${info.version}/${info.plural}`, info);
  }

  lookup(group: string, version: string, plural: string): ResourceInfo | undefined {
    return this.byGvr.get(`${group}/${version}/${plural}`);
  }

  /** Any served version of a resource key; the CRD storage version first. */
  byResourceKey(resourceKey: string): ResourceInfo | undefined {
    let found: ResourceInfo | undefined;
    for (const info of this.byGvr.values()) {
      if (resourceKeyOf(info) !== resourceKey) continue;
      if (found === undefined || info.storage === true) found = info;
    }
    return found;
  }

  byKind(group: string, version: string, kind: string): ResourceInfo | undefined {
    for (const info of this.byGvr.values()) {
      if (info.group === group && info.version === version && info.kind === kind) return info;
    }
    for (const info of this.byGvr.values()) {
      if (info.group === group && info.kind === kind) return info;
    }
    return undefined;
  }

  all(): ResourceInfo[] {
    return [...this.byGvr.values()];
  }

  /** Served group versions in discovery order: core first, then groups by name. */
  groupVersions(): { group: string; versions: string[]; preferred: string }[] {
    const groups = new Map<string, { versions: string[]; preferred: string }>();
    for (const info of this.byGvr.values()) {
      let entry = groups.get(info.group);
      if (entry === undefined) {
        entry = { versions: [], preferred: info.version };
        groups.set(info.group, entry);
      }
      if (!entry.versions.includes(info.version)) entry.versions.push(info.version);
      if (info.storage === true) entry.preferred = info.version;
    }
    return [...groups.entries()]
      .sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b)))
      .map(([group, v]) => ({ group, versions: v.versions, preferred: v.preferred }));
  }

  resourcesOf(group: string, version: string): ResourceInfo[] {
    return [...this.byGvr.values()].filter((i) => i.group === group && i.version === version);
  }

  /**
   * Checks a CRD's names against what is already served, as kube-apiserver's NamesAccepted
   * condition does: plural, singular, kind, short names must not collide within the group.
   */
  checkCrdNames(crdName: string, spec: CrdSpec): CrdRegistration {
    for (const info of this.byGvr.values()) {
      if (info.group !== spec.group || info.crdName === crdName) continue;
      if (info.plural === spec.names.plural) {
        return { accepted: false, reason: 'PluralConflict', message: `"${spec.names.plural}" is already in use` };
      }
      if (info.kind === spec.names.kind) {
        return { accepted: false, reason: 'KindConflict', message: `"${spec.names.kind}" is already in use` };
      }
      const taken = (spec.names.shortNames ?? []).find((s) => info.shortNames.includes(s));
      if (taken !== undefined) return { accepted: false, reason: 'ShortNamesConflict', message: `"${taken}" is already in use` };
    }
    return { accepted: true, reason: 'NoConflicts', message: 'no conflicts found' };
  }

  /** Registers (or re-registers after an update) every served version of a CRD. */
  registerCrd(crd: KubeObject): void {
    const crdName = crd.metadata.name ?? '';
    this.unregisterCrd(crdName);
    const spec = crd.spec as CrdSpec;
    for (const v of spec.versions) {
      if (v.served === false) continue;
      const subresources: string[] = [];
      if (v.subresources?.status !== undefined) subresources.push('status');
      if (v.subresources?.scale !== undefined) subresources.push('scale');
      const info: ResourceInfo = {
        group: spec.group,
        version: v.name,
        kind: spec.names.kind,
        listKind: spec.names.listKind ?? `${spec.names.kind}List`,
        plural: spec.names.plural,
        singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
        shortNames: spec.names.shortNames ?? [],
        categories: spec.names.categories ?? [],
        namespaced: spec.scope !== 'Cluster',
        verbs: ALL_VERBS,
        subresources,
        tracksGeneration: true,
        custom: true,
        crdName,
        storage: v.storage === true,
      };
      if (v.subresources?.scale !== undefined) info.scale = v.subresources.scale;
      if (v.schema?.openAPIV3Schema !== undefined) info.schema = v.schema.openAPIV3Schema;
      if (v.additionalPrinterColumns !== undefined) info.printerColumns = v.additionalPrinterColumns;
      this.add(info);
    }
  }

  unregisterCrd(crdName: string): void {
    for (const [key, info] of this.byGvr) if (info.crdName === crdName) this.byGvr.delete(key);
  }
}
