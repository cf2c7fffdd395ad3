// The JSONPath subset kubectl and CRD additionalPrinterColumns use (k8s.io/client-go/util/jsonpath):
// `.a.b`, `['a.b']`, `[0]`, `[-1]`, `[*]`, `[1:3]`, `..name`, `[?(@.type=="Ready")]` (==, !=, <,
// <=, >, >=, and bare `?(@.x)` for existence), escaped dots (`app\.kubernetes\.io/name`), with
// or without the surrounding `{}`.
//
// Simplification: a single expression per template; no range/end, no unions, no literals text.
import { isObject } from './values.ts';

export class JsonPathError extends Error {
  override name = 'JsonPathError';
}

type Step =
  | { t: 'field'; name: string }
  | { t: 'wildcard' }
  | { t: 'recursive'; name: string | null }
  | { t: 'index'; i: number }
  | { t: 'slice'; start?: number; end?: number; step?: number }
  | { t: 'filter'; path: Step[]; op?: string; value?: unknown };

export interface CompiledJsonPath {
  source: string;
  steps: Step[];
}

function parseLiteral(s: string): unknown {
  const t = s.trim();
  if ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'"))) return t.slice(1, -1);
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t === 'nil' || t === 'null') return null;
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  throw new JsonPathError(`unrecognized filter literal ${JSON.stringify(t)}`);
}

function parseSteps(src: string, full: string): Step[] {
  const steps: Step[] = [];
  let i = 0;
  const readName = (): string => {
    let name = '';
    while (i < src.length) {
      const c = src[i] as string;
      if (c === '\\' && i + 1 < src.length) {
        name += src[i + 1];
        i += 2;
        continue;
      }
      if (c === '.' || c === '[') break;
      name += c;
      i++;
    }
    return name;
  };
  while (i < src.length) {
    const c = src[i];
    if (c === '.') {
      if (src[i + 1] === '.') {
        i += 2;
        const name = src[i] === '*' ? (i++, null) : readName();
        steps.push({ t: 'recursive', name: name === '' ? null : name });
        continue;
      }
      i++;
      if (src[i] === '*') {
        i++;
        steps.push({ t: 'wildcard' });
        continue;
      }
      const name = readName();
      if (name !== '') steps.push({ t: 'field', name });
      continue;
    }
    if (c === '[') {
      const close = findClose(src, i);
      const inner = src.slice(i + 1, close).trim();
      i = close + 1;
      if (inner === '*') steps.push({ t: 'wildcard' });
      else if (inner.startsWith('?(') && inner.endsWith(')')) steps.push(parseFilter(inner.slice(2, -1), full));
      else if ((inner.startsWith("'") && inner.endsWith("'")) || (inner.startsWith('"') && inner.endsWith('"'))) steps.push({ t: 'field', name: inner.slice(1, -1) });
      else if (/^-?\d+$/.test(inner)) steps.push({ t: 'index', i: Number(inner) });
      else if (/^(-?\d+)?:(-?\d+)?(:(-?\d+)?)?$/.test(inner)) {
        const [a, b, s] = inner.split(':');
        const step: Step = { t: 'slice' };
        if (a) step.start = Number(a);
        if (b) step.end = Number(b);
        if (s) step.step = Number(s);
        steps.push(step);
      } else throw new JsonPathError(`invalid array index ${JSON.stringify(inner)} in ${JSON.stringify(full)}`);
      continue;
    }
    if (c === '@' || c === '$') {
      i++;
      continue;
    }
    // A bare name at the start (e.g. "metadata.name" without a leading dot).
    const name = readName();
    if (name === '') throw new JsonPathError(`unexpected ${JSON.stringify(c)} in ${JSON.stringify(full)}`);
    steps.push({ t: 'field', name });
  }
  return steps;
}

function findClose(src: string, open: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let j = open; j < src.length; j++) {
    const c = src[j];
    if (quote) {
      if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '[') depth++;
    else if (c === ']') {
      depth--;
      if (depth === 0) return j;
    }
  }
  throw new JsonPathError(`unclosed array expect ] in ${JSON.stringify(src)}`);
}

