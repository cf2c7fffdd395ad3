// Deciding, without a request, whether a server-side apply would change anything.
//
// An idle resync must make zero writes, yet SSA requests are not free no-ops (each one is a
// write request, and with managedFields timestamps they can even bump resourceVersion). So
// before applying, the reconciler asks `needsApply(desired, live, manager)`, which is false
// only when BOTH hold:
//  1. every field of `desired` already has that value in `live` (subset equality: the server
//     adds defaults and other managers' fields, which we do not own and must not fight);
//  2. `manager`'s Apply entry in live.metadata.managedFields (same apiVersion, same subresource)
//     owns exactly the fields of `desired` — no fewer (another manager owns a value we want:
//     apply to take ownership) and no more (we stopped setting a field: applying removes it).
// Ownership is read from the FieldsV1 trie (`f:<field>`, `k:<json key>`, `v:<json value>`,
// `i:<index>`); an empty node means the whole value is owned (a leaf, or an atomic map/list such
// as a Deployment's selector). The check is schema-free, so list elements are matched through
// the keys the server recorded.
// Deliberate leniencies: an empty object/array in desired also matches an absent live value
// (the server may drop empty containers); `status` is ignored for the main resource (it goes
// through the status subresource); apiVersion, kind, metadata.name/namespace are identity, not
// owned fields. Builders must emit canonical values (e.g. quantities as the server prints them)
// or (1) fails on every resync and causes a write each time.
import type { FieldsV1, KubeObject, ManagedFieldsEntry } from './types.ts';

export interface NeedsApplyOptions {
  /** 'status' when comparing a status-subresource apply; main resource otherwise. */
  subresource?: string;
}

export function needsApply(desired: KubeObject, live: KubeObject | undefined, manager: string, opts: NeedsApplyOptions = {}): boolean {
  return explainNeedsApply(desired, live, manager, opts) !== undefined;
}

/** Like needsApply, but says why an apply is needed (for debug logs); undefined when it is not. */
export function explainNeedsApply(desired: KubeObject, live: KubeObject | undefined, manager: string, opts: NeedsApplyOptions = {}): string | undefined {
  if (!live) return 'object does not exist';
  const subresource = opts.subresource ?? '';
  const comparable = comparableFields(desired, subresource);
  const diff = firstDifference(comparable, live, '');
  if (diff !== undefined) return `value differs at ${diff || '.'}`;
  const entry = findApplyEntry(live.metadata?.managedFields, manager, desired.apiVersion, subresource);
  if (!entry) return `no managedFields Apply entry for manager ${manager}${subresource ? ` (subresource ${subresource})` : ''}`;
  const owned = entry.fieldsV1 ?? {};
  const missing = firstUnowned(comparable, live, owned, '');
  if (missing !== undefined) return `field not owned by ${manager}: ${missing}`;
  const extra = firstExtraOwned(owned, comparable, live, '');
  if (extra !== undefined) return `${manager} owns a field no longer desired: ${extra}`;
  return undefined;
}

/** The part of desired that SSA tracks: no identity fields; status only for the status subresource. */
function comparableFields(desired: KubeObject, subresource: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(desired)) {
    if (key === 'apiVersion' || key === 'kind' || value === undefined) continue;
    if (key === 'status' && subresource !== 'status') continue;
    if (key !== 'status' && key !== 'metadata' && subresource === 'status') continue;
    if (key === 'metadata') {
      const meta: Record<string, unknown> = {};
      for (const [mk, mv] of Object.entries(value as Record<string, unknown>)) {
        if (mk === 'name' || mk === 'namespace' || mk === 'resourceVersion' || mk === 'managedFields' || mv === undefined) continue;
        meta[mk] = mv;
      }
      if (Object.keys(meta).length > 0) out.metadata = meta;
      continue;
    }
    out[key] = value;
  }
  return out;
}

