// Field paths and field sets of structured-merge-diff, and their FieldsV1 encoding in
// metadata.managedFields: `f:<field>`, `k:<json of the list-map keys>`, `v:<json of a set
// element>`, `i:<index>`, and `.` for a node that is itself a member and has members below.
import { canonicalJson, isObject, type JsonObject } from './values.ts';

/** A path element in FieldsV1 spelling, e.g. `f:spec`, `k:{"name":"app"}`, `v:"a"`. */
export type PathElement = string;
export type FieldPath = readonly PathElement[];

const SEP = '\u0000';

export function fieldElement(name: string): PathElement {
  return `f:${name}`;
}
export function keyElement(keys: JsonObject): PathElement {
  return `k:${canonicalJson(keys)}`;
}
export function valueElement(value: unknown): PathElement {
  return `v:${canonicalJson(value)}`;
}

/** A set of field paths. Paths are stored joined so that set operations are plain string ops. */
export class FieldSet {
  readonly #paths = new Set<string>();

  static of(paths: Iterable<FieldPath>): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  insert(path: FieldPath): void {
    if (path.length > 0) this.#paths.add(path.join(SEP));
  }
  has(path: FieldPath): boolean {
    return this.#paths.has(path.join(SEP));
  }
  get size(): number {
    return this.#paths.size;
  }
  isEmpty(): boolean {
    return this.#paths.size === 0;
  }
  *[Symbol.iterator](): IterableIterator<PathElement[]> {
    for (const p of this.#paths) yield p.split(SEP);
  }
  paths(): PathElement[][] {
    return [...this];
  }
  union(other: FieldSet): FieldSet {
    const s = this.clone();
    for (const p of other.#paths) s.#paths.add(p);
    return s;
  }
  intersection(other: FieldSet): FieldSet {
    const s = new FieldSet();
    for (const p of this.#paths) if (other.#paths.has(p)) s.#paths.add(p);
    return s;
  }
  difference(other: FieldSet): FieldSet {
    const s = new FieldSet();
    for (const p of this.#paths) if (!other.#paths.has(p)) s.#paths.add(p);
    return s;
  }
  /** Removes paths equal to or below any path of `prefixes`. */
  withoutSubtrees(prefixes: readonly FieldPath[]): FieldSet {
    const s = new FieldSet();
    const joined = prefixes.map((p) => p.join(SEP));
    for (const p of this.#paths) if (!joined.some((j) => p === j || p.startsWith(j + SEP))) s.#paths.add(p);
    return s;
  }
  /** Keeps only paths equal to or below one of `prefixes`. */
  onlySubtrees(prefixes: readonly FieldPath[]): FieldSet {
    const s = new FieldSet();
    const joined = prefixes.map((p) => p.join(SEP));
    for (const p of this.#paths) if (joined.some((j) => p === j || p.startsWith(j + SEP))) s.#paths.add(p);
    return s;
  }
  /** Whether some member lies strictly below `path`. */
  hasDescendant(path: FieldPath): boolean {
    const prefix = path.join(SEP) + SEP;
    for (const p of this.#paths) if (p.startsWith(prefix)) return true;
    return false;
  }
  clone(): FieldSet {
    const s = new FieldSet();
    for (const p of this.#paths) s.#paths.add(p);
    return s;
  }
  equals(other: FieldSet): boolean {
    return this.size === other.size && [...this.#paths].every((p) => other.#paths.has(p));
  }
}

const ORDER: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

/** structured-merge-diff's PathElement order: fields < keys < values < indexes. */
export function compareElements(a: PathElement, b: PathElement): number {
  const ta = ORDER[a[0] as string] ?? 9;
  const tb = ORDER[b[0] as string] ?? 9;
  if (ta !== tb) return ta - tb;
  if (a[0] === 'i') return Number(a.slice(2)) - Number(b.slice(2));
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Encodes a set as FieldsV1 JSON, children sorted as Kubernetes serialises them. */
export function toFieldsV1(set: FieldSet): JsonObject {
  interface Node {
    member: boolean;
    children: Map<string, Node>;
  }
  const root: Node = { member: false, children: new Map() };
  for (const path of set) {
    let n = root;
    for (const el of path) {
      let c = n.children.get(el);
      if (!c) {
        c = { member: false, children: new Map() };
        n.children.set(el, c);
      }
      n = c;
    }
    n.member = true;
  }
  const encode = (n: Node): JsonObject => {
    const out: JsonObject = {};
    if (n.member && n.children.size > 0) out['.'] = {};
    for (const k of [...n.children.keys()].sort(compareElements)) out[k] = encode(n.children.get(k) as Node);
    return out;
  };
  return encode(root);
}

export class FieldsV1Error extends Error {
  override name = 'FieldsV1Error';
}

/** Decodes FieldsV1 JSON into a set. */
export function fromFieldsV1(fields: unknown): FieldSet {
  const set = new FieldSet();
  const walk = (node: unknown, path: PathElement[]): void => {
    if (!isObject(node)) throw new FieldsV1Error(`invalid FieldsV1 at ${path.join('') || 'root'}: expected an object`);
    const keys = Object.keys(node);
    if (keys.length === 0 && path.length > 0) set.insert(path);
    for (const k of keys) {
      if (k === '.') {
        set.insert(path);
        continue;
      }
      if (!/^[fkvi]:/.test(k)) throw new FieldsV1Error(`invalid FieldsV1 key ${JSON.stringify(k)}: expected f:, k:, v: or i: prefix`);
      walk(node[k], [...path, k]);
    }
  };
  walk(fields, []);
  return set;
}

function valueToString(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : canonicalJson(v);
}

/** structured-merge-diff Path.String(): `.spec.containers[name="app"].image`, `[=5]`, `[3]`. */
export function pathString(path: FieldPath): string {
  return path
    .map((el) => {
      const body = el.slice(2);
      switch (el[0]) {
        case 'f':
          return `.${body}`;
        case 'k': {
          const keys = JSON.parse(body) as JsonObject;
          return `[${Object.keys(keys)
            .sort()
            .map((k) => `${k}=${valueToString(keys[k])}`)
            .join(',')}]`;
        }
        case 'v':
          return `[=${valueToString(JSON.parse(body))}]`;
        default:
          return `[${body}]`;
      }
    })
    .join('');
}
