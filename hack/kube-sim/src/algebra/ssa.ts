// Server-side apply and managedFields bookkeeping, after sigs.k8s.io/structured-merge-diff (v4)
// and k8s.io/apiserver's fieldmanager:
// - An applied configuration sets the fields it names; its field set (ToFieldSet) becomes the
//   manager's Apply entry. Fields the manager applied before and omits now are removed from the
//   object unless another manager still owns them (or something below them).
// - Conflict: a field the apply adds or changes is owned by another manager. Without force the
//   object is returned unchanged with the conflicts; with force, ownership moves to the applier.
// - Ordinary writes (create/update/patch) go through recordUpdate: the writer takes the fields it
//   added or changed, and every other manager loses the fields that changed or disappeared.
// - Lists are atomic unless the schema says x-kubernetes-list-type map/set (or the built-in
//   table in shapes.ts says so); maps are granular unless x-kubernetes-map-type: atomic.
// - apiVersion, kind, metadata.{name,namespace,uid,resourceVersion,generation,
//   creationTimestamp,managedFields,selfLink} are never owned (fieldmanager's stripMeta).
// - An object without managedFields that is applied to gets a "before-first-apply" Update
//   manager owning its existing fields, as kube-apiserver does.
//
// Simplifications: no cap on the number of Update managers (kube-apiserver merges the oldest
// into "ancient-changes" beyond 10); no version conversion of field sets (one stored version);
// entries' `time` is the `now` passed in, updated when the manager's operation changed something.
import { FieldSet, type FieldPath, type PathElement, fieldElement, fromFieldsV1, keyElement, pathString, toFieldsV1, valueElement } from './fieldpath.ts';
import type { JSONSchemaProps } from './schema.ts';
import { type ListShape, type MapShape, type Shape, childShape, isDeclaredField, parseTypeKey, shapeFor } from './shapes.ts';
import { deepClone, deepEqual, isObject, type JsonObject } from './values.ts';

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: JsonObject;
  subresource?: string;
}

export interface Conflict {
  manager: string;
  /** structured-merge-diff path, e.g. `.spec.replicas`. */
  field: string;
  operation?: 'Apply' | 'Update';
  apiVersion?: string;
  subresource?: string;
}

/** The applied configuration or stored managedFields cannot be processed: a 400/500 upstream. */
export class ApplyError extends Error {
  override name = 'ApplyError';
}

export interface ApplyInput {
  live: object | undefined;
  applied: object;
  manager: string;
  force: boolean;
  schema?: JSONSchemaProps;
  typeKey: string;
  subresource?: string;
  /** ISO timestamp for the managedFields entries. */
  now: string;
  /**
   * Top-level fields whose changes are not tracked (kube-apiserver's reset fields): pass
   * ['status'] for the main resource of a kind with a status subresource.
   */
  resetFields?: string[];
}

export interface UpdateInput {
  live: object | undefined;
  updated: object;
  manager: string;
  operation: 'Update';
  subresource?: string;
  now: string;
  /** The CRD schema, so that list keys are known; built-ins are found from apiVersion/kind. */
  schema?: JSONSchemaProps;
  /** Defaults to the updated object's apiVersion/kind. */
  typeKey?: string;
  resetFields?: string[];
}

// ---- Ownership filters ---------------------------------------------------------------------

const STRIPPED: FieldPath[] = [
  ['f:apiVersion'],
  ['f:kind'],
  ['f:metadata'],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map((f) => ['f:metadata', `f:${f}`]),
];

function filterOwned(set: FieldSet, subresource: string | undefined, resetFields: readonly string[] | undefined): FieldSet {
  let s = set.difference(FieldSet.of(STRIPPED)).withoutSubtrees([['f:metadata', 'f:managedFields']]);
  if (subresource === 'status') s = s.onlySubtrees([['f:status']]);
  else if (resetFields && resetFields.length > 0) s = s.withoutSubtrees(resetFields.map((f) => [fieldElement(f)]));
  return s;
}