function findApplyEntry(entries: ManagedFieldsEntry[] | undefined, manager: string, apiVersion: string | undefined, subresource: string): ManagedFieldsEntry | undefined {
  return entries?.find(
    (e) => e.manager === manager && e.operation === 'Apply' && (e.subresource ?? '') === subresource && (apiVersion === undefined || e.apiVersion === apiVersion),
  );
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isEmptyContainer(v: unknown): boolean {
  return (Array.isArray(v) && v.length === 0) || (isPlainObject(v) && Object.keys(v).length === 0);
}

/** Path of the first desired value that live does not match; undefined when desired ⊆ live. */
export function firstDifference(desired: unknown, live: unknown, path: string): string | undefined {
  if (desired === undefined) return undefined;
  if (desired === null) return live === null || live === undefined ? undefined : path;
  if (isEmptyContainer(desired) && live === undefined) return undefined;
  if (Array.isArray(desired)) {
    if (!Array.isArray(live) || live.length !== desired.length) return path;
    for (let i = 0; i < desired.length; i++) {
      const d = firstDifference(desired[i], live[i], `${path}[${i}]`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  if (isPlainObject(desired)) {
    if (!isPlainObject(live)) return path;
    for (const [key, value] of Object.entries(desired)) {
      const d = firstDifference(value, live[key], `${path}.${key}`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  return desired === live ? undefined : path;
}

function isOwnedWhole(node: FieldsV1): boolean {
  for (const key in node) if (key !== '.') return false;
  return true;
}

/** A FieldsV1 list-element key and the node under it. */
interface ElementEntry {
  key: string;
  child: FieldsV1;
}

/** The `k:` keys of one list that name the same key fields (e.g. every env entry's {"name":…}). */
interface KeyGroup {
  fields: string[];
  /** Canonical JSON of the key values, in `fields` order → entry. */
  byValues: Map<string, ElementEntry>;
  entries: { values: Record<string, unknown>; entry: ElementEntry }[];
}

/**
 * A list's FieldsV1 node indexed once, so finding the key of one element costs O(key fields)
 * instead of parsing every key of the list per element (which made a 3,000-entry env list take
 * seconds of CPU on every resync and starved the lease renewal).
 */
interface ListIndex {
  byIndex: Map<string, ElementEntry>;
  byValue: Map<string, ElementEntry>;
  groups: KeyGroup[];
}

const listIndexes = new WeakMap<FieldsV1, ListIndex>();

function listIndex(node: FieldsV1): ListIndex {
  const cached = listIndexes.get(node);
  if (cached) return cached;
  const index: ListIndex = { byIndex: new Map(), byValue: new Map(), groups: [] };
  const groups = new Map<string, KeyGroup>();
  for (const [key, child] of Object.entries(node)) {
    const entry = { key, child };
    if (key.startsWith('i:')) {
      index.byIndex.set(key, entry);
    } else if (key.startsWith('v:')) {
      const value = parseJson(key.slice(2));
      if (value !== undefined && !index.byValue.has(canonicalJson(value))) index.byValue.set(canonicalJson(value), entry);
    } else if (key.startsWith('k:')) {
      const values = parseJson(key.slice(2));
      if (!isPlainObject(values)) continue;
      const fields = Object.keys(values).sort();
      const signature = JSON.stringify(fields);
      let group = groups.get(signature);
      if (!group) {
        group = { fields, byValues: new Map(), entries: [] };
        groups.set(signature, group);
        index.groups.push(group);
      }
      const canonical = canonicalJson(fields.map((f) => values[f]));
      if (!group.byValues.has(canonical)) group.byValues.set(canonical, entry);
      group.entries.push({ values, entry });
    }
  }
  listIndexes.set(node, index);
  return index;
}

/**
 * The FieldsV1 entry that denotes `liveElement` at `index`. Matched against the LIVE element
 * because key fields may be server-defaulted: a container port applied without a protocol is
 * recorded as k:{"containerPort":8080,"protocol":"TCP"}.
 */
function findElement(node: FieldsV1, liveElement: unknown, desiredElement: unknown, index: number): ElementEntry | undefined {
  const idx = listIndex(node);
  if (isPlainObject(liveElement)) {
    const desired = isPlainObject(desiredElement) ? desiredElement : {};
    for (const group of idx.groups) {
      // A key field absent from both desired and live was defaulted only inside the key (servers
      // that record the defaulted key without returning the defaulted field): any value matches,
      // so this rare case scans the group instead of looking the values up.
      if (group.fields.some((f) => liveElement[f] === undefined && desired[f] === undefined)) {
        const found = group.entries.find(({ values }) => group.fields.every((f) => deepEqual(liveElement[f], values[f]) || (liveElement[f] === undefined && desired[f] === undefined)));
        if (found) return found.entry;
        continue;
      }
      if (group.fields.some((f) => liveElement[f] === undefined)) continue;
      const found = group.byValues.get(canonicalJson(group.fields.map((f) => liveElement[f])));
      if (found) return found;
    }
  }
  return idx.byValue.get(canonicalJson(liveElement)) ?? idx.byIndex.get(`i:${index}`);
}

/** JSON with object keys sorted and undefined members dropped: equal strings ⇔ deepEqual values. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

/**
 * Path of the first desired field the manager does not own; undefined when all are owned.
 * Runs after firstDifference found desired ⊆ live, so desired arrays and live arrays align.
 */
function firstUnowned(desired: unknown, live: unknown, node: FieldsV1, path: string): string | undefined {
  if (isOwnedWhole(node)) return undefined;
  if (Array.isArray(desired)) {
    const liveList = Array.isArray(live) ? live : [];
    for (let i = 0; i < desired.length; i++) {
      const child = findElement(node, liveList[i], desired[i], i)?.child;
      if (!child) return `${path}[${i}]`;
      const d = firstUnowned(desired[i], liveList[i], child, `${path}[${i}]`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  if (isPlainObject(desired)) {
    const liveMap = isPlainObject(live) ? live : {};
    for (const [key, value] of Object.entries(desired)) {
      if (value === undefined) continue;
      const child = node[`f:${key}`];
      if (!child) {
        if (isEmptyContainer(value)) continue;
        return `${path}.${key}`;
      }
      const d = firstUnowned(value, liveMap[key], child, `${path}.${key}`);
      if (d !== undefined) return d;
    }
  }
  return undefined;
}

/** For each element key of a list node, the first live index it denotes (one pass over live). */
function liveIndexByKey(node: FieldsV1, desired: unknown[], live: unknown[]): Map<string, number> {
  const byKey = new Map<string, number>();
  for (let i = 0; i < live.length; i++) {
    const found = findElement(node, live[i], desired[i], i);
    if (found && !byKey.has(found.key)) byKey.set(found.key, i);
  }
  return byKey;
}

/** Path of the first owned field that desired no longer sets; undefined when none. */
function firstExtraOwned(node: FieldsV1, desired: unknown, live: unknown, path: string): string | undefined {
  let liveIndexes: Map<string, number> | undefined;
  for (const [key, child] of Object.entries(node)) {
    if (key === '.') continue;
    if (key.startsWith('f:')) {
      const field = key.slice(2);
      const value = isPlainObject(desired) ? desired[field] : undefined;
      if (value === undefined) return `${path}.${field}`;
      const d = firstExtraOwned(child, value, isPlainObject(live) ? live[field] : undefined, `${path}.${field}`);
      if (d !== undefined) return d;
    } else if (Array.isArray(desired) && Array.isArray(live)) {
      liveIndexes ??= liveIndexByKey(node, desired, live);
      const index = liveIndexes.get(key) ?? -1;
      if (index < 0 || index >= desired.length) return `${path}[${key}]`;
      const d = firstExtraOwned(child, desired[index], live[index], `${path}[${index}]`);
      if (d !== undefined) return d;
    } else {
      return `${path}[${key}]`;
    }
  }
  return undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ak = Object.keys(a).filter((k) => a[k] !== undefined);
    const bk = Object.keys(b).filter((k) => b[k] !== undefined);
    return ak.length === bk.length && ak.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}
