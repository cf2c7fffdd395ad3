// Server-side printing: the meta.k8s.io/v1 Table kube-apiserver returns for
// `Accept: application/json;as=Table;g=meta.k8s.io;v=v1` (what `kubectl get` asks for).
// CRD columns follow apiextensions-apiserver's tableconvertor (JSONPath, first result only,
// typed cells, `date` columns as human durations); built-in kinds get the columns of
// kube-apiserver's internal printers for the kinds we serve (`defaultColumnsFor`).
//
// Simplifications: built-in printers cover Deployment, ReplicaSet, StatefulSet, DaemonSet, Pod,
// Service, ConfigMap, Secret, Namespace, Node, Job, Lease, Event, ServiceAccount, Endpoints and
// CustomResourceDefinition; other built-in kinds print Name and Age. Pod STATUS uses
// phase/waiting/terminated reasons, not every rule of the upstream printer.
import { compileJsonPath, evaluateJsonPath, printJsonPathValue, type CompiledJsonPath } from './jsonpath.ts';
import { goNumber, isObject, type JsonObject } from './values.ts';

export interface PrinterColumn {
  name: string;
  /** integer | number | string | boolean | date (CRD); built-in printers use string/integer. */
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  /** CRD additionalPrinterColumns jsonPath, e.g. `.status.conditions[?(@.type=="Ready")].status`. */
  jsonPath?: string;
  /** Built-in printers compute cells in code. */
  compute?: (obj: JsonObject, now: Date) => unknown;
}

export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface TableRow {
  cells: unknown[];
  object?: unknown;
}

export interface Table {
  apiVersion: 'meta.k8s.io/v1';
  kind: 'Table';
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

export interface TableOptions {
  includeObject: 'None' | 'Object' | 'Metadata';
  now: Date;
  /** ListMeta of the list being printed (resourceVersion, continue). */
  listMeta?: Table['metadata'];
}

const NAME_DESCRIPTION =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
const CREATION_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

/** k8s.io/apimachinery/pkg/util/duration.HumanDuration for a duration in milliseconds. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.trunc(hours / 24) % 365;
    return dy === 0 ? `${Math.trunc(hours / 24 / 365)}y` : `${Math.trunc(hours / 24 / 365)}y${dy}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** translateTimestampSince / ConvertToHumanReadableDateType. */
export function age(timestamp: unknown, now: Date): string {
  if (typeof timestamp !== 'string' || timestamp === '') return '<unknown>';
  const t = Date.parse(timestamp);
  if (Number.isNaN(t)) return '<invalid>';
  return humanDuration(now.getTime() - t);
}

/** apiextensions tableconvertor's cellForJSONValue. */
function typedCell(type: string, value: unknown, now: Date): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'string':
      return printJsonPathValue(value);
    case 'date':
      return typeof value === 'string' ? age(value, now) : null;
    default:
      return null;
  }
}

interface PreparedColumn {
  column: PrinterColumn;
  path?: CompiledJsonPath;
}

function cellFor(c: PreparedColumn, obj: JsonObject, now: Date): unknown {
  if (c.column.compute) return c.column.compute(obj, now);
  if (!c.path) return null;
  const results = evaluateJsonPath(c.path, obj);
  if (results.length === 0) return null;
  return typedCell(c.column.type, results[0], now);
}

function partialObjectMetadata(obj: JsonObject): JsonObject {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: isObject(obj['metadata']) ? obj['metadata'] : {} };
}

export const NAME_COLUMN: PrinterColumn = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: NAME_DESCRIPTION,
  priority: 0,
  compute: (o) => (isObject(o['metadata']) ? (o['metadata']['name'] ?? '') : ''),
};

/** The Age column a CRD without additionalPrinterColumns gets. */
export function defaultCrdColumns(): PrinterColumn[] {
  return [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: CREATION_DESCRIPTION }];
}

/**
 * Builds a Table of `objects`. A Name column is put first (as kube-apiserver does) unless
 * `columns` already starts with one. Throws JsonPathError for an invalid column jsonPath.
 */
