// OpenAPI v3 discovery as kube-apiserver serves it: the `/openapi/v3` index of group-versions
// and one document per group-version (`/openapi/v3/apis/<group>/<version>`), whose
// components.schemas carry `x-kubernetes-group-version-kind` and whose paths carry the GVK of
// each operation. `kubectl explain` finds a resource's kind through those paths and walks the
// schemas through `$ref`s, so CRD schemas reference ObjectMeta as kube-apiserver does.
//
// Simplifications: built-in kinds without a schema get a permissive object schema (apiVersion,
// kind, metadata, and spec/status that preserve unknown fields); ObjectMeta and its referenced
// types are abridged to the fields clients use; paths cover get/list/create/update/patch/delete
// and the status subresource only, without parameters or responses beyond a 200 reference.
import { createHash } from 'node:crypto';
import type { JSONSchemaProps } from './schema.ts';
import { BUILTIN_GROUPS } from './shapes.ts';
import type { JsonObject } from './values.ts';

export interface OpenApiResource {
  kind: string;
  group: string;
  version: string;
  schema: JSONSchemaProps | undefined;
  namespaced: boolean;
  /** Resource name (plural); guessed from the kind like kube's UnsafeGuessKindToResource. */
  plural?: string;
  /** Whether a /status subresource exists. */
  statusSubresource?: boolean;
}

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const ref = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` });

/** `apps` → `io.k8s.api.apps`, `mcpfleet.dev` → `dev.mcpfleet`, `` → `io.k8s.api.core`. */
export function schemaNamePrefix(group: string): string {
  if (group === '') return 'io.k8s.api.core';
  if (group === 'apiextensions.k8s.io') return 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions';
  if (group === 'apiregistration.k8s.io') return 'io.k8s.kube-aggregator.pkg.apis.apiregistration';
  if (BUILTIN_GROUPS.has(group)) return `io.k8s.api.${group.split('.')[0]}`;
  return group.split('.').reverse().join('.');
}

export function schemaName(group: string, version: string, kind: string): string {
  return `${schemaNamePrefix(group)}.${version}.${kind}`;
}

/** meta.UnsafeGuessKindToResource. */
export function guessPlural(kind: string): string {
  const k = kind.toLowerCase();
  if (k.endsWith('s')) return `${k}es`;
  if (k.endsWith('y')) return `${k.slice(0, -1)}ies`;
  return `${k}s`;
}

/** `v1` → `api/v1`, `apps/v1` → `apis/apps/v1`. */
export function groupVersionPath(groupVersion: string): string {
  return groupVersion.includes('/') ? `apis/${groupVersion}` : `api/${groupVersion}`;
}

function hashOf(value: unknown): string {
  return createHash('sha512').update(JSON.stringify(value)).digest('hex').toUpperCase();
}

/**
 * The `/openapi/v3` index. Pass the documents (by groupVersion) so that each URL's hash changes
 * when its document does: clients cache documents by that hash.
 */
export function openApiV3Index(groupVersions: string[], documents: Record<string, unknown> = {}): JsonObject {
  const paths: JsonObject = {};
  for (const gv of [...groupVersions].sort((a, b) => (groupVersionPath(a) < groupVersionPath(b) ? -1 : 1))) {
    const p = groupVersionPath(gv);
    paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hashOf(documents[gv] ?? gv)}` };
  }
  return { paths };
}

const DESC = {
  apiVersion:
    'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources',
  kind: 'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds',
  metadata: "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
  listMetadata: 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds',
};

