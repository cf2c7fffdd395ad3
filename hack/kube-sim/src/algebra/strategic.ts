// Strategic merge patch (k8s.io/apimachinery/pkg/util/strategicpatch) for built-in kinds.
// Lists tagged patchStrategy=merge merge their elements by patchMergeKey (containers by name,
// env by name, ports by containerPort/port, volumes by name, volumeMounts by mountPath,
// imagePullSecrets by name, ownerReferences by uid, conditions by type), primitive merge lists
// (finalizers) merge as sets, every other list is replaced. Directives: `$patch: replace |
// delete | merge` in maps and list elements, `$deleteFromPrimitiveList/<field>`,
// `$setElementOrder/<field>` and `$retainKeys`.
//
// Simplifications: `$setElementOrder` puts the listed elements in the given order and appends
// elements it does not list (upstream interleaves them by their original positions); the
// patch-meta table covers the kinds in shapes.ts. Custom resources (and any group
// kube-apiserver does not serve itself) are rejected with StrategicMergeUnsupportedError, which
// the server turns into 415 Unsupported Media Type as kube-apiserver does.
import { PatchError } from './patchError.ts';
import { type ListShape, type Shape, builtinShape, childShape, isBuiltinTypeKey } from './shapes.ts';
import { deepClone, deepEqual, isObject, type JsonObject } from './values.ts';

/** Thrown for strategic merge patches of kinds that do not support them: answer 415. */
export class StrategicMergeUnsupportedError extends Error {
  override name = 'StrategicMergeUnsupportedError';
  readonly code = 415;
  readonly reason = 'UnsupportedMediaType';
  constructor(typeKey: string) {
    // kube-apiserver's text; kubectl prefixes it with "application/strategic-merge-patch+json
    // is not supported by <gvk>". Custom resources do not support strategic merge patch.
    super(
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    );
    this.typeKey = typeKey;
  }
  readonly typeKey: string;
}

const PATCH = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';
const SET_ORDER = '$setElementOrder/';

/** Removes every `$`-directive from a value that is inserted as-is (new list elements etc). */
function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => !(isObject(v) && v[PATCH] === 'delete')).map(stripDirectives);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith('$')) continue;
    if (v === null) continue;
    out[k] = stripDirectives(v);
  }
  return out;
}

function mergeMap(original: JsonObject, patch: JsonObject, shape: Shape): JsonObject | undefined {
  const directive = patch[PATCH];
  if (directive !== undefined) {
    if (directive === 'delete') return undefined;
    if (directive === 'replace') return stripDirectives(patch) as JsonObject;
    if (directive !== 'merge') throw new PatchError(`unknown patch type: ${String(directive)} in map: ${JSON.stringify(patch)}`, 'BadRequest');
  }
  const out = deepClone(original);
  // Primitive deletions first, so a patch may delete and add in the same request.
  for (const [k, v] of Object.entries(patch)) {
    if (!k.startsWith(DELETE_PRIMITIVE)) continue;
    const field = k.slice(DELETE_PRIMITIVE.length);
    if (!Array.isArray(v)) throw new PatchError(`${k} must be a list`, 'BadRequest');
    const cur = out[field];
    if (Array.isArray(cur)) out[field] = cur.filter((x) => !v.some((d) => deepEqual(d, x)));
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) continue;
    if (v === null) {
      delete out[k];
      continue;
    }
    const cs = childShape(shape, k);
    const cur = out[k];
    if (isObject(v)) {
      const merged = mergeMap(isObject(cur) ? cur : {}, v, cs);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    } else if (Array.isArray(v) && cs.kind === 'list') {
      out[k] = mergeList(Array.isArray(cur) ? cur : [], v, cs, k);
    } else {
      out[k] = stripDirectives(v);
    }
  }
  for (const [k, v] of Object.entries(patch)) {
    if (!k.startsWith(SET_ORDER)) continue;
    const field = k.slice(SET_ORDER.length);
    if (!Array.isArray(v)) throw new PatchError(`${k} must be a list`, 'BadRequest');
    const cur = out[field];
    const cs = childShape(shape, field);
    if (Array.isArray(cur)) out[field] = applyElementOrder(cur, v, cs.kind === 'list' ? cs.smpMergeKey : undefined);
  }
  const retain = patch[RETAIN_KEYS];
  if (retain !== undefined) {
    if (!Array.isArray(retain)) throw new PatchError('$retainKeys must be a list of field names', 'BadRequest');
    for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k];
  }
  return out;
}

function elementKey(el: unknown, mergeKey: string | undefined): unknown {
  return mergeKey && isObject(el) ? el[mergeKey] : el;
}

function applyElementOrder(list: unknown[], order: unknown[], mergeKey: string | undefined): unknown[] {
  const keys = order.map((o) => elementKey(o, mergeKey));
  const indexOf = (el: unknown): number => keys.findIndex((k) => deepEqual(k, elementKey(el, mergeKey)));
  const listed = list.filter((el) => indexOf(el) >= 0).sort((a, b) => indexOf(a) - indexOf(b));
  const rest = list.filter((el) => indexOf(el) < 0);
  return [...listed, ...rest];
}

function mergeList(original: unknown[], patch: unknown[], shape: ListShape, field: string): unknown[] {
  // `{$patch: replace}` as an element replaces the whole list with the other elements.
  if (patch.some((p) => isObject(p) && p[PATCH] === 'replace')) {
    return patch.filter((p) => !(isObject(p) && p[PATCH] === 'replace')).map(stripDirectives);
  }
  if (!shape.smpMerge) return stripDirectives(patch) as unknown[];
  const mergeKey = shape.smpMergeKey;
  if (!mergeKey) {
    // Primitive list with patchStrategy=merge: union, patch values appended in order.
    const out = [...original];
    for (const p of patch) if (!out.some((o) => deepEqual(o, p))) out.push(p);
    return out;
  }
  const out = original.map((o) => deepClone(o));
  for (const p of patch) {
    if (!isObject(p)) throw new PatchError(`${field}: list element ${JSON.stringify(p)} must be an object with merge key ${JSON.stringify(mergeKey)}`, 'BadRequest');
    if (!Object.hasOwn(p, mergeKey))
      throw new PatchError(`map: ${JSON.stringify(p)} does not contain declared merge key: ${mergeKey}`, 'BadRequest');
    const idx = out.findIndex((o) => isObject(o) && deepEqual(o[mergeKey], p[mergeKey]));
    if (p[PATCH] === 'delete') {
      for (let i = out.length - 1; i >= 0; i--) {
        const o = out[i];
        if (isObject(o) && deepEqual(o[mergeKey], p[mergeKey])) out.splice(i, 1);
      }
      continue;
    }
    if (idx >= 0) {
      const merged = mergeMap(out[idx] as JsonObject, p, shape.elem);
      if (merged === undefined) out.splice(idx, 1);
      else out[idx] = merged;
    } else {
      out.push(stripDirectives(p));
    }
  }
  return out;
}

/**
 * Applies a strategic merge patch to an object of `typeKey` (`apps/v1/Deployment`, `/v1/Service`).
 * Throws StrategicMergeUnsupportedError for custom resources, PatchError for malformed patches.
 */
export function strategicMergePatch(target: unknown, patch: unknown, typeKey: string): unknown {
  if (!isBuiltinTypeKey(typeKey)) throw new StrategicMergeUnsupportedError(typeKey);
  if (!isObject(patch)) throw new PatchError('a strategic merge patch must be a JSON object', 'BadRequest');
  const merged = mergeMap(isObject(target) ? target : {}, patch, builtinShape(typeKey));
  return merged ?? {};
}