export function toTable(columns: PrinterColumn[], objects: object[], opts: TableOptions): Table {
  const all = columns[0]?.name === 'Name' ? columns : [NAME_COLUMN, ...columns];
  const prepared: PreparedColumn[] = all.map((column) => (column.jsonPath && !column.compute ? { column, path: compileJsonPath(column.jsonPath) } : { column }));
  const rows = objects.map((o) => {
    const obj = o as JsonObject;
    const row: TableRow = { cells: prepared.map((c) => cellFor(c, obj, opts.now)) };
    if (opts.includeObject === 'Object') row.object = obj;
    else if (opts.includeObject === 'Metadata') row.object = partialObjectMetadata(obj);
    return row;
  });
  return {
    apiVersion: 'meta.k8s.io/v1',
    kind: 'Table',
    metadata: { ...(opts.listMeta ?? {}) },
    columnDefinitions: all.map((c) => ({
      name: c.name,
      type: c.type === 'date' ? 'date' : c.type,
      format: c.format ?? '',
      description: c.description ?? '',
      priority: c.priority ?? 0,
    })),
    rows,
  };
}

// ---- Built-in printers -------------------------------------------------------------------

const get = (o: unknown, ...path: string[]): unknown => {
  let cur = o;
  for (const p of path) cur = isObject(cur) ? cur[p] : undefined;
  return cur;
};
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

const AGE: PrinterColumn = { name: 'Age', type: 'string', description: CREATION_DESCRIPTION, compute: (o, now) => age(get(o, 'metadata', 'creationTimestamp'), now) };

function col(name: string, type: string, description: string, compute: (o: JsonObject, now: Date) => unknown, priority = 0): PrinterColumn {
  return { name, type, description, priority, compute };
}

function containerNames(podSpec: unknown): string {
  return list(get(podSpec, 'containers')).map((c) => String(get(c, 'name') ?? '')).join(',');
}
function containerImages(podSpec: unknown): string {
  return list(get(podSpec, 'containers')).map((c) => String(get(c, 'image') ?? '')).join(',');
}
function selectorString(sel: unknown): string {
  if (!isObject(sel)) return '<none>';
  const parts: string[] = [];
  const ml = sel['matchLabels'];
  if (isObject(ml)) for (const k of Object.keys(ml).sort()) parts.push(`${k}=${String(ml[k])}`);
  for (const e of list(sel['matchExpressions'])) {
    const key = String(get(e, 'key'));
    const values = list(get(e, 'values')).map(String).sort().join(',');
    const op = String(get(e, 'operator'));
    parts.push(op === 'In' ? `${key} in (${values})` : op === 'NotIn' ? `${key} notin (${values})` : op === 'Exists' ? key : `!${key}`);
  }
  return parts.length > 0 ? parts.join(',') : '<none>';
}
function mapSelectorString(sel: unknown): string {
  if (!isObject(sel) || Object.keys(sel).length === 0) return '<none>';
  return Object.keys(sel)
    .sort()
    .map((k) => `${k}=${String(sel[k])}`)
    .join(',');
}

function podStatus(pod: JsonObject): string {
  if (get(pod, 'metadata', 'deletionTimestamp')) return 'Terminating';
  let reason = String(get(pod, 'status', 'reason') ?? get(pod, 'status', 'phase') ?? 'Unknown');
  for (const cs of list(get(pod, 'status', 'containerStatuses'))) {
    const waiting = get(cs, 'state', 'waiting', 'reason');
    const terminated = get(cs, 'state', 'terminated', 'reason');
    if (typeof waiting === 'string' && waiting !== '') reason = waiting;
    else if (typeof terminated === 'string' && terminated !== '') reason = terminated;
  }
  return reason;
}

function podReady(pod: JsonObject): string {
  const total = list(get(pod, 'spec', 'containers')).length;
  const ready = list(get(pod, 'status', 'containerStatuses')).filter((c) => get(c, 'ready') === true).length;
  return `${ready}/${total}`;
}

