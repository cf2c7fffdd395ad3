// JSON value helpers shared by the algebra modules: structural equality, deep copies, and
// rendering of values the way Go's fmt verbs print them (kube-apiserver's error texts are built
// with %v, %q and %#v, and clients such as kubectl show those texts verbatim).

export type JsonObject = { [key: string]: unknown };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function deepClone<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => deepClone(v)) as T;
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) out[k] = deepClone(v);
    return out as T;
  }
  return value;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => deepEqual(v, b[i]));
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ak = Object.keys(a);
    if (ak.length !== Object.keys(b).length) return false;
    return ak.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** JSON with object keys sorted, as Go's encoding/json marshals maps. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** Go's %q for a string: a double-quoted string with Go escapes (close enough to JSON's). */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** Go's %v for a number decoded from JSON (int64 when integral, float64 otherwise). */
export function goNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const s = String(n);
  // Go prints large/small floats as 1e+21 / 1e-07; JS as 1e+21 / 1e-7.
  return s.replace(/e-(\d)$/, 'e-0$1');
}

/** Go's %#v for values of an unstructured object (map[string]interface {}, []interface {}). */
export function goSyntax(value: unknown): string {
  if (value === null || value === undefined) return 'interface {}(nil)';
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number') return goNumber(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[]interface {}{${value.map(goSyntax).join(', ')}}`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `map[string]interface {}{${keys.map((k) => `${goQuote(k)}:${goSyntax(value[k])}`).join(', ')}}`;
  }
  return String(value);
}

/** Follows a dotted path (no escaping) through nested objects. */
export function getPath(obj: unknown, path: readonly string[]): unknown {
  let cur: unknown = obj;
  for (const seg of path) {
    if (!isObject(cur)) return undefined;
    cur = cur[seg];
  }
  return cur;
}
