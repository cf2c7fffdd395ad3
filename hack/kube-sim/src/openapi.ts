// /openapi/v3 for the served resources, built on the algebra's documents. Besides schemas (for
// `kubectl explain`), each GVK gets a PATCH path operation carrying the `fieldValidation` query
// parameter and its x-kubernetes-group-version-kind: kubectl's apply/create look exactly for that
// to decide that the server validates fields itself; without it kubectl falls back to
// downloading /openapi/v2 (protobuf), which the simulator does not serve.
import { createHash } from 'node:crypto';
import { openApiV3Document, openApiV3Index } from './algebra/openapi.ts';
import type { Registry } from './registry.ts';
import type { ResourceInfo } from './types.ts';
import { isPlainObject } from './object-util.ts';

function gvPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

function resourcePath(info: ResourceInfo): string {
  const base = `/${gvPath(info.group, info.version)}`;
  return info.namespaced ? `${base}/namespaces/{namespace}/${info.plural}/{name}` : `${base}/${info.plural}/{name}`;
}

const QUERY_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation', 'force'].map((name) => ({
  name,
  in: 'query',
  description: `${name} query parameter`,
  schema: { type: name === 'force' ? 'boolean' : 'string', uniqueItems: true },
}));

function withPaths(doc: Record<string, unknown>, infos: ResourceInfo[]): Record<string, unknown> {
  const paths: Record<string, unknown> = isPlainObject(doc.paths) ? { ...doc.paths } : {};
  for (const info of infos) {
    const path = resourcePath(info);
    const existing = isPlainObject(paths[path]) ? (paths[path] as Record<string, unknown>) : {};
    if (isPlainObject(existing.patch)) {
      const params = Array.isArray(existing.patch.parameters) ? (existing.patch.parameters as { name?: string }[]) : [];
      const missing = QUERY_PARAMS.filter((q) => !params.some((p) => p.name === q.name));
      paths[path] = { ...existing, patch: { ...existing.patch, parameters: [...params, ...missing] } };
      continue;
    }
    const gvk = { group: info.group, version: info.version, kind: info.kind };
    const op = (verb: string) => ({
      description: `${verb} the specified ${info.kind}`,
      operationId: `${verb}${info.kind}`,
      parameters: QUERY_PARAMS,
      responses: { '200': { description: 'OK' } },
      'x-kubernetes-action': verb,
      'x-kubernetes-group-version-kind': gvk,
    });
    paths[path] = { ...existing, get: existing.get ?? op('read'), put: existing.put ?? op('replace'), patch: op('patch'), delete: existing.delete ?? op('delete') };
  }
  return { ...doc, paths };
}

function groupVersionsOf(registry: Registry): string[] {
  const out: string[] = [];
  for (const g of registry.groupVersions()) for (const v of g.versions) out.push(gvPath(g.group, v));
  return out;
}

function resourcesFor(registry: Registry, group: string, version: string) {
  return registry.resourcesOf(group, version).map((info) => ({
    kind: info.kind,
    group: info.group,
    version: info.version,
    schema: info.schema,
    namespaced: info.namespaced,
  }));
}

function hashOf(registry: Registry, group: string, version: string): string {
  const h = createHash('sha512');
  for (const info of registry.resourcesOf(group, version)) h.update(JSON.stringify([info.kind, info.plural, info.schema ?? null]));
  return h.digest('hex').slice(0, 64).toUpperCase();
}

/** The /openapi/v3 index with a hash per group version so clients re-fetch when a CRD changes. */
export function openApiIndex(registry: Registry): unknown {
  const index = openApiV3Index(groupVersionsOf(registry)) as { paths?: Record<string, { serverRelativeURL?: string }> };
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const gv of groupVersionsOf(registry)) {
    const [group, version] = splitGv(gv);
    paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${hashOf(registry, group, version)}` };
  }
  return { ...index, paths };
}

function splitGv(gv: string): [string, string] {
  const parts = gv.split('/');
  if (parts[0] === 'api') return ['', parts[1] ?? ''];
  return [parts[1] ?? '', parts[2] ?? ''];
}

/** The document for `api/v1` or `apis/<group>/<version>`, or undefined when not served. */
export function openApiDocumentFor(registry: Registry, gv: string): unknown {
  const [group, version] = splitGv(gv);
  const infos = registry.resourcesOf(group, version);
  if (infos.length === 0) return undefined;
  const doc = openApiV3Document(group === '' ? version : `${group}/${version}`, resourcesFor(registry, group, version)) as Record<string, unknown>;
  return withPaths(doc, infos);
}