// ---- Typed traversal helpers -------------------------------------------------------------------

function isAtomic(shape: Shape, value: unknown): boolean {
  switch (shape.kind) {
    case 'scalar':
      return true;
    case 'map':
      return shape.atomic === true || !isObject(value);
    case 'list':
      return shape.listType === 'atomic' || !Array.isArray(value);
    case 'any':
      return !isObject(value);
  }
}

function elementOf(list: ListShape, item: unknown, where: string, index: number): PathElement {
  if (list.listType === 'set') return valueElement(item);
  const keys: JsonObject = {};
  for (const k of list.keys ?? []) {
    const v = isObject(item) ? item[k] : undefined;
    if (v !== undefined && v !== null) keys[k] = v;
    else if (list.keyDefaults && list.keyDefaults[k] !== undefined) keys[k] = list.keyDefaults[k];
    else throw new ApplyError(`${where}: element ${index}: associative list with keys has an element that omits key field ${JSON.stringify(k)} (and doesn't have default value)`);
  }
  return keyElement(keys);
}

interface Indexed {
  pes: PathElement[];
  byPe: Map<PathElement, unknown>;
}

function indexList(list: ListShape, items: unknown[], path: FieldPath, strict: boolean): Indexed {
  const pes: PathElement[] = [];
  const byPe = new Map<PathElement, unknown>();
  items.forEach((item, i) => {
    const pe = elementOf(list, item, pathString(path) || '.', i);
    if (byPe.has(pe)) {
      if (strict) throw new ApplyError(`${pathString(path)}: duplicate entries for key ${pe.slice(2)}`);
      return;
    }
    pes.push(pe);
    byPe.set(pe, item);
  });
  return { pes, byPe };
}

// ---- ToFieldSet ------------------------------------------------------------------------------

/** The fields a value sets (structured-merge-diff TypedValue.ToFieldSet). */
export function toFieldSet(value: unknown, shape: Shape): FieldSet {
  const set = new FieldSet();
  collect(value, shape, [], set, true);
  return set;
}

function collect(value: unknown, shape: Shape, path: PathElement[], set: FieldSet, strict: boolean): void {
  if (isAtomic(shape, value)) {
    set.insert(path);
    return;
  }
  if (shape.kind === 'list') {
    const { pes, byPe } = indexList(shape, value as unknown[], path, strict);
    for (const pe of pes) {
      const p = [...path, pe];
      collect(byPe.get(pe), shape.elem, p, set, strict);
      set.insert(p);
    }
    return;
  }
  const obj = value as JsonObject;
  for (const [k, v] of Object.entries(obj)) {
    const p = [...path, fieldElement(k)];
    const cs = childShape(shape, k);
    collect(v, cs, p, set, strict);
    if (v === null || (isObject(v) && Object.keys(v).length === 0) || !isDeclaredField(shape, k)) set.insert(p);
  }
}

// ---- Compare ---------------------------------------------------------------------------------

interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

export function compareObjects(lhs: unknown, rhs: unknown, shape: Shape): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  compareNode(lhs, rhs, shape, [], c);
  return c;
}