/** ObjectMeta and the types it references, abridged to the fields clients rely on. */
function metaSchemas(): JsonObject {
  const str = (description: string): JsonObject => ({ type: 'string', description, default: '' });
  return {
    [`${META}.ObjectMeta`]: {
      description: 'ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.',
      type: 'object',
      properties: {
        annotations: {
          description: 'Annotations is an unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metadata. They are not queryable and should be preserved when modifying objects. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations',
          type: 'object',
          additionalProperties: { type: 'string', default: '' },
        },
        creationTimestamp: { description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', allOf: [ref(`${META}.Time`)] },
        deletionGracePeriodSeconds: { description: 'Number of seconds allowed for this object to gracefully terminate before it will be removed from the system.', type: 'integer', format: 'int64' },
        deletionTimestamp: { description: 'DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted.', allOf: [ref(`${META}.Time`)] },
        finalizers: {
          description: 'Must be empty before the object is deleted from the registry. Each entry is an identifier for the responsible component that will remove the entry from the list.',
          type: 'array',
          items: { type: 'string', default: '' },
          'x-kubernetes-list-type': 'set',
          'x-kubernetes-patch-strategy': 'merge',
        },
        generateName: str('GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided.'),
        generation: { description: 'A sequence number representing a specific generation of the desired state. Populated by the system. Read-only.', type: 'integer', format: 'int64' },
        labels: {
          description: 'Map of string keys and values that can be used to organize and categorize (scope and select) objects. May match selectors of replication controllers and services. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels',
          type: 'object',
          additionalProperties: { type: 'string', default: '' },
        },
        managedFields: {
          description: 'ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow.',
          type: 'array',
          items: { default: {}, allOf: [ref(`${META}.ManagedFieldsEntry`)] },
          'x-kubernetes-list-type': 'atomic',
        },
        name: str('Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names'),
        namespace: str('Namespace defines the space within which each name must be unique. Must be a DNS_LABEL. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces'),
        ownerReferences: {
          description: 'List of objects depended by this object. If ALL objects in the list have been deleted, this object will be garbage collected.',
          type: 'array',
          items: { default: {}, allOf: [ref(`${META}.OwnerReference`)] },
          'x-kubernetes-list-map-keys': ['uid'],
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-patch-merge-key': 'uid',
          'x-kubernetes-patch-strategy': 'merge',
        },
        resourceVersion: str('An opaque value that represents the internal version of this object that can be used by clients to determine when objects have changed. Read-only.'),
        selfLink: str('Deprecated: selfLink is a legacy read-only field that is no longer populated by the system.'),
        uid: str('UID is the unique in time and space value for this object. It is typically generated by the server on successful creation of a resource and is not allowed to change on PUT operations. Read-only.'),
      },
    },
    [`${META}.Time`]: { description: 'Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON.', type: 'string', format: 'date-time' },
    [`${META}.OwnerReference`]: {
      description: 'OwnerReference contains enough information to let you identify an owning object. An owning object must be in the same namespace as the dependent, or be cluster-scoped, so there is no namespace field.',
      type: 'object',
      required: ['apiVersion', 'kind', 'name', 'uid'],
      properties: {
        apiVersion: str('API version of the referent.'),
        blockOwnerDeletion: { description: 'If true, AND if the owner has the "foregroundDeletion" finalizer, then the owner cannot be deleted from the key-value store until this reference is removed.', type: 'boolean' },
        controller: { description: 'If true, this reference points to the managing controller.', type: 'boolean' },
        kind: str('Kind of the referent.'),
        name: str('Name of the referent.'),
        uid: str('UID of the referent.'),
      },
      'x-kubernetes-map-type': 'atomic',
    },
    [`${META}.ManagedFieldsEntry`]: {
      description: 'ManagedFieldsEntry is a workflow-id, a FieldSet and the group version of the resource that the fieldset applies to.',
      type: 'object',
      properties: {
        apiVersion: { description: 'APIVersion defines the version of this resource that this field set applies to.', type: 'string' },
        fieldsType: { description: 'FieldsType is the discriminator for the different fields format and version. There is currently only one possible value: "FieldsV1"', type: 'string' },
        fieldsV1: { description: 'FieldsV1 holds the first JSON version format as described in the "FieldsV1" type.', type: 'object' },
        manager: { description: 'Manager is an identifier of the workflow managing these fields.', type: 'string' },
        operation: { description: "Operation is the type of operation which lead to this ManagedFieldsEntry being created. The only valid values for this field are 'Apply' and 'Update'.", type: 'string' },
        subresource: { description: 'Subresource is the name of the subresource used to update that object, or empty string if the object was updated through the main resource.', type: 'string' },
        time: { description: 'Time is the timestamp of when the ManagedFields entry was added.', allOf: [ref(`${META}.Time`)] },
      },
    },
    [`${META}.ListMeta`]: {
      description: 'ListMeta describes metadata that synthetic resources must have, including lists and various status objects.',
      type: 'object',
      properties: {
        continue: { description: 'continue may be set if the user set a limit on the number of items returned.', type: 'string' },
        remainingItemCount: { description: 'remainingItemCount is the number of subsequent items in the list which are not included in this list response.', type: 'integer', format: 'int64' },
        resourceVersion: { description: "String that identifies the server's internal version of this object that can be used by clients to determine when objects have changed.", type: 'string' },
      },
    },
    [`${META}.Status`]: {
      description: 'Status is a return value for calls that don\'t return other objects.',
      type: 'object',
      properties: {
        apiVersion: { description: DESC.apiVersion, type: 'string' },
        code: { description: 'Suggested HTTP return code for this status, 0 if not set.', type: 'integer', format: 'int32' },
        kind: { description: DESC.kind, type: 'string' },
        message: { description: 'A human-readable description of the status of this operation.', type: 'string' },
        reason: { description: 'A machine-readable description of why this operation is in the "Failure" status.', type: 'string' },
        status: { description: 'Status of the operation. One of: "Success" or "Failure".', type: 'string' },
      },
      'x-kubernetes-group-version-kind': [{ group: '', kind: 'Status', version: 'v1' }],
    },
  };
}

/** Converts a CRD schema node to OpenAPI v3 as kube-apiserver publishes it. */
function convertSchema(s: JSONSchemaProps): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'properties' && v && typeof v === 'object') {
      const props: JsonObject = {};
      for (const [pk, pv] of Object.entries(v as Record<string, JSONSchemaProps>)) props[pk] = convertSchema(pv);
      out[k] = props;
    } else if ((k === 'items' || k === 'not') && v && typeof v === 'object') out[k] = convertSchema(v as JSONSchemaProps);
    else if (k === 'additionalProperties' && v && typeof v === 'object') out[k] = convertSchema(v as JSONSchemaProps);
    else if ((k === 'allOf' || k === 'anyOf' || k === 'oneOf') && Array.isArray(v)) out[k] = (v as JSONSchemaProps[]).map(convertSchema);
    else out[k] = v;
  }
  if (s['x-kubernetes-int-or-string']) {
    delete out['type'];
    out['anyOf'] = [{ type: 'integer' }, { type: 'string' }];
  }
  return out;
}

