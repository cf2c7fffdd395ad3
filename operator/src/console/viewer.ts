// Who is looking at the console, and how that is decided:
//  - kubeconfig: run locally, the console acts as the kubeconfig's identity (like Headlamp or k9s);
//    access questions are SelfSubjectAccessReviews.
//  - proxy: behind an authenticating proxy that sets trusted user/group headers; questions are
//    SubjectAccessReviews for that user, and a request without the header is refused.
//  - service-account: in a cluster with no proxy configured there is no viewer identity, so the
//    console shows the fleet (read-only) and refuses every playground call.
import type { IncomingHttpHeaders } from 'node:http';

export type ViewerMode = 'kubeconfig' | 'proxy' | 'service-account';

export type Viewer = { kind: 'self' } | { kind: 'user'; user: string; groups: string[] } | { kind: 'anonymous' };

export interface ViewerHeaders {
  user: string;
  groups?: string;
}

/** Most groups taken from one header (bounds a hostile or misconfigured proxy). */
const MAX_GROUPS = 64;

/** The viewer of one request; undefined in proxy mode when the proxy sent no user. */
export function viewerOf(mode: ViewerMode, headers: IncomingHttpHeaders, names: ViewerHeaders | undefined): Viewer | undefined {
  if (mode === 'kubeconfig') return { kind: 'self' };
  if (mode === 'service-account' || !names) return { kind: 'anonymous' };
  const raw = headers[names.user.toLowerCase()];
  const user = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  if (!user) return undefined;
  const groupHeader = names.groups ? headers[names.groups.toLowerCase()] : undefined;
  const groups = (Array.isArray(groupHeader) ? groupHeader.join(',') : (groupHeader ?? ''))
    .split(',')
    .map((g) => g.trim())
    .filter((g) => g !== '')
    .slice(0, MAX_GROUPS);
  return { kind: 'user', user, groups };
}

export function viewerLabel(viewer: Viewer): string {
  if (viewer.kind === 'self') return 'your kubeconfig identity';
  if (viewer.kind === 'user') return `user ${JSON.stringify(viewer.user)}`;
  return 'an anonymous viewer';
}