function compareNode(lhs: unknown, rhs: unknown, shape: Shape, path: PathElement[], c: Comparison): void {
  if (lhs === undefined && rhs === undefined) return;
  const lContainer = lhs !== undefined && !isAtomic(shape, lhs);
  const rContainer = rhs !== undefined && !isAtomic(shape, rhs);
  if (!lContainer && !rContainer) {
    if (lhs === undefined) c.added.insert(path);
    else if (rhs === undefined) c.removed.insert(path);
    else if (!deepEqual(lhs, rhs)) c.modified.insert(path);
    return;
  }
  if (lContainer && rContainer && Array.isArray(lhs) !== Array.isArray(rhs)) {
    c.modified.insert(path);
    return;
  }
  const lAtomic = !lContainer;
  const rAtomic = !rContainer;
  // At least one side is a granular container; visit children of both sides.
  const container = lAtomic ? rhs : lhs;
  if (lhs !== undefined && rhs !== undefined && (lAtomic || rAtomic)) c.modified.insert(path);
  if (Array.isArray(container) && shape.kind === 'list') {
    const l = Array.isArray(lhs) ? indexList(shape, lhs, path, false) : { pes: [], byPe: new Map<PathElement, unknown>() };
    const r = Array.isArray(rhs) ? indexList(shape, rhs, path, false) : { pes: [], byPe: new Map<PathElement, unknown>() };
    for (const pe of new Set([...l.pes, ...r.pes])) compareNode(l.byPe.get(pe), r.byPe.get(pe), shape.elem, [...path, pe], c);
  } else {
    const lo = isObject(lhs) && !lAtomic ? lhs : {};
    const ro = isObject(rhs) && !rAtomic ? rhs : {};
    for (const k of new Set([...Object.keys(lo), ...Object.keys(ro)])) compareNode(lo[k], ro[k], childShape(shape, k), [...path, fieldElement(k)], c);
  }
  if (path.length > 0) {
    if (lhs === undefined) c.added.insert(path);
    else if (rhs === undefined) c.removed.insert(path);
  }
}

// ---- Merge -----------------------------------------------------------------------------------

/** structured-merge-diff's merge of an applied configuration into the live object. */
export function mergeApplied(lhs: unknown, rhs: unknown, shape: Shape, path: PathElement[] = []): unknown {
  if (rhs === undefined) return deepClone(lhs);
  if (lhs === undefined || lhs === null || rhs === null || isAtomic(shape, rhs) || isAtomic(shape, lhs)) return deepClone(rhs);
  if (shape.kind === 'list' && Array.isArray(lhs) && Array.isArray(rhs)) return mergeList(lhs, rhs, shape, path);
  if (isObject(lhs) && isObject(rhs)) {
    const out: JsonObject = deepClone(lhs);
    for (const [k, v] of Object.entries(rhs)) {
      const merged = mergeApplied(lhs[k], v, childShape(shape, k), [...path, fieldElement(k)]);
      if (merged === null) delete out[k];
      else out[k] = merged;
    }
    return out;
  }
  return deepClone(rhs);
}

/** Keeps live-only items in place and shared/new items in the applied order (SMD visitListItems). */
function mergeList(lhs: unknown[], rhs: unknown[], shape: ListShape, path: PathElement[]): unknown[] {
  const l = indexList(shape, lhs, path, false);
  const r = indexList(shape, rhs, path, true);
  const sharedOrder = r.pes.filter((pe) => l.byPe.has(pe));
  let nextShared = sharedOrder.shift();
  const mergedRhs = new Set<PathElement>();
  const out: unknown[] = [];
  const mergeItem = (pe: PathElement): unknown => mergeApplied(l.byPe.get(pe), r.byPe.get(pe), shape.elem, [...path, pe]);
  let li = 0;
  let ri = 0;
  while (li < l.pes.length || ri < r.pes.length) {
    if (li < l.pes.length && ri < r.pes.length) {
      const pe = l.pes[li] as PathElement;
      if (pe === r.pes[ri]) {
        mergedRhs.add(pe);
        out.push(mergeItem(pe));
        li++;
        ri++;
        if (nextShared === pe) nextShared = sharedOrder.shift();
        continue;
      }
      if (r.byPe.has(pe) && nextShared !== undefined && nextShared !== pe) {
        li++;
        continue;
      }
    }
    if (li < l.pes.length) {
      const pe = l.pes[li] as PathElement;
      if (!r.byPe.has(pe)) {
        out.push(deepClone(l.byPe.get(pe)));
        li++;
        continue;
      }
      if (mergedRhs.has(pe)) {
        li++;
        continue;
      }
    }
    if (ri < r.pes.length) {
      const pe = r.pes[ri] as PathElement;
      mergedRhs.add(pe);
      out.push(mergeItem(pe));
      ri++;
      if (nextShared === pe) nextShared = sharedOrder.shift();
    }
  }
  return out.filter((x) => x !== null);
}