function kindSchema(r: OpenApiResource): JsonObject {
  const gvk = [{ group: r.group, kind: r.kind, version: r.version }];
  const base: JsonObject = r.schema
    ? convertSchema(r.schema)
    : {
        description: `${r.kind} (${r.group ? `${r.group}/` : ''}${r.version}) as served by the kube-sim API simulator; its fields are not described here.`,
        type: 'object',
        properties: {
          spec: { description: `Specification of the ${r.kind}.`, type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          status: { description: `Most recently observed status of the ${r.kind}.`, type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        },
        'x-kubernetes-preserve-unknown-fields': true,
      };
  const props = { ...((base['properties'] as JsonObject | undefined) ?? {}) };
  props['apiVersion'] = { description: DESC.apiVersion, type: 'string' };
  props['kind'] = { description: DESC.kind, type: 'string' };
  props['metadata'] = { description: DESC.metadata, default: {}, allOf: [ref(`${META}.ObjectMeta`)] };
  const sorted: JsonObject = {};
  for (const k of Object.keys(props).sort()) sorted[k] = props[k];
  return { ...base, type: 'object', properties: sorted, 'x-kubernetes-group-version-kind': gvk };
}

function listSchema(r: OpenApiResource, itemName: string): JsonObject {
  return {
    description: `${r.kind}List is a list of ${r.kind}`,
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: { description: DESC.apiVersion, type: 'string' },
      items: { description: `List of ${guessPlural(r.kind)}. More info: https://git.k8s.io/community/contributors/devel/api-conventions.md`, type: 'array', items: ref(itemName) },
      kind: { description: DESC.kind, type: 'string' },
      metadata: { description: DESC.listMetadata, allOf: [ref(`${META}.ListMeta`)] },
    },
    'x-kubernetes-group-version-kind': [{ group: r.group, kind: `${r.kind}List`, version: r.version }],
  };
}

function operation(r: OpenApiResource, action: string, verb: string, schemaRef: string, kind = r.kind): JsonObject {
  return {
    description: `${verb} ${kind}`,
    operationId: `${action}${r.kind}`,
    responses: { '200': { description: 'OK', content: { 'application/json': { schema: ref(schemaRef) } } } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': { group: r.group, kind: r.kind, version: r.version },
  };
}

function resourcePaths(r: OpenApiResource, itemName: string, listName: string): JsonObject {
  const prefix = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  const plural = r.plural ?? guessPlural(r.kind);
  const collection = r.namespaced ? `${prefix}/namespaces/{namespace}/${plural}` : `${prefix}/${plural}`;
  const paths: JsonObject = {
    [collection]: { get: operation(r, 'list', 'list or watch objects of kind', listName), post: operation(r, 'post', 'create a', itemName) },
    [`${collection}/{name}`]: {
      get: operation(r, 'get', 'read the specified', itemName),
      put: operation(r, 'put', 'replace the specified', itemName),
      patch: operation(r, 'patch', 'partially update the specified', itemName),
      delete: operation(r, 'delete', 'delete a', `${META}.Status`),
    },
  };
  if (r.namespaced) paths[`${prefix}/${plural}`] = { get: operation(r, 'list', 'list or watch objects of kind', listName) };
  if (r.statusSubresource) {
    paths[`${collection}/{name}/status`] = {
      get: operation(r, 'get', 'read status of the specified', itemName),
      put: operation(r, 'put', 'replace status of the specified', itemName),
      patch: operation(r, 'patch', 'partially update status of the specified', itemName),
    };
  }
  return paths;
}

/** The OpenAPI v3 document of one group-version (`v1`, `apps/v1`, `mcpfleet.dev/v1alpha1`). */
export function openApiV3Document(groupVersion: string, resources: OpenApiResource[]): JsonObject {
  for (const r of resources) {
    const gv = r.group ? `${r.group}/${r.version}` : r.version;
    if (gv !== groupVersion) throw new Error(`resource ${r.kind} is in ${gv}, not in the requested group-version ${groupVersion}`);
  }
  const schemas: JsonObject = metaSchemas();
  const paths: JsonObject = {};
  for (const r of [...resources].sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0))) {
    const name = schemaName(r.group, r.version, r.kind);
    const listName = `${name}List`;
    schemas[name] = kindSchema(r);
    schemas[listName] = listSchema(r, name);
    Object.assign(paths, resourcePaths(r, name, listName));
  }
  const sortedPaths: JsonObject = {};
  for (const k of Object.keys(paths).sort()) sortedPaths[k] = paths[k];
  const sortedSchemas: JsonObject = {};
  for (const k of Object.keys(schemas).sort()) sortedSchemas[k] = schemas[k];
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.33.0' },
    paths: sortedPaths,
    components: { schemas: sortedSchemas },
  };
}