function parseFilter(expr: string, full: string): Step {
  const m = /^(@[^=!<>\s]*)\s*(==|!=|<=|>=|<|>)\s*(.+)$/.exec(expr.trim());
  if (!m) {
    if (!expr.trim().startsWith('@')) throw new JsonPathError(`invalid filter ${JSON.stringify(expr)} in ${JSON.stringify(full)}`);
    return { t: 'filter', path: parseSteps(expr.trim().slice(1), full) };
  }
  return { t: 'filter', path: parseSteps((m[1] as string).slice(1), full), op: m[2] as string, value: parseLiteral(m[3] as string) };
}

/** Compiles `{.status.conditions[?(@.type=="Ready")].status}` or `.spec.replicas`. */
export function compileJsonPath(template: string): CompiledJsonPath {
  let src = template.trim();
  if (src.startsWith('{') && src.endsWith('}')) src = src.slice(1, -1).trim();
  if (src === '') throw new JsonPathError('empty JSONPath expression');
  return { source: template, steps: parseSteps(src, template) };
}

function compare(a: unknown, op: string, b: unknown): boolean {
  switch (op) {
    case '==':
      return a === b || (typeof a === 'number' && typeof b === 'string' ? String(a) === b : false);
    case '!=':
      return a !== b;
    default: {
      if (typeof a !== 'number' || typeof b !== 'number') return false;
      return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
    }
  }
}

function recursiveCollect(v: unknown, name: string | null, out: unknown[]): void {
  if (Array.isArray(v)) {
    for (const x of v) {
      if (name === null) out.push(x);
      recursiveCollect(x, name, out);
    }
  } else if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (name === null || k === name) out.push(x);
      recursiveCollect(x, name, out);
    }
  }
}

function applyStep(values: unknown[], step: Step): unknown[] {
  const out: unknown[] = [];
  for (const v of values) {
    switch (step.t) {
      case 'field':
        if (isObject(v) && Object.hasOwn(v, step.name)) out.push(v[step.name]);
        break;
      case 'wildcard':
        if (Array.isArray(v)) out.push(...v);
        else if (isObject(v)) out.push(...Object.keys(v).sort().map((k) => v[k]));
        break;
      case 'recursive':
        recursiveCollect(v, step.name, out);
        break;
      case 'index':
        if (Array.isArray(v)) {
          const idx = step.i < 0 ? v.length + step.i : step.i;
          if (idx >= 0 && idx < v.length) out.push(v[idx]);
        }
        break;
      case 'slice':
        if (Array.isArray(v)) {
          const norm = (n: number | undefined, d: number): number => (n === undefined ? d : n < 0 ? Math.max(0, v.length + n) : Math.min(n, v.length));
          const by = step.step ?? 1;
          for (let k = norm(step.start, 0); k < norm(step.end, v.length); k += by > 0 ? by : 1) out.push(v[k]);
        }
        break;
      case 'filter': {
        const items = Array.isArray(v) ? v : [v];
        for (const item of items) {
          const found = evaluateSteps(item, step.path);
          if (step.op === undefined) {
            if (found.length > 0) out.push(item);
          } else if (found.some((f) => compare(f, step.op as string, step.value))) out.push(item);
        }
        break;
      }
    }
  }
  return out;
}

function evaluateSteps(root: unknown, steps: Step[]): unknown[] {
  let values: unknown[] = [root];
  for (const s of steps) values = applyStep(values, s);
  return values;
}

/** All values the path selects, in document order. */
export function evaluateJsonPath(path: CompiledJsonPath | string, obj: unknown): unknown[] {
  const compiled = typeof path === 'string' ? compileJsonPath(path) : path;
  return evaluateSteps(obj, compiled.steps);
}

/** How jsonpath's PrintResults renders one value: strings bare, everything else as JSON. */
export function printJsonPathValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined) return '';
  return JSON.stringify(v);
}