// ---- Removing fields ---------------------------------------------------------------------------

function removePath(obj: unknown, path: FieldPath, shape: Shape): void {
  let cur: unknown = obj;
  let s: Shape = shape;
  for (let i = 0; i < path.length; i++) {
    const el = path[i] as PathElement;
    const last = i === path.length - 1;
    if (el.startsWith('f:')) {
      const name = el.slice(2);
      if (!isObject(cur)) return;
      if (last) {
        delete cur[name];
        return;
      }
      s = childShape(s, name);
      cur = cur[name];
    } else if (Array.isArray(cur) && s.kind === 'list') {
      const list = s;
      const idx = cur.findIndex((item, n) => {
        try {
          return elementOf(list, item, '', n) === el;
        } catch {
          return false;
        }
      });
      if (idx < 0) return;
      if (last) {
        cur.splice(idx, 1);
        return;
      }
      cur = cur[idx];
      s = list.elem;
    } else return;
  }
}

function isKeyField(path: FieldPath, shape: Shape): boolean {
  // `k:{"name":"a"}` / `f:name`: the key of an element that stays must stay with it.
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  if (!last?.startsWith('f:') || !parent?.startsWith('k:')) return false;
  let s: Shape = shape;
  for (const el of path.slice(0, -2)) s = el.startsWith('f:') ? childShape(s, el.slice(2)) : s.kind === 'list' ? s.elem : s;
  return s.kind === 'list' && (s.keys ?? []).includes(last.slice(2));
}

function pruneRemovedFields(obj: JsonObject, previouslyApplied: FieldSet, owned: FieldSet, shape: Shape): void {
  // Deepest paths first, so removing an element does not hide a path below it.
  const candidates = previouslyApplied
    .difference(owned)
    .paths()
    .filter((p) => !owned.hasDescendant(p) && !isKeyField(p, shape))
    .sort((a, b) => b.length - a.length);
  for (const p of candidates) removePath(obj, p, shape);
  removeEmptyParents(obj, candidates, owned, shape);
}

/** A map emptied by pruning disappears unless someone owns it (SMD removes unowned parents). */
function removeEmptyParents(obj: JsonObject, removed: FieldPath[], owned: FieldSet, shape: Shape): void {
  const parents = new Set<string>();
  for (const p of removed) for (let n = p.length - 1; n > 0; n--) parents.add(JSON.stringify(p.slice(0, n)));
  const sorted = [...parents].map((s) => JSON.parse(s) as PathElement[]).sort((a, b) => b.length - a.length);
  for (const p of sorted) {
    if (owned.has(p) || owned.hasDescendant(p)) continue;
    let cur: unknown = obj;
    for (const el of p) {
      if (!el.startsWith('f:') || !isObject(cur)) {
        cur = undefined;
        break;
      }
      cur = cur[el.slice(2)];
    }
    if (isObject(cur) && Object.keys(cur).length === 0) removePath(obj, p, shape);
  }
}

// ---- managedFields encoding ---------------------------------------------------------------------

interface Manager {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  subresource?: string;
  set: FieldSet;
}

function managerId(m: Pick<Manager, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  // fieldmanager's BuildManagerIdentifier: appliers are identified without their apiVersion.
  return JSON.stringify([m.manager, m.operation, m.subresource ?? '', m.operation === 'Apply' ? '' : m.apiVersion]);
}

