// The operator's RBAC, in one place: every verb on every resource the operator's code uses, and
// nothing more. `npm run gen` writes it to charts/mcpfleet/generated/rbac-rules.yaml for the
// Helm chart's ClusterRole; rbac.test.ts checks it against OWNED_KINDS and an integration test
// checks every request the operator really made against it.
import { GROUP, PLURAL } from './api/constants.ts';
import { OWNED_KINDS } from './mcpserver/children.ts';

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

/** list+watch for the informers, get for direct reads, create+patch for server-side apply (apply creates), delete for pruning. */
export const OWNED_KIND_VERBS = ['get', 'list', 'watch', 'create', 'patch', 'delete'] as const;

function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
}

/** The plural resource name of an owned kind (the last segment of its collection path). */
function pluralOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Access that is not about owned children, each with why. */
const OTHER_RULES: (PolicyRule & { why: string })[] = [
  { apiGroups: [GROUP], resources: [PLURAL], verbs: ['get', 'list', 'watch', 'patch'], why: 'the McpServer informer; patch (JSON patch) adds and removes the EKS Pod Identity finalizer and the annotation recording the association' },
  { apiGroups: [GROUP], resources: [`${PLURAL}/status`], verbs: ['get', 'patch'], why: 'status by server-side apply on the status subresource' },
  { apiGroups: [GROUP], resources: [`${PLURAL}/finalizers`], verbs: ['update'], why: 'children carry blockOwnerDeletion ownerReferences (OwnerReferencesPermissionEnforcement)' },
  {
    apiGroups: [''],
    resources: ['secrets', 'configmaps'],
    verbs: ['get', 'list', 'watch'],
    why: 'a metadata-only watch maps changes of referenced Secrets/ConfigMaps to their McpServers (their versions roll the pods); the verifier reads the API key',
  },
  { apiGroups: [''], resources: ['events'], verbs: ['create'], why: 'Events on condition changes' },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'], why: 'leader election' },
  { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'], why: '/metrics authenticates the scraper\'s bearer token (--metrics-secure)' },
  { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'], why: '/metrics asks whether the scraper may get /metrics (--metrics-secure)' },
];

/** The rules, merged by API group and verb set, sorted so the generated file is stable. */
export function operatorRbacRules(): PolicyRule[] {
  const byKey = new Map<string, PolicyRule>();
  const add = (rule: PolicyRule) => {
    const verbs = [...rule.verbs].sort();
    for (const group of rule.apiGroups) {
      const key = `${group}|${verbs.join(',')}`;
      const existing = byKey.get(key) ?? { apiGroups: [group], resources: [], verbs };
      existing.resources = [...new Set([...existing.resources, ...rule.resources])].sort();
      byKey.set(key, existing);
    }
  };
  for (const kind of OWNED_KINDS) add({ apiGroups: [groupOf(kind.apiVersion)], resources: [pluralOf(kind.path)], verbs: [...OWNED_KIND_VERBS] });
  for (const { why: _why, ...rule } of OTHER_RULES) add(rule);
  return [...byKey.values()].sort((a, b) => a.apiGroups[0]!.localeCompare(b.apiGroups[0]!) || a.verbs.join().localeCompare(b.verbs.join()));
}

/** Whether the rules allow `verb` on `resource` ("plural" or "plural/subresource") in `group`. */
export function allows(rules: readonly PolicyRule[], group: string, resource: string, verb: string): boolean {
  return rules.some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb));
}
