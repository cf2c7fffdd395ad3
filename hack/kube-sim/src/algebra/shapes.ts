// The structure of an object as merge algorithms need it: which maps are structs, which lists
// are associative (and by which keys), which values are atomic. structured-merge-diff (SSA) and
// strategic merge patch both read this from the Go types' tags; here it comes from a CRD's
// openAPIV3Schema (`fromJsonSchema`) or from a hand-written table of the built-in kinds the
// operator, kubectl and Helm touch (`builtinShape`).
//
// Simplification: the built-in table covers ObjectMeta, PodSpec/containers and the workload,
// Service and condition-bearing kinds. Other fields of built-in kinds are treated as structs
// with atomic lists, which is what most of them are upstream.
import type { JSONSchemaProps } from './schema.ts';

export interface ScalarShape {
  kind: 'scalar';
}
export interface MapShape {
  kind: 'map';
  /** Declared struct fields; their own paths are not ownership members (structured-merge-diff). */
  fields: Record<string, Shape>;
  /** Shape of keys not in `fields` (a map's values); absent → deduced from the value. */
  elem?: Shape;
  /** x-kubernetes-map-type: atomic / +structType=atomic. */
  atomic?: boolean;
  /** Undeclared keys of a built-in struct are still struct fields (not members). */
  builtin?: boolean;
}
export interface ListShape {
  kind: 'list';
  elem: Shape;
  /** x-kubernetes-list-type. */
  listType: 'atomic' | 'set' | 'map';
  /** x-kubernetes-list-map-keys, for listType map. */
  keys?: string[];
  /** Defaults of key fields an element may omit (Service port protocol → TCP). */
  keyDefaults?: Record<string, unknown>;
  /** Strategic merge patch tags: patchStrategy=merge + patchMergeKey (for lists of maps). */
  smpMergeKey?: string;
  smpMerge?: boolean;
}
/** No schema: deduced from the value (maps granular, lists atomic). */
export interface AnyShape {
  kind: 'any';
  builtin?: boolean;
}
export type Shape = ScalarShape | MapShape | ListShape | AnyShape;

export const SCALAR: ScalarShape = { kind: 'scalar' };
export const ANY: AnyShape = { kind: 'any' };
const BUILTIN_ANY: AnyShape = { kind: 'any', builtin: true };

/** The shape of child `key` inside a map shape (or a deduced one). */
export function childShape(shape: Shape, key: string): Shape {
  if (shape.kind === 'map') return shape.fields[key] ?? shape.elem ?? (shape.builtin ? BUILTIN_ANY : ANY);
  if (shape.kind === 'any') return shape;
  return ANY;
}

/** Whether `key` is a declared struct field of a map shape (structured-merge-diff FindField). */
export function isDeclaredField(shape: Shape, key: string): boolean {
  if (shape.kind === 'map') return Object.hasOwn(shape.fields, key) || (shape.builtin === true && shape.elem === undefined);
  return shape.kind === 'any' && shape.builtin === true;
}

// ---- From a CRD schema -------------------------------------------------------------------

export function fromJsonSchema(schema: JSONSchemaProps | undefined): Shape {
  if (!schema) return ANY;
  if (schema['x-kubernetes-int-or-string']) return SCALAR;
  const type = schema.type;
  if (type === 'object' || (type === undefined && (schema.properties || schema.additionalProperties))) {
    const fields: Record<string, Shape> = {};
    for (const [k, v] of Object.entries(schema.properties ?? {})) fields[k] = fromJsonSchema(v);
    const shape: MapShape = { kind: 'map', fields };
    const ap = schema.additionalProperties;
    if (ap && typeof ap === 'object') shape.elem = fromJsonSchema(ap);
    if (schema['x-kubernetes-map-type'] === 'atomic') shape.atomic = true;
    return shape;
  }
  if (type === 'array') {
    const items = schema.items && !Array.isArray(schema.items) ? schema.items : undefined;
    const lt = schema['x-kubernetes-list-type'];
    const shape: ListShape = { kind: 'list', elem: fromJsonSchema(items), listType: lt === 'set' || lt === 'map' ? lt : 'atomic' };
    if (lt === 'map') {
      shape.keys = [...(schema['x-kubernetes-list-map-keys'] ?? [])];
      const defaults: Record<string, unknown> = {};
      for (const k of shape.keys) {
        const d = items?.properties?.[k]?.default;
        if (d !== undefined) defaults[k] = d;
      }
      if (Object.keys(defaults).length > 0) shape.keyDefaults = defaults;
    }
    return shape;
  }
  if (type === undefined) return ANY;
  return SCALAR;
}