export function decodeManagedFields(entries: unknown): Manager[] {
  if (entries === undefined || entries === null) return [];
  if (!Array.isArray(entries)) throw new ApplyError('metadata.managedFields must be a list of ManagedFieldsEntry');
  const out: Manager[] = [];
  for (const e of entries) {
    if (!isObject(e) || Object.keys(e).length === 0) continue;
    if (typeof e['manager'] !== 'string' || (e['operation'] !== 'Apply' && e['operation'] !== 'Update'))
      throw new ApplyError(`invalid managedFields entry ${JSON.stringify(e)}: manager and operation (Apply|Update) are required`);
    if (e['fieldsType'] !== undefined && e['fieldsType'] !== 'FieldsV1') throw new ApplyError(`invalid managedFields entry: fieldsType ${JSON.stringify(e['fieldsType'])} is not FieldsV1`);
    const m: Manager = {
      manager: e['manager'],
      operation: e['operation'],
      apiVersion: typeof e['apiVersion'] === 'string' ? e['apiVersion'] : '',
      time: typeof e['time'] === 'string' ? e['time'] : '',
      set: fromFieldsV1(e['fieldsV1'] ?? {}),
    };
    if (typeof e['subresource'] === 'string' && e['subresource'] !== '') m.subresource = e['subresource'];
    out.push(m);
  }
  return out;
}

function encodeManagedFields(managers: Manager[]): ManagedFieldsEntry[] {
  const sorted = managers
    .filter((m) => !m.set.isEmpty())
    .sort((p, q) => {
      if (p.operation !== q.operation) return p.operation < q.operation ? -1 : 1;
      const pt = Math.trunc(Date.parse(p.time) / 1000) || 0;
      const qt = Math.trunc(Date.parse(q.time) / 1000) || 0;
      if (pt !== qt) return pt - qt;
      if (p.manager !== q.manager) return p.manager < q.manager ? -1 : 1;
      if (p.apiVersion !== q.apiVersion) return p.apiVersion < q.apiVersion ? -1 : 1;
      return (p.subresource ?? '') < (q.subresource ?? '') ? -1 : (p.subresource ?? '') > (q.subresource ?? '') ? 1 : 0;
    });
  return sorted.map((m) => {
    const e: ManagedFieldsEntry = { manager: m.manager, operation: m.operation, apiVersion: m.apiVersion, time: m.time, fieldsType: 'FieldsV1', fieldsV1: toFieldsV1(m.set) };
    if (m.subresource) e.subresource = m.subresource;
    return e;
  });
}

function withoutManagedFields(obj: unknown): JsonObject {
  const o = isObject(obj) ? deepClone(obj) : {};
  if (isObject(o['metadata'])) delete o['metadata']['managedFields'];
  return o;
}

function withManagedFields(obj: JsonObject, managers: Manager[]): JsonObject {
  const out = obj;
  const meta = isObject(out['metadata']) ? out['metadata'] : (out['metadata'] = {});
  const entries = encodeManagedFields(managers);
  if (entries.length > 0) meta['managedFields'] = entries;
  else delete meta['managedFields'];
  return out;
}

function apiVersionOf(obj: unknown, fallback: string): string {
  return isObject(obj) && typeof obj['apiVersion'] === 'string' ? obj['apiVersion'] : fallback;
}

function typeKeyOf(obj: unknown): string {
  const apiVersion = apiVersionOf(obj, 'v1');
  const kind = isObject(obj) && typeof obj['kind'] === 'string' ? obj['kind'] : '';
  const [group, version] = apiVersion.includes('/') ? (apiVersion.split('/') as [string, string]) : ['', apiVersion];
  return `${group}/${version}/${kind}`;
}

/**
 * Built-in objects are Go structs: their non-pointer struct fields (spec, status, template...)
 * always exist, at least as {}. Comparing with them in place keeps `.` markers off those nodes,
 * as in kube-apiserver's managedFields. Returns a copy for comparison only.
 */
function withZeroStructs(shape: MapShape, obj: unknown): JsonObject {
  const out: JsonObject = isObject(obj) ? { ...obj } : {};
  if (!shape.builtin) return out;
  for (const [k, s] of Object.entries(shape.fields)) {
    if (s.kind !== 'map' || !s.builtin || s.atomic) continue;
    if (out[k] === undefined) out[k] = withZeroStructs(s, {});
    else if (isObject(out[k])) out[k] = withZeroStructs(s, out[k]);
  }
  return out;
}

// ---- Public API ------------------------------------------------------------------------------