function podRestarts(pod: JsonObject, now: Date): string {
  let restarts = 0;
  let last: number | undefined;
  for (const cs of list(get(pod, 'status', 'containerStatuses'))) {
    restarts += num(get(cs, 'restartCount'));
    const finished = get(cs, 'lastState', 'terminated', 'finishedAt');
    if (typeof finished === 'string') {
      const t = Date.parse(finished);
      if (!Number.isNaN(t) && (last === undefined || t > last)) last = t;
    }
  }
  return restarts > 0 && last !== undefined ? `${restarts} (${humanDuration(now.getTime() - last)} ago)` : String(restarts);
}

function servicePorts(svc: JsonObject): string {
  const ports = list(get(svc, 'spec', 'ports'));
  if (ports.length === 0) return '<none>';
  return ports
    .map((p) => {
      const port = goNumber(num(get(p, 'port')));
      const proto = String(get(p, 'protocol') ?? 'TCP');
      const nodePort = get(p, 'nodePort');
      return typeof nodePort === 'number' && nodePort > 0 ? `${port}:${nodePort}/${proto}` : `${port}/${proto}`;
    })
    .join(',');
}

function serviceExternalIP(svc: JsonObject): string {
  const type = String(get(svc, 'spec', 'type') ?? 'ClusterIP');
  const external = list(get(svc, 'spec', 'externalIPs')).map(String);
  if (type === 'ExternalName') return String(get(svc, 'spec', 'externalName') ?? '<none>');
  if (type === 'LoadBalancer') {
    const ingress = list(get(svc, 'status', 'loadBalancer', 'ingress')).map((i) => String(get(i, 'ip') ?? get(i, 'hostname') ?? ''));
    const all = [...ingress, ...external].filter((s) => s !== '');
    return all.length > 0 ? all.join(',') : '<pending>';
  }
  return external.length > 0 ? external.join(',') : '<none>';
}

function conditionStatus(obj: JsonObject, type: string): unknown {
  const c = list(get(obj, 'status', 'conditions')).find((x) => get(x, 'type') === type);
  return c ? get(c, 'status') : undefined;
}

const WORKLOAD_WIDE = (specPath: string[]): PrinterColumn[] => [
  col('Containers', 'string', 'Names of each container in the template.', (o) => containerNames(get(o, ...specPath)), 1),
  col('Images', 'string', 'Images referenced by each container in the template.', (o) => containerImages(get(o, ...specPath)), 1),
  col('Selector', 'string', 'Label selector for pods.', (o) => selectorString(get(o, 'spec', 'selector')), 1),
];

