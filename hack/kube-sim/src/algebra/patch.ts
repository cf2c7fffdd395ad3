// Patches as kube-apiserver applies them: JSON merge patch (RFC 7386), JSON patch (RFC 6902)
// and strategic merge patch (implemented in strategic.ts, re-exported here).
//
// Simplifications: JSON patch errors carry our own wording (kube-apiserver passes through the
// evanphx/json-patch library's texts, which vary by version); the HTTP status mapping is the
// server's (kube-apiserver answers 422 for a failed `test`/missing path and 400 for a malformed
// patch document, see PatchError.reason).
import { PatchError } from './patchError.ts';
import { deepClone, deepEqual, isObject } from './values.ts';

export { PatchError } from './patchError.ts';
export { strategicMergePatch, StrategicMergeUnsupportedError } from './strategic.ts';

/** RFC 7386 JSON merge patch. Returns a new value; inputs are not modified. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return deepClone(patch);
  const out: Record<string, unknown> = isObject(target) ? deepClone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  value?: unknown;
  from?: string;
}

/** RFC 6901: "/a~1b/c~0d" → ["a/b", "c~d"]. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new PatchError(`invalid JSON pointer ${JSON.stringify(pointer)}: must be empty or start with "/"`, 'BadRequest');
  return pointer
    .slice(1)
    .split('/')
    .map((t) => {
      if (/~[^01]|~$/.test(t)) throw new PatchError(`invalid JSON pointer ${JSON.stringify(pointer)}: "~" must be followed by 0 or 1`, 'BadRequest');
      return t.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

function arrayIndex(token: string, length: number, allowEnd: boolean, pointer: string): number {
  if (allowEnd && token === '-') return length;
  if (!/^(0|[1-9]\d*)$/.test(token)) throw new PatchError(`invalid array index ${JSON.stringify(token)} in path ${JSON.stringify(pointer)}`);
  const i = Number(token);
  if (i > length || (!allowEnd && i >= length)) throw new PatchError(`array index ${i} out of bounds (length ${length}) in path ${JSON.stringify(pointer)}`);
  return i;
}

/** Resolves the parent container of a pointer; throws when an intermediate step is missing. */
function resolveParent(doc: unknown, tokens: string[], pointer: string): unknown {
  let cur = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(t, cur.length, false, pointer)];
    else if (isObject(cur) && Object.hasOwn(cur, t)) cur = cur[t];
    else throw new PatchError(`path ${JSON.stringify(pointer)} does not exist: missing ${JSON.stringify(t)}`);
  }
  return cur;
}

function getAt(doc: unknown, pointer: string): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return doc;
  const parent = resolveParent(doc, tokens, pointer);
  const last = tokens[tokens.length - 1] as string;
  if (Array.isArray(parent)) return parent[arrayIndex(last, parent.length, false, pointer)];
  if (isObject(parent) && Object.hasOwn(parent, last)) return parent[last];
  throw new PatchError(`path ${JSON.stringify(pointer)} does not exist`);
}

function addAt(doc: unknown, pointer: string, value: unknown): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return value;
  const parent = resolveParent(doc, tokens, pointer);
  const last = tokens[tokens.length - 1] as string;
  if (Array.isArray(parent)) parent.splice(arrayIndex(last, parent.length, true, pointer), 0, value);
  else if (isObject(parent)) parent[last] = value;
  else throw new PatchError(`cannot add ${JSON.stringify(pointer)}: parent is not an object or array`);
  return doc;
}

function removeAt(doc: unknown, pointer: string): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) throw new PatchError('cannot remove the whole document');
  const parent = resolveParent(doc, tokens, pointer);
  const last = tokens[tokens.length - 1] as string;
  if (Array.isArray(parent)) parent.splice(arrayIndex(last, parent.length, false, pointer), 1);
  else if (isObject(parent) && Object.hasOwn(parent, last)) delete parent[last];
  else throw new PatchError(`cannot remove ${JSON.stringify(pointer)}: path does not exist`);
  return doc;
}

function checkOp(raw: unknown, index: number): JsonPatchOperation {
  if (!isObject(raw)) throw new PatchError(`operation ${index} is not a JSON object`, 'BadRequest');
  const { op, path, from } = raw;
  if (typeof op !== 'string' || !['add', 'remove', 'replace', 'move', 'copy', 'test'].includes(op))
    throw new PatchError(`operation ${index}: unsupported op ${JSON.stringify(op ?? null)}; expected add, remove, replace, move, copy or test`, 'BadRequest');
  if (typeof path !== 'string') throw new PatchError(`operation ${index} (${op}): missing "path"`, 'BadRequest');
  if ((op === 'move' || op === 'copy') && typeof from !== 'string') throw new PatchError(`operation ${index} (${op}): missing "from"`, 'BadRequest');
  if ((op === 'add' || op === 'replace' || op === 'test') && !Object.hasOwn(raw, 'value'))
    throw new PatchError(`operation ${index} (${op}): missing "value"`, 'BadRequest');
  return raw as unknown as JsonPatchOperation;
}

/** RFC 6902 JSON patch. Atomic: either every operation applies or PatchError is thrown. */
export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new PatchError('a JSON patch must be a JSON array of operations', 'BadRequest');
  let doc = deepClone(target);
  ops.forEach((raw, i) => {
    const op = checkOp(raw, i);
    try {
      switch (op.op) {
        case 'add':
          doc = addAt(doc, op.path, deepClone(op.value));
          break;
        case 'remove':
          doc = removeAt(doc, op.path);
          break;
        case 'replace':
          getAt(doc, op.path);
          if (op.path === '') doc = deepClone(op.value);
          else doc = addAt(removeAt(doc, op.path), op.path, deepClone(op.value));
          break;
        case 'move': {
          const from = op.from as string;
          if (op.path !== from && op.path.startsWith(from + '/')) throw new PatchError(`cannot move ${JSON.stringify(from)} into its own child ${JSON.stringify(op.path)}`);
          const value = getAt(doc, from);
          doc = addAt(removeAt(doc, from), op.path, value);
          break;
        }
        case 'copy':
          doc = addAt(doc, op.path, deepClone(getAt(doc, op.from as string)));
          break;
        case 'test': {
          const actual = getAt(doc, op.path);
          if (!deepEqual(actual, op.value))
            throw new PatchError(`testing value ${JSON.stringify(op.path)} failed: expected ${JSON.stringify(op.value)}, found ${JSON.stringify(actual)}`);
          break;
        }
      }
    } catch (e) {
      if (e instanceof PatchError) throw new PatchError(`json patch operation ${i} (${op.op} ${JSON.stringify(op.path)}) failed: ${e.message}`, e.reason);
      throw e;
    }
  });
  return doc;
}