// ---- Built-in kinds ----------------------------------------------------------------------

function struct(fields: Record<string, Shape> = {}, atomic = false): MapShape {
  return atomic ? { kind: 'map', fields, builtin: true, atomic: true } : { kind: 'map', fields, builtin: true };
}
function stringMap(atomic = false): MapShape {
  return atomic ? { kind: 'map', fields: {}, elem: SCALAR, atomic: true } : { kind: 'map', fields: {}, elem: SCALAR };
}
function mapList(keys: string[], elem: Shape, smpMergeKey?: string, keyDefaults?: Record<string, unknown>): ListShape {
  const s: ListShape = { kind: 'list', elem, listType: 'map', keys };
  if (smpMergeKey) {
    s.smpMergeKey = smpMergeKey;
    s.smpMerge = true;
  }
  if (keyDefaults) s.keyDefaults = keyDefaults;
  return s;
}
function setList(): ListShape {
  return { kind: 'list', elem: SCALAR, listType: 'set', smpMerge: true };
}
function atomicList(elem: Shape = BUILTIN_ANY): ListShape {
  return { kind: 'list', elem, listType: 'atomic' };
}

const OBJECT_META = struct({
  labels: stringMap(),
  annotations: stringMap(),
  ownerReferences: mapList(['uid'], struct(), 'uid'),
  finalizers: setList(),
  managedFields: atomicList(),
});
const LABEL_SELECTOR = struct({ matchLabels: stringMap(), matchExpressions: atomicList() }, true);
const RESOURCES = struct({ limits: stringMap(), requests: stringMap(), claims: mapList(['name'], struct(), 'name') });
const CONTAINER = struct({
  ports: mapList(['containerPort', 'protocol'], struct(), 'containerPort', { protocol: 'TCP' }),
  env: mapList(['name'], struct(), 'name'),
  envFrom: atomicList(),
  volumeMounts: mapList(['mountPath'], struct(), 'mountPath'),
  volumeDevices: mapList(['devicePath'], struct(), 'devicePath'),
  resizePolicy: { kind: 'list', elem: struct(), listType: 'atomic' },
  resources: RESOURCES,
  command: atomicList(SCALAR),
  args: atomicList(SCALAR),
});
const POD_SPEC = struct({
  containers: mapList(['name'], CONTAINER, 'name'),
  initContainers: mapList(['name'], CONTAINER, 'name'),
  ephemeralContainers: mapList(['name'], CONTAINER, 'name'),
  volumes: mapList(['name'], struct(), 'name'),
  imagePullSecrets: mapList(['name'], struct(), 'name'),
  hostAliases: mapList(['ip'], struct(), 'ip'),
  topologySpreadConstraints: mapList(['topologyKey', 'whenUnsatisfiable'], struct(), 'topologyKey'),
  resourceClaims: mapList(['name'], struct(), 'name'),
  schedulingGates: mapList(['name'], struct(), 'name'),
  tolerations: atomicList(),
  readinessGates: atomicList(),
  nodeSelector: stringMap(true),
  overhead: stringMap(),
});
const POD_TEMPLATE = struct({ metadata: OBJECT_META, spec: POD_SPEC });
const CONDITIONS = mapList(['type'], struct(), 'type');
const STATUS_WITH_CONDITIONS = struct({ conditions: CONDITIONS });

function kind(spec: MapShape = struct(), status: MapShape = STATUS_WITH_CONDITIONS): MapShape {
  return struct({ metadata: OBJECT_META, spec, status });
}
const WORKLOAD = kind(struct({ selector: LABEL_SELECTOR, template: POD_TEMPLATE }));
const JOB_SPEC = struct({ selector: LABEL_SELECTOR, template: POD_TEMPLATE });

