// Authorization questions the console asks the API server on a viewer's behalf, and the
// playground rule built on them: a tool may be called only by a viewer who may read the
// server's API-key Secret (the console holds the key; it must not lend it to anyone else).
import type { KubeClient } from '../kube/client.ts';
import { errorMessage } from '../kube/errors.ts';
import type { McpServer } from '../api/mcpserver.ts';
import type { PlaygroundAccess } from './api-types.ts';
import { viewerLabel, type Viewer } from './viewer.ts';

export interface ResourceAttributes {
  namespace?: string;
  verb: string;
  group?: string;
  resource: string;
  name?: string;
}

export interface AccessDecision {
  allowed: boolean;
  /** The API server's reason, when it gave one. */
  reason?: string;
}

export interface AccessReviewer {
  can(viewer: Viewer, attrs: ResourceAttributes): Promise<AccessDecision>;
}

const REVIEWS = '/apis/authorization.k8s.io/v1';

/** Asks with (Self)SubjectAccessReviews; answers are cached briefly so a page load is not N reviews. */
export function createAccessReviewer(client: KubeClient, opts: { cacheTtlMs: number; now?: () => number }): AccessReviewer {
  const now = opts.now ?? Date.now;
  const cache = new Map<string, { at: number; decision: Promise<AccessDecision> }>();
  const MAX_ENTRIES = 10_000;
  async function review(viewer: Viewer, attrs: ResourceAttributes): Promise<AccessDecision> {
    if (viewer.kind === 'anonymous') return { allowed: false, reason: 'no viewer identity' };
    const resourceAttributes = { ...attrs, group: attrs.group ?? '' };
    const body =
      viewer.kind === 'self'
        ? { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes } }
        : { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { user: viewer.user, groups: viewer.groups, resourceAttributes } };
    const path = `${REVIEWS}/${viewer.kind === 'self' ? 'selfsubjectaccessreviews' : 'subjectaccessreviews'}`;
    const answer = await client.request<{ status?: { allowed?: boolean; reason?: string } }>({ method: 'POST', path, body });
    return { allowed: answer?.status?.allowed === true, ...(answer?.status?.reason ? { reason: answer.status.reason } : {}) };
  }
  return {
    can(viewer, attrs) {
      const key = JSON.stringify([viewer, attrs]);
      const hit = cache.get(key);
      if (hit && now() - hit.at < opts.cacheTtlMs) return hit.decision;
      if (cache.size >= MAX_ENTRIES) cache.clear();
      const decision = review(viewer, attrs);
      cache.set(key, { at: now(), decision });
      // A failed review is not remembered: the next request asks again.
      decision.catch(() => cache.delete(key));
      return decision;
    },
  };
}

/** May this viewer call the server's tools through the console? Never throws; says why not. */
export async function playgroundAccess(reviewer: AccessReviewer, viewer: Viewer, server: McpServer): Promise<PlaygroundAccess> {
  const namespace = server.metadata.namespace ?? 'default';
  if (viewer.kind === 'anonymous') {
    return { allowed: false, reason: 'The console runs with its ServiceAccount and knows no viewer identity, so it cannot check your access: the playground is off. Put an authenticating proxy in front of it (console.auth.userHeader) or run it locally with your kubeconfig.' };
  }
  if (server.spec.auth?.oauth) {
    return { allowed: false, reason: 'This server is protected by OAuth; the console holds no token for it. Call it from an MCP client that signs in.' };
  }
  const ref = server.spec.auth?.apiKeySecretRef;
  const attrs: ResourceAttributes = ref
    ? { namespace, verb: 'get', resource: 'secrets', name: ref.name }
    : { namespace, verb: 'get', group: 'mcpfleet.dev', resource: 'mcpservers', name: server.metadata.name ?? '' };
  try {
    const decision = await reviewer.can(viewer, attrs);
    if (decision.allowed) return { allowed: true, reason: ref ? `allowed: ${viewerLabel(viewer)} may read Secret ${namespace}/${ref.name}` : 'allowed: the server needs no API key' };
    const what = ref ? `read Secret ${namespace}/${ref.name}, which holds this server's API key` : `get McpServer ${namespace}/${server.metadata.name ?? ''}`;
    return { allowed: false, reason: `Refused: ${viewerLabel(viewer)} may not ${what}, so the console will not call its tools for you.` };
  } catch (error) {
    return { allowed: false, reason: `Refused: the access check failed (${errorMessage(error)}).` };
  }
}