/**
 * Server-side apply. Returns the merged object with its new managedFields, or, when there are
 * conflicts and `force` is false, the live object unchanged and the conflicts (answer 409).
 * Throws ApplyError for configurations structured-merge-diff rejects (missing list-map keys,
 * duplicate keys) and for corrupt managedFields.
 */
export function serverSideApply(input: ApplyInput): { object: JsonObject; conflicts: Conflict[] } {
  const { manager, force, subresource, now } = input;
  if (!isObject(input.applied)) throw new ApplyError('the applied configuration must be an object');
  const shape = shapeFor(input.typeKey, input.schema);
  const liveObj = input.live === undefined ? undefined : withoutManagedFields(input.live);
  const base: JsonObject = liveObj ?? {};
  const applied = withoutManagedFields(input.applied);
  const apiVersion = apiVersionOf(applied, apiVersionOf(liveObj, parseTypeKey(input.typeKey).version));

  const liveMeta = isObject(input.live) ? (input.live as JsonObject)['metadata'] : undefined;
  let managers = decodeManagedFields(isObject(liveMeta) ? liveMeta['managedFields'] : undefined);
  if (liveObj && managers.length === 0) {
    const existing = filterOwned(collectLoose(liveObj, shape), subresource, input.resetFields);
    if (!existing.isEmpty()) managers = [{ manager: 'before-first-apply', operation: 'Update', apiVersion: apiVersionOf(liveObj, apiVersion), time: now, set: existing }];
  }

  const applierKey = managerId({ manager, operation: 'Apply', apiVersion, ...(subresource ? { subresource } : {}) });
  const previous = managers.find((m) => managerId(m) === applierKey);
  const configSet = filterOwned(toFieldSet(applied, shape), subresource, input.resetFields);

  let merged = mergeApplied(base, applied, shape) as JsonObject;
  if (subresource === 'status') {
    // The status endpoint only changes status; everything else stays as it is.
    merged = { ...deepClone(base), ...(merged['status'] !== undefined ? { status: merged['status'] } : {}) };
  }

  const others = managers.filter((m) => managerId(m) !== applierKey);
  if (previous) {
    const owned = others.reduce((acc, m) => acc.union(m.set), configSet);
    pruneRemovedFields(merged, previous.set, owned, shape);
  }

  const cmp = compareObjects(base, merged, shape);
  const changed = filterOwned(cmp.modified.union(cmp.added), subresource, input.resetFields);
  const conflicts: Conflict[] = [];
  for (const m of others) {
    for (const p of m.set.intersection(changed)) {
      const c: Conflict = { manager: m.manager, field: pathString(p), operation: m.operation, apiVersion: m.apiVersion };
      if (m.subresource) c.subresource = m.subresource;
      conflicts.push(c);
    }
  }
  conflicts.sort((a, b) => (a.manager !== b.manager ? (a.manager < b.manager ? -1 : 1) : a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
  if (conflicts.length > 0 && !force) return { object: deepClone(input.live as JsonObject), conflicts };

  const lost = changed.union(cmp.removed);
  const objectChanged = !deepEqual(base, merged) || input.live === undefined;
  const next: Manager[] = others.map((m) => ({ ...m, set: m.set.difference(lost) }));
  const entry: Manager = {
    manager,
    operation: 'Apply',
    apiVersion,
    time: objectChanged || !previous || !previous.set.equals(configSet) ? now : previous.time,
    set: configSet,
  };
  if (subresource) entry.subresource = subresource;
  next.push(entry);
  return { object: withManagedFields(merged, next), conflicts };
}

/** ToFieldSet that tolerates duplicate list keys (live objects written by other means). */
function collectLoose(value: unknown, shape: Shape): FieldSet {
  const set = new FieldSet();
  try {
    collect(value, shape, [], set, false);
  } catch (e) {
    if (!(e instanceof ApplyError)) throw e;
  }
  return set;
}

/**
 * managedFields bookkeeping for create/update/patch: `manager` takes ownership of the fields it
 * added or changed; other managers lose fields that changed or were removed. Returns `updated`
 * with the new metadata.managedFields. A request that sends its own managedFields (different
 * from the live ones) replaces them first, as kube-apiserver allows; `[{}]` clears them.
 */
export function recordUpdate(input: UpdateInput): JsonObject {
  const { manager, subresource, now } = input;
  const typeKey = input.typeKey ?? typeKeyOf(input.updated);
  const shape = shapeFor(typeKey, input.schema);
  const liveMeta = isObject(input.live) && isObject((input.live as JsonObject)['metadata']) ? ((input.live as JsonObject)['metadata'] as JsonObject) : {};
  const updMeta = isObject(input.updated) && isObject((input.updated as JsonObject)['metadata']) ? ((input.updated as JsonObject)['metadata'] as JsonObject) : {};
  const sent = updMeta['managedFields'];
  const managers = decodeManagedFields(sent !== undefined && !deepEqual(sent, liveMeta['managedFields']) ? sent : liveMeta['managedFields']);

  const updated = withoutManagedFields(input.updated);
  const before = input.live === undefined ? {} : withoutManagedFields(input.live);
  const apiVersion = apiVersionOf(updated, parseTypeKey(typeKey).version);
  const cmp = compareObjects(withZeroStructs(shape, before), withZeroStructs(shape, updated), shape);
  const changed = filterOwned(cmp.modified.union(cmp.added), subresource, input.resetFields);
  const lost = filterOwned(cmp.modified.union(cmp.removed), subresource, input.resetFields);

  const key = managerId({ manager, operation: 'Update', apiVersion, ...(subresource ? { subresource } : {}) });
  const next: Manager[] = managers.map((m) => ({ ...m, set: m.set.difference(lost) }));
  if (!changed.isEmpty()) {
    const own = next.find((m) => managerId(m) === key);
    if (own) {
      own.set = own.set.union(changed);
      own.time = now;
    } else {
      const entry: Manager = { manager, operation: 'Update', apiVersion, time: now, set: changed };
      if (subresource) entry.subresource = subresource;
      next.push(entry);
    }
  }
  return withManagedFields(updated, next);
}

function printManager(c: Conflict): string {
  let s = JSON.stringify(c.manager);
  if (c.subresource) s += ` with subresource ${JSON.stringify(c.subresource)}`;
  if (c.operation === 'Update') s += ` using ${c.apiVersion ?? ''}`;
  return s;
}

/** kube-apiserver's 409 message for apply conflicts (fieldmanager's NewConflictError). */
export function formatConflicts(conflicts: Conflict[]): string {
  if (conflicts.length === 1) {
    const c = conflicts[0] as Conflict;
    return `Apply failed with 1 conflict: conflict with ${printManager(c)}: ${c.field}`;
  }
  const byManager = new Map<string, Conflict[]>();
  for (const c of conflicts) {
    const k = printManager(c);
    byManager.set(k, [...(byManager.get(k) ?? []), c]);
  }
  const lines: string[] = [];
  for (const k of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${k}:`);
    for (const c of byManager.get(k) ?? []) lines.push(`- ${c.field}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

/** The StatusCauses of the 409 (type FieldManagerConflict). */
export function conflictCauses(conflicts: Conflict[]): { reason: string; message: string; field: string }[] {
  return conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c)}`, field: c.field }));
}

/** Decoded field sets per manager, for tests and debugging. */
export function managedFieldSets(obj: unknown): { manager: string; operation: string; subresource?: string; paths: string[] }[] {
  const meta = isObject(obj) && isObject(obj['metadata']) ? obj['metadata'] : {};
  return decodeManagedFields(meta['managedFields']).map((m) => {
    const r: { manager: string; operation: string; subresource?: string; paths: string[] } = { manager: m.manager, operation: m.operation, paths: m.set.paths().map(pathString).sort() };
    if (m.subresource) r.subresource = m.subresource;
    return r;
  });
}
