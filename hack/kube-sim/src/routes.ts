// Parses kube-apiserver request paths into (group, version, namespace, resource, name,
// subresource) the way k8s.io/apiserver's RequestInfoFactory does, plus the Kubernetes verb.

export interface ResourceRoute {
  group: string;
  version: string;
  namespace: string;
  plural: string;
  name: string;
  subresource: string;
  /** The deprecated /watch/ path prefix was used. */
  watchPrefix: boolean;
}

export type Route =
  | { kind: 'resource'; route: ResourceRoute }
  | { kind: 'groupVersion'; group: string; version: string }
  | { kind: 'group'; group: string }
  | { kind: 'api' }
  | { kind: 'apis' }
  | { kind: 'other'; path: string };

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

export function parseRoute(pathname: string): Route {
  const segs = pathname.split('/').filter((s) => s !== '').map(decodeURIComponent);
  let group: string;
  let version: string | undefined;
  let rest: string[];
  if (segs[0] === 'api') {
    if (segs.length === 1) return { kind: 'api' };
    group = '';
    version = segs[1];
    rest = segs.slice(2);
  } else if (segs[0] === 'apis') {
    if (segs.length === 1) return { kind: 'apis' };
    group = segs[1] ?? '';
    if (segs.length === 2) return { kind: 'group', group };
    version = segs[2];
    rest = segs.slice(3);
  } else {
    return { kind: 'other', path: pathname };
  }
  if (version === undefined) return { kind: 'other', path: pathname };
  if (rest.length === 0) return { kind: 'groupVersion', group, version };
  let watchPrefix = false;
  if (rest[0] === 'watch') {
    watchPrefix = true;
    rest = rest.slice(1);
  }
  let namespace = '';
  let plural: string;
  let name: string;
  let subresource: string;
  if (rest[0] === 'namespaces' && rest.length >= 3 && !(rest.length === 3 && NAMESPACE_SUBRESOURCES.has(rest[2] ?? ''))) {
    namespace = rest[1] ?? '';
    plural = rest[2] ?? '';
    name = rest[3] ?? '';
    subresource = rest.slice(4).join('/');
  } else {
    plural = rest[0] ?? '';
    name = rest[1] ?? '';
    subresource = rest.slice(2).join('/');
  }
  return { kind: 'resource', route: { group, version, namespace, plural, name, subresource, watchPrefix } };
}

export function verbOf(method: string, route: ResourceRoute, watch: boolean): string {
  const single = route.name !== '';
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (watch || route.watchPrefix) return 'watch';
      return single ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return single ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}
