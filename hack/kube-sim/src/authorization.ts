// SubjectAccessReview and SelfSubjectAccessReview (authorization.k8s.io/v1): kube-sim enforces no
// authorization on its own requests, but it answers these review requests the way kube-apiserver's
// RBAC authorizer would, by evaluating the stored Roles, ClusterRoles, RoleBindings and
// ClusterRoleBindings. Only these two create-only resources use it; nothing else is authorized.
//
// A SelfSubjectAccessReview is about the requester. kube-sim authenticates nobody, so the
// requester is whoever the Impersonate-User / Impersonate-Group headers name (`kubectl --as`);
// without them it is the simulator's administrator (group system:masters: allowed everything).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Store } from './store.ts';
import type { KubeObject } from './types.ts';
import { ApiError, badRequest } from './errors.ts';
import { decodeBody, readBodyBytes, sendJson } from './http-util.ts';
import { isPlainObject } from './object-util.ts';

export const AUTHORIZATION_GROUP = 'authorization.k8s.io';
const SAR_PLURAL = 'subjectaccessreviews';
const SSAR_PLURAL = 'selfsubjectaccessreviews';

/** Registry entries for the two review kinds (cluster-scoped, create only). */
export const ACCESS_REVIEW_RESOURCES = [
  { group: AUTHORIZATION_GROUP, version: 'v1', kind: 'SubjectAccessReview', plural: SAR_PLURAL, namespaced: false, verbs: ['create'] },
  { group: AUTHORIZATION_GROUP, version: 'v1', kind: 'SelfSubjectAccessReview', plural: SSAR_PLURAL, namespaced: false, verbs: ['create'] },
] as const;

export const SIM_ADMIN = { user: 'kube-sim:admin', groups: ['system:masters', 'system:authenticated'] };

export interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

export interface NonResourceAttributes {
  path?: string;
  verb?: string;
}

export interface Subject {
  user: string;
  groups: string[];
}

export interface AccessDecision {
  allowed: boolean;
  reason: string;
}

interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

interface RoleBindingSubject {
  kind?: string;
  name?: string;
  namespace?: string;
}

interface Binding extends KubeObject {
  roleRef?: { kind?: string; name?: string };
  subjects?: RoleBindingSubject[];
}

const RBAC = 'rbac.authorization.k8s.io';
const KEYS = { role: `roles.${RBAC}`, clusterRole: `clusterroles.${RBAC}`, binding: `rolebindings.${RBAC}`, clusterBinding: `clusterrolebindings.${RBAC}` };

export function isAccessReview(group: string, plural: string): boolean {
  return group === AUTHORIZATION_GROUP && (plural === SAR_PLURAL || plural === SSAR_PLURAL);
}

function matches(list: string[] | undefined, value: string): boolean {
  return (list ?? []).some((entry) => entry === '*' || entry === value);
}

function subjectMatches(subject: RoleBindingSubject, who: Subject, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return subject.name === who.user;
    case 'Group':
      return subject.name !== undefined && who.groups.includes(subject.name);
    case 'ServiceAccount':
      return who.user === `system:serviceaccount:${subject.namespace ?? bindingNamespace}:${subject.name ?? ''}`;
    default:
      return false;
  }
}

function resourceRuleAllows(rule: PolicyRule, attrs: ResourceAttributes): boolean {
  const resource = attrs.subresource ? `${attrs.resource ?? ''}/${attrs.subresource}` : (attrs.resource ?? '');
  const resourceOk = (rule.resources ?? []).some((entry) => entry === '*' || entry === resource || (attrs.subresource !== undefined && entry === `*/${attrs.subresource}`));
  const namesOk = (rule.resourceNames ?? []).length === 0 || (attrs.name !== undefined && attrs.name !== '' && rule.resourceNames!.includes(attrs.name));
  return matches(rule.verbs, attrs.verb ?? '') && matches(rule.apiGroups, attrs.group ?? '') && resourceOk && namesOk;
}

function nonResourceRuleAllows(rule: PolicyRule, attrs: NonResourceAttributes): boolean {
  const path = attrs.path ?? '';
  const pathOk = (rule.nonResourceURLs ?? []).some((entry) => entry === '*' || entry === path || (entry.endsWith('*') && path.startsWith(entry.slice(0, -1))));
  return matches(rule.verbs, attrs.verb ?? '') && pathOk;
}

function rulesOf(store: Store, roleRef: Binding['roleRef'], bindingNamespace: string): PolicyRule[] {
  if (roleRef?.name === undefined) return [];
  const role = roleRef.kind === 'ClusterRole' ? store.get(KEYS.clusterRole, '', roleRef.name) : roleRef.kind === 'Role' ? store.get(KEYS.role, bindingNamespace, roleRef.name) : undefined;
  const rules = (role as { rules?: unknown } | undefined)?.rules;
  return Array.isArray(rules) ? (rules as PolicyRule[]) : [];
}