const BUILTIN: Record<string, MapShape> = {
  '/v1/Pod': kind(POD_SPEC, struct({ conditions: CONDITIONS })),
  '/v1/PodTemplate': struct({ metadata: OBJECT_META, template: POD_TEMPLATE }),
  '/v1/ReplicationController': kind(struct({ selector: stringMap(true), template: POD_TEMPLATE })),
  '/v1/Service': kind(
    struct({
      ports: mapList(['port', 'protocol'], struct(), 'port', { protocol: 'TCP' }),
      selector: stringMap(true),
      clusterIPs: atomicList(SCALAR),
      externalIPs: atomicList(SCALAR),
    }),
  ),
  '/v1/Node': kind(struct({ taints: atomicList() }), struct({ conditions: CONDITIONS, addresses: atomicList() })),
  '/v1/Namespace': kind(struct({ finalizers: atomicList(SCALAR) }), struct({ conditions: CONDITIONS })),
  '/v1/ConfigMap': struct({ metadata: OBJECT_META, data: stringMap(), binaryData: stringMap() }),
  '/v1/Secret': struct({ metadata: OBJECT_META, data: stringMap(), stringData: stringMap() }),
  '/v1/ServiceAccount': struct({ metadata: OBJECT_META, secrets: mapList(['name'], struct(), 'name'), imagePullSecrets: atomicList() }),
  '/v1/PersistentVolumeClaim': kind(struct({ accessModes: atomicList(SCALAR), selector: LABEL_SELECTOR }), struct({ conditions: CONDITIONS })),
  'apps/v1/Deployment': WORKLOAD,
  'apps/v1/ReplicaSet': WORKLOAD,
  'apps/v1/DaemonSet': WORKLOAD,
  'apps/v1/StatefulSet': kind(struct({ selector: LABEL_SELECTOR, template: POD_TEMPLATE, volumeClaimTemplates: atomicList() })),
  'batch/v1/Job': kind(JOB_SPEC),
  'batch/v1/CronJob': kind(struct({ jobTemplate: struct({ metadata: OBJECT_META, spec: JOB_SPEC }) })),
  'autoscaling/v2/HorizontalPodAutoscaler': kind(struct({ metrics: atomicList() }), struct({ conditions: atomicList() })),
  'policy/v1/PodDisruptionBudget': kind(struct({ selector: LABEL_SELECTOR }), struct({ conditions: CONDITIONS })),
  'networking.k8s.io/v1/NetworkPolicy': kind(struct({ podSelector: LABEL_SELECTOR })),
  'apiextensions.k8s.io/v1/CustomResourceDefinition': kind(struct({ versions: atomicList() }), struct({ conditions: CONDITIONS })),
};

/** API groups served by kube-apiserver itself (strategic merge patch works for their kinds). */
export const BUILTIN_GROUPS: ReadonlySet<string> = new Set([
  '',
  'apps',
  'batch',
  'autoscaling',
  'policy',
  'networking.k8s.io',
  'rbac.authorization.k8s.io',
  'coordination.k8s.io',
  'events.k8s.io',
  'storage.k8s.io',
  'discovery.k8s.io',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'scheduling.k8s.io',
  'node.k8s.io',
  'certificates.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'authentication.k8s.io',
  'authorization.k8s.io',
]);

export interface TypeKeyParts {
  group: string;
  version: string;
  kind: string;
}

/** `apps/v1/Deployment` → {group: apps, ...}; `/v1/Service` → core group ''. */
export function parseTypeKey(typeKey: string): TypeKeyParts {
  const parts = typeKey.split('/');
  if (parts.length !== 3 || !parts[1] || !parts[2]) throw new Error(`invalid type key ${JSON.stringify(typeKey)}: expected "group/version/Kind" ("" group for core, e.g. "/v1/Service")`);
  return { group: parts[0] as string, version: parts[1], kind: parts[2] };
}

export function isBuiltinTypeKey(typeKey: string): boolean {
  return BUILTIN_GROUPS.has(parseTypeKey(typeKey).group);
}

/** The shape of a built-in kind; kinds outside the table get ObjectMeta + struct-like fields. */
export function builtinShape(typeKey: string): MapShape {
  const known = BUILTIN[typeKey];
  if (known) return known;
  // Same kind in another version (e.g. autoscaling/v1) or a kind we do not tabulate.
  const { group, kind: k } = parseTypeKey(typeKey);
  const other = Object.entries(BUILTIN).find(([key]) => key.startsWith(`${group}/`) && key.endsWith(`/${k}`));
  return other ? other[1] : kind(struct(), struct({ conditions: CONDITIONS }));
}

/** The shape of a CRD's object: its schema plus the ObjectMeta every object has. */
export function customResourceShape(schema: JSONSchemaProps | undefined): MapShape {
  const base = fromJsonSchema(schema);
  const fields: Record<string, Shape> = base.kind === 'map' ? { ...base.fields } : {};
  fields['metadata'] = OBJECT_META;
  fields['apiVersion'] = SCALAR;
  fields['kind'] = SCALAR;
  const shape: MapShape = { kind: 'map', fields };
  if (base.kind === 'map' && base.elem) shape.elem = base.elem;
  return shape;
}

/** The shape to merge objects of `typeKey` with: the CRD schema when given, else built-in. */
export function shapeFor(typeKey: string, schema?: JSONSchemaProps): MapShape {
  if (schema) return customResourceShape(schema);
  if (isBuiltinTypeKey(typeKey)) return builtinShape(typeKey);
  return customResourceShape(undefined);
}