const BUILTIN_COLUMNS: Record<string, PrinterColumn[]> = {
  'apps/Deployment': [
    col('Ready', 'string', 'Number of the pod with ready state', (o) => `${num(get(o, 'status', 'readyReplicas'))}/${num(get(o, 'spec', 'replicas') ?? 1)}`),
    col('Up-to-date', 'integer', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.', (o) => num(get(o, 'status', 'updatedReplicas'))),
    col('Available', 'integer', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.', (o) => num(get(o, 'status', 'availableReplicas'))),
    AGE,
    ...WORKLOAD_WIDE(['spec', 'template', 'spec']),
  ],
  'apps/ReplicaSet': [
    col('Desired', 'integer', 'Number of desired pods.', (o) => num(get(o, 'spec', 'replicas') ?? 1)),
    col('Current', 'integer', 'Number of actual pods.', (o) => num(get(o, 'status', 'replicas'))),
    col('Ready', 'integer', 'Number of ready pods.', (o) => num(get(o, 'status', 'readyReplicas'))),
    AGE,
    ...WORKLOAD_WIDE(['spec', 'template', 'spec']),
  ],
  'apps/StatefulSet': [
    col('Ready', 'string', 'Number of the pod with ready state', (o) => `${num(get(o, 'status', 'readyReplicas'))}/${num(get(o, 'spec', 'replicas') ?? 1)}`),
    AGE,
    col('Containers', 'string', 'Names of each container in the template.', (o) => containerNames(get(o, 'spec', 'template', 'spec')), 1),
    col('Images', 'string', 'Images referenced by each container in the template.', (o) => containerImages(get(o, 'spec', 'template', 'spec')), 1),
  ],
  'apps/DaemonSet': [
    col('Desired', 'integer', 'The total number of nodes that should be running the daemon pod.', (o) => num(get(o, 'status', 'desiredNumberScheduled'))),
    col('Current', 'integer', 'The number of nodes that are running at least 1 daemon pod.', (o) => num(get(o, 'status', 'currentNumberScheduled'))),
    col('Ready', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.', (o) => num(get(o, 'status', 'numberReady'))),
    col('Up-to-date', 'integer', 'The total number of nodes that are running updated daemon pod', (o) => num(get(o, 'status', 'updatedNumberScheduled'))),
    col('Available', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.', (o) => num(get(o, 'status', 'numberAvailable'))),
    col('Node Selector', 'string', 'NodeSelector is a selector which must be true for the pod to fit on a node.', (o) => mapSelectorString(get(o, 'spec', 'template', 'spec', 'nodeSelector'))),
    AGE,
    ...WORKLOAD_WIDE(['spec', 'template', 'spec']),
  ],
  '/Pod': [
    col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.', podReady),
    col('Status', 'string', 'The aggregate status of the containers in this pod.', podStatus),
    col('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.', podRestarts),
    AGE,
    col('IP', 'string', 'IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', (o) => String(get(o, 'status', 'podIP') ?? '<none>'), 1),
    col('Node', 'string', 'NodeName is a request to schedule this pod onto a specific node.', (o) => String(get(o, 'spec', 'nodeName') ?? '<none>'), 1),
    col('Nominated Node', 'string', 'nominatedNodeName is set only when this pod preempts other pods on the node.', (o) => String(get(o, 'status', 'nominatedNodeName') ?? '<none>'), 1),
    col('Readiness Gates', 'string', 'If specified, all readiness gates will be evaluated for pod readiness.', (o) => {
      const gates = list(get(o, 'spec', 'readinessGates'));
      if (gates.length === 0) return '<none>';
      const ok = gates.filter((g) => conditionStatus(o, String(get(g, 'conditionType'))) === 'True').length;
      return `${ok}/${gates.length}`;
    }, 1),
  ],
  '/Service': [
    col('Type', 'string', 'type determines how the Service is exposed.', (o) => String(get(o, 'spec', 'type') ?? 'ClusterIP')),
    col('Cluster-IP', 'string', 'clusterIP is the IP address of the service and is usually assigned randomly.', (o) => String(get(o, 'spec', 'clusterIP') || '<none>')),
    col('External-IP', 'string', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.', serviceExternalIP),
    col('Port(s)', 'string', 'The list of ports that are exposed by this service.', servicePorts),
    AGE,
    col('Selector', 'string', 'Route service traffic to pods with label keys and values matching this selector.', (o) => mapSelectorString(get(o, 'spec', 'selector')), 1),
  ],
  '/ConfigMap': [
    col('Data', 'integer', 'Data contains the configuration data.', (o) => Object.keys(get(o, 'data') ?? {}).length + Object.keys(get(o, 'binaryData') ?? {}).length),
    AGE,
  ],
  '/Secret': [
    col('Type', 'string', 'Used to facilitate programmatic handling of secret data.', (o) => String(get(o, 'type') ?? 'Opaque')),
    col('Data', 'integer', 'Data contains the secret data.', (o) => Object.keys(get(o, 'data') ?? {}).length),
    AGE,
  ],
  '/Namespace': [col('Status', 'string', 'The status of the namespace', (o) => String(get(o, 'status', 'phase') ?? 'Active')), AGE],
  '/Node': [
    col('Status', 'string', 'The status of the node', (o) => {
      const ready = conditionStatus(o, 'Ready');
      const base = ready === 'True' ? 'Ready' : ready === undefined ? 'Unknown' : 'NotReady';
      return get(o, 'spec', 'unschedulable') === true ? `${base},SchedulingDisabled` : base;
    }),
    col('Roles', 'string', 'The roles of the node', (o) => {
      const labels = get(o, 'metadata', 'labels');
      const roles = isObject(labels) ? Object.keys(labels).filter((k) => k.startsWith('node-role.kubernetes.io/')).map((k) => k.slice('node-role.kubernetes.io/'.length)) : [];
      return roles.length > 0 ? roles.sort().join(',') : '<none>';
    }),
    AGE,
    col('Version', 'string', 'Kubelet Version reported by the node.', (o) => String(get(o, 'status', 'nodeInfo', 'kubeletVersion') ?? '')),
  ],
  'batch/Job': [
    col('Status', 'string', 'Status of the job.', (o) => {
      if (conditionStatus(o, 'Complete') === 'True') return 'Complete';
      if (conditionStatus(o, 'Failed') === 'True') return 'Failed';
      return get(o, 'metadata', 'deletionTimestamp') ? 'Terminating' : 'Running';
    }),
    col('Completions', 'string', 'The desired number of successfully finished pods the job should be run with.', (o) => `${num(get(o, 'status', 'succeeded'))}/${num(get(o, 'spec', 'completions') ?? 1)}`),
    col('Duration', 'string', 'Time required to complete the job.', (o, now) => {
      const start = get(o, 'status', 'startTime');
      if (typeof start !== 'string') return '';
      const end = get(o, 'status', 'completionTime');
      return humanDuration((typeof end === 'string' ? Date.parse(end) : now.getTime()) - Date.parse(start));
    }),
    AGE,
  ],
  'coordination.k8s.io/Lease': [col('Holder', 'string', 'The holder of the lease.', (o) => String(get(o, 'spec', 'holderIdentity') ?? '')), AGE],
  '/Event': [
    col('Last Seen', 'string', 'Time when this event was last seen.', (o, now) => age(get(o, 'lastTimestamp') ?? get(o, 'eventTime') ?? get(o, 'metadata', 'creationTimestamp'), now)),
    col('Type', 'string', 'Type of this event.', (o) => String(get(o, 'type') ?? '')),
    col('Reason', 'string', 'Reason why this event was generated.', (o) => String(get(o, 'reason') ?? '')),
    col('Object', 'string', 'The object this event is about.', (o) => `${String(get(o, 'involvedObject', 'kind') ?? '').toLowerCase()}/${String(get(o, 'involvedObject', 'name') ?? '')}`),
    col('Message', 'string', 'A human-readable description of the status of this operation.', (o) => String(get(o, 'message') ?? '')),
  ],
  '/ServiceAccount': [col('Secrets', 'integer', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.', (o) => list(get(o, 'secrets')).length), AGE],
  '/Endpoints': [
    col('Endpoints', 'string', 'Endpoints is the list of endpoints that match this service.', (o) => {
      const eps: string[] = [];
      for (const s of list(get(o, 'subsets'))) {
        const ports = list(get(s, 'ports')).map((p) => num(get(p, 'port')));
        for (const a of list(get(s, 'addresses'))) for (const p of ports.length > 0 ? ports : [0]) eps.push(p ? `${String(get(a, 'ip'))}:${p}` : String(get(a, 'ip')));
      }
      return eps.length > 0 ? eps.join(',') : '<none>';
    }),
    AGE,
  ],
  'apiextensions.k8s.io/CustomResourceDefinition': [
    { name: 'Created At', type: 'date', description: CREATION_DESCRIPTION, compute: (o) => String(get(o, 'metadata', 'creationTimestamp') ?? '') },
  ],
};

/**
 * Columns of kube-apiserver's printer for a built-in kind (`apps/v1/Deployment`, `/v1/Pod`),
 * without the leading Name column (toTable adds it). Unknown kinds get [Age].
 */
export function defaultColumnsFor(typeKey: string): PrinterColumn[] {
  const parts = typeKey.split('/');
  const group = parts[0] ?? '';
  const kind = parts[parts.length - 1] ?? '';
  return BUILTIN_COLUMNS[`${group}/${kind}`] ?? [AGE];
}