/**
 * RBAC's decision for one subject and one request: ClusterRoleBindings apply everywhere,
 * RoleBindings only in their own namespace (and never to cluster-scoped or non-resource requests).
 */
export function authorize(store: Store, who: Subject, attrs: { resource?: ResourceAttributes; nonResource?: NonResourceAttributes }): AccessDecision {
  if (who.groups.includes('system:masters')) return { allowed: true, reason: 'member of system:masters' };
  const allows = (rule: PolicyRule) => (attrs.resource ? resourceRuleAllows(rule, attrs.resource) : attrs.nonResource ? nonResourceRuleAllows(rule, attrs.nonResource) : false);
  for (const binding of store.listRaw(KEYS.clusterBinding) as Binding[]) {
    if (!(binding.subjects ?? []).some((s) => subjectMatches(s, who, ''))) continue;
    if (rulesOf(store, binding.roleRef, '').some(allows)) {
      return { allowed: true, reason: `RBAC: allowed by ClusterRoleBinding "${binding.metadata.name ?? ''}" of ClusterRole "${binding.roleRef?.name ?? ''}" to ${who.user}` };
    }
  }
  const namespace = attrs.resource?.namespace ?? '';
  if (namespace !== '') {
    for (const binding of store.listRaw(KEYS.binding, namespace) as Binding[]) {
      if (!(binding.subjects ?? []).some((s) => subjectMatches(s, who, namespace))) continue;
      if (rulesOf(store, binding.roleRef, namespace).some(allows)) {
        return { allowed: true, reason: `RBAC: allowed by RoleBinding "${binding.metadata.name ?? ''}/${namespace}" of ${binding.roleRef?.kind ?? ''} "${binding.roleRef?.name ?? ''}" to ${who.user}` };
      }
    }
  }
  return { allowed: false, reason: '' };
}

function requester(req: IncomingMessage): Subject {
  const user = req.headers['impersonate-user'];
  if (typeof user !== 'string' || user === '') return SIM_ADMIN;
  const raw = req.rawHeaders;
  const groups: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i]!.toLowerCase() === 'impersonate-group') groups.push(raw[i + 1]!);
  return { user, groups: [...groups, 'system:authenticated'] };
}

function reviewSpec(body: unknown): { spec: Record<string, unknown>; resource?: ResourceAttributes; nonResource?: NonResourceAttributes } {
  if (!isPlainObject(body) || !isPlainObject(body.spec)) throw badRequest('spec: Required value');
  const spec = body.spec;
  const resource = isPlainObject(spec.resourceAttributes) ? (spec.resourceAttributes as ResourceAttributes) : undefined;
  const nonResource = isPlainObject(spec.nonResourceAttributes) ? (spec.nonResourceAttributes as NonResourceAttributes) : undefined;
  if ((resource === undefined) === (nonResource === undefined)) {
    throw new ApiError(422, 'Invalid', 'spec: Invalid value: exactly one of nonResourceAttributes or resourceAttributes must be specified');
  }
  return { spec, ...(resource ? { resource } : {}), ...(nonResource ? { nonResource } : {}) };
}

/** POST of a (Self)SubjectAccessReview: evaluates it and answers 201 with the status filled in. */
export async function serveAccessReview(store: Store, req: IncomingMessage, res: ServerResponse, plural: string): Promise<void> {
  if (req.method !== 'POST') throw new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
  const raw = await readBodyBytes(req);
  const body = decodeBody(raw.toString('utf8'), req.headers['content-type'] ?? 'application/json', raw);
  const { spec, resource, nonResource } = reviewSpec(body);
  let who: Subject;
  if (plural === SSAR_PLURAL) {
    who = requester(req);
  } else {
    const user = typeof spec.user === 'string' ? spec.user : '';
    const groups = Array.isArray(spec.groups) ? spec.groups.filter((g): g is string => typeof g === 'string') : [];
    if (user === '' && groups.length === 0) throw new ApiError(422, 'Invalid', 'spec.user: Invalid value: "": at least one of user or group must be specified');
    who = { user, groups };
  }
  const decision = authorize(store, who, { ...(resource ? { resource } : {}), ...(nonResource ? { nonResource } : {}) });
  const kind = plural === SSAR_PLURAL ? 'SelfSubjectAccessReview' : 'SubjectAccessReview';
  const status: Record<string, unknown> = { allowed: decision.allowed };
  if (decision.reason !== '') status.reason = decision.reason;
  sendJson(res, 201, { apiVersion: `${AUTHORIZATION_GROUP}/v1`, kind, metadata: { creationTimestamp: null }, spec, status });
}
