// Pure URL-path construction for the Kubernetes REST API.

export interface GroupVersion {
  group: string;
  version: string;
}

/** 'apps/v1' → {group:'apps', version:'v1'}; 'v1' → core group ''. */
export function parseApiVersion(apiVersion: string): GroupVersion {
  const parts = apiVersion.split('/');
  if (parts.length === 1 && parts[0]) return { group: '', version: parts[0] };
  if (parts.length === 2 && parts[0] && parts[1]) return { group: parts[0], version: parts[1] };
  throw new Error(`invalid apiVersion ${JSON.stringify(apiVersion)}: expected "version" or "group/version"`);
}

/** '/api/v1' for the core group, '/apis/<group>/<version>' otherwise. */
export function groupVersionPath(apiVersion: string): string {
  const { group, version } = parseApiVersion(apiVersion);
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
}

export interface ResourcePathParts {
  apiVersion: string;
  plural: string;
  /** Omit (or undefined) for cluster-scoped resources or to address all namespaces. */
  namespace?: string | undefined;
  name?: string | undefined;
  subresource?: string | undefined;
}

export function resourcePath(parts: ResourcePathParts): string {
  let path = groupVersionPath(parts.apiVersion);
  if (parts.namespace) path += `/namespaces/${encodeURIComponent(parts.namespace)}`;
  path += `/${parts.plural}`;
  if (parts.name !== undefined) {
    if (parts.name === '') throw new Error(`empty object name for ${parts.plural}`);
    path += `/${encodeURIComponent(parts.name)}`;
    if (parts.subresource) path += `/${parts.subresource}`;
  } else if (parts.subresource) {
    throw new Error(`subresource ${parts.subresource} needs an object name`);
  }
  return path;
}

/** Appends query parameters, skipping undefined values. */
export function withQuery(path: string, query: Record<string, string | number | boolean | undefined> | undefined): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}
