// CRD structural schemas (apiextensions.k8s.io/v1 JSONSchemaProps): validation with
// kube-apiserver's field error texts (kube-openapi's validator as converted by
// apiextensions-apiserver), defaulting and pruning with the structural-schema algorithms.
//
// Simplifications (cited by the kube-sim README):
// - x-kubernetes-validations (CEL) rules are listed by `celRules` but not evaluated.
// - Error order: per node type → enum → value constraints → required → properties in sorted key
//   order. kube-apiserver's order follows Go map iteration and is not stable either.
// - Formats checked: date-time, date, byte, uuid, email, hostname, ipv4, ipv6, cidr, mac, uri,
//   duration; int32/int64/float/double/password and unknown formats are accepted as upstream
//   does for numbers and unknown names.
// - metadata at the root is neither validated against the schema nor pruned here (kube-apiserver
//   validates ObjectMeta with its own rules, which the server applies).
import { aggregate, causeReason, errorBody, errorString, fieldErr, type FieldError } from './fieldErrors.ts';
import { canonicalJson, deepClone, deepEqual, goNumber, isObject, type JsonObject } from './values.ts';

export type { FieldError } from './fieldErrors.ts';

export interface ValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
  fieldPath?: string;
  optionalOldSelf?: boolean;
}

/** apiextensions.k8s.io/v1 JSONSchemaProps (the fields structural schemas may use). */
export interface JSONSchemaProps {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  title?: string;
  format?: string;
  default?: unknown;
  example?: unknown;
  nullable?: boolean;
  enum?: unknown[];
  maximum?: number;
  exclusiveMaximum?: boolean;
  minimum?: number;
  exclusiveMinimum?: boolean;
  multipleOf?: number;
  maxLength?: number;
  minLength?: number;
  pattern?: string;
  maxItems?: number;
  minItems?: number;
  uniqueItems?: boolean;
  maxProperties?: number;
  minProperties?: number;
  required?: string[];
  properties?: Record<string, JSONSchemaProps>;
  additionalProperties?: JSONSchemaProps | boolean;
  items?: JSONSchemaProps;
  allOf?: JSONSchemaProps[];
  anyOf?: JSONSchemaProps[];
  oneOf?: JSONSchemaProps[];
  not?: JSONSchemaProps;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-validations'?: ValidationRule[];
}

function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'object') return 'object';
  return typeof v; // string, boolean
}

function typeMatches(expected: string, v: unknown): boolean {
  switch (expected) {
    case 'object':
      return isObject(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'boolean':
      return typeof v === 'boolean';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    default:
      return true;
  }
}

const FORMATS: Record<string, RegExp | ((s: string) => boolean)> = {
  'date-time': (s) => /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s.replace(' ', 'T'))),
  date: (s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s)),
  byte: /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
  uuid: /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/,
  email: /^[^@\s]+@[^@\s]+$/,
  hostname: /^(?=.{1,253}$)[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*$/,
  ipv4: /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/,
  ipv6: (s) => s.includes(':') && /^[0-9A-Fa-f:.]+$/.test(s) && (s.match(/::/g) ?? []).length <= 1,
  cidr: (s) => {
    const [ip, bits, ...rest] = s.split('/');
    if (rest.length > 0 || ip === undefined || bits === undefined || !/^\d{1,3}$/.test(bits)) return false;
    const isV4 = (FORMATS['ipv4'] as RegExp).test(ip);
    return isV4 ? Number(bits) <= 32 : (FORMATS['ipv6'] as (s: string) => boolean)(ip) && Number(bits) <= 128;
  },
  mac: /^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$/,
  uri: /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/,
  duration: /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h|d|w))+$/,
};

function formatOk(format: string, s: string): boolean {
  const check = FORMATS[format];
  if (!check) return true;
  return typeof check === 'function' ? check(s) : check.test(s);
}

function child(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** kube-openapi's rendering of a limit (`%v` of a float64). */
const lim = goNumber;

/**
 * Validates `obj` against a structural schema and returns kube-apiserver's field errors.
 * `path` is the field path of `obj` ('' for a whole object).
 */
export function validate(schema: JSONSchemaProps, obj: unknown, path = ''): FieldError[] {
  const errs: FieldError[] = [];
  validateNode(schema, obj, path, errs);
  return errs;
}

function validateNode(s: JSONSchemaProps, v: unknown, path: string, errs: FieldError[]): void {
  const name = path;
  if (v === null || v === undefined) {
    if (s.nullable) return;
    if (s['x-kubernetes-int-or-string']) {
      errs.push(fieldErr.typeInvalid(path, 'null', `${name} in body must be of type integer,string: "null"`));
      return;
    }
    if (s.type) errs.push(fieldErr.typeInvalid(path, 'null', `${name} in body must be of type ${s.type}: "null"`));
    return;
  }
  if (s['x-kubernetes-int-or-string']) {
    if (!(typeMatches('integer', v) || typeof v === 'string')) {
      errs.push(fieldErr.typeInvalid(path, typeName(v), `${name} in body must be of type integer,string: ${JSON.stringify(typeName(v))}`));
      return;
    }
  } else if (s.type && !typeMatches(s.type, v)) {
    errs.push(fieldErr.typeInvalid(path, typeName(v), `${name} in body must be of type ${s.type}: ${JSON.stringify(typeName(v))}`));
    return;
  }

  // Value validations of anyOf/oneOf/allOf/not (structural schemas forbid types there).
  for (const sub of s.allOf ?? []) validateNode(sub, v, path, errs);
  if (s.anyOf && s.anyOf.length > 0 && !s.anyOf.some((sub) => validate(sub, v, path).length === 0))
    errs.push(fieldErr.invalid(path, v, `${name} in body must validate at least one schema (anyOf)`));
  if (s.oneOf && s.oneOf.length > 0) {
    const passing = s.oneOf.filter((sub) => validate(sub, v, path).length === 0).length;
    if (passing !== 1) errs.push(fieldErr.invalid(path, v, `${name} in body must validate one and only one schema (oneOf)`));
  }
  if (s.not && validate(s.not, v, path).length === 0) errs.push(fieldErr.invalid(path, v, `${name} in body must not validate the schema (not)`));

  if (typeof v === 'string') {
    const length = [...v].length;
    if (s.maxLength !== undefined && length > s.maxLength) errs.push(fieldErr.tooLong(path, v, s.maxLength));
    if (s.minLength !== undefined && length < s.minLength) errs.push(fieldErr.invalid(path, v, `${name} in body should be at least ${s.minLength} chars long`));
    if (s.pattern !== undefined) {
      let re: RegExp | undefined;
      try {
        re = new RegExp(s.pattern, 'u');
      } catch {
        errs.push(fieldErr.invalid(path, v, `${name} in body has an invalid pattern in its schema: ${s.pattern}`));
      }
      if (re && !re.test(v)) errs.push(fieldErr.invalid(path, v, `${name} in body should match '${s.pattern}'`));
    }
    if (s.format && !formatOk(s.format, v)) errs.push(fieldErr.invalid(path, v, `${name} in body must be of type ${s.format}: ${JSON.stringify(v)}`));
  }
  if (typeof v === 'number') {
    if (s.maximum !== undefined) {
      if (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum)
        errs.push(fieldErr.invalid(path, v, `${name} in body should be less than ${s.exclusiveMaximum ? '' : 'or equal to '}${lim(s.maximum)}`));
    }
    if (s.minimum !== undefined) {
      if (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum)
        errs.push(fieldErr.invalid(path, v, `${name} in body should be greater than ${s.exclusiveMinimum ? '' : 'or equal to '}${lim(s.minimum)}`));
    }
    if (s.multipleOf !== undefined && s.multipleOf > 0) {
      const q = v / s.multipleOf;
      if (Math.abs(q - Math.round(q)) > 1e-9) errs.push(fieldErr.invalid(path, v, `${name} in body should be a multiple of ${lim(s.multipleOf)}`));
    }
  }
  if (s.enum && s.enum.length > 0 && !s.enum.some((e) => deepEqual(e, v))) {
    errs.push(fieldErr.notSupported(path, v, s.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)))));
  }

  if (Array.isArray(v)) validateArray(s, v, path, errs);
  else if (isObject(v)) validateObject(s, v, path, errs);
}

function validateArray(s: JSONSchemaProps, v: unknown[], path: string, errs: FieldError[]): void {
  if (s.maxItems !== undefined && v.length > s.maxItems) errs.push(fieldErr.tooMany(path, v.length, s.maxItems));
  if (s.minItems !== undefined && v.length < s.minItems) errs.push(fieldErr.invalid(path, v.length, `${path} in body should have at least ${s.minItems} items`));
  if (s.uniqueItems) {
    const seen = new Set<string>();
    if (v.some((x) => seen.size === seen.add(canonicalJson(x)).size)) errs.push(fieldErr.invalid(path, v, `${path} in body shouldn't contain duplicates`));
  }
  const listType = s['x-kubernetes-list-type'];
  if (listType === 'set') {
    const seen = new Set<string>();
    v.forEach((x, i) => {
      const k = canonicalJson(x);
      if (seen.has(k)) errs.push(fieldErr.duplicate(`${path}[${i}]`, x));
      seen.add(k);
    });
  } else if (listType === 'map') {
    const keys = s['x-kubernetes-list-map-keys'] ?? [];
    const seen = new Set<string>();
    v.forEach((x, i) => {
      if (!isObject(x)) return;
      const keyObj: JsonObject = {};
      for (const k of keys) {
        const d = s.items?.properties?.[k]?.default;
        if (x[k] !== undefined) keyObj[k] = x[k];
        else if (d !== undefined) keyObj[k] = d;
      }
      const k = canonicalJson(keyObj);
      if (seen.has(k)) errs.push(fieldErr.duplicate(`${path}[${i}]`, keyObj));
      seen.add(k);
    });
  }
  if (s.items) v.forEach((x, i) => validateNode(s.items as JSONSchemaProps, x, `${path}[${i}]`, errs));
}

function validateObject(s: JSONSchemaProps, v: JsonObject, path: string, errs: FieldError[]): void {
  const isRoot = path === '';
  const count = Object.keys(v).length;
  if (s.maxProperties !== undefined && count > s.maxProperties) errs.push(fieldErr.tooMany(path, count, s.maxProperties));
  if (s.minProperties !== undefined && count < s.minProperties)
    errs.push(fieldErr.invalid(path, count, `${path} in body should have at least ${s.minProperties} properties`));
  for (const r of s.required ?? []) {
    if (isRoot && r === 'metadata') continue;
    if (!Object.hasOwn(v, r)) errs.push(fieldErr.required(child(path, r)));
  }
  if (s['x-kubernetes-embedded-resource']) {
    for (const k of ['apiVersion', 'kind']) {
      const x = v[k];
      if (typeof x !== 'string' || x === '') errs.push(fieldErr.required(child(path, k), 'must not be empty'));
    }
  }
  const props = s.properties ?? {};
  for (const key of Object.keys(v).sort()) {
    if (isRoot && key === 'metadata') continue;
    const p = props[key];
    const value = v[key];
    if (p) validateNode(p, value, child(path, key), errs);
    else if (isObject(s.additionalProperties)) validateNode(s.additionalProperties, value, child(path, key), errs);
    else if (s.additionalProperties === false && !s['x-kubernetes-preserve-unknown-fields'])
      errs.push(fieldErr.invalid(child(path, key), value, `${child(path, key)} in body is a forbidden property`));
  }
}

export interface InvalidStatus {
  message: string;
  details: { name: string; group: string; kind: string; causes: { reason: string; message: string; field: string }[] };
}

/** errors.NewInvalid: the message and details of a 422 Invalid Status. */
export function formatInvalid(kind: string, group: string, name: string, errors: FieldError[]): InvalidStatus {
  const qualified = group ? `${kind}.${group}` : kind;
  const message =
    errors.length === 0 ? `${qualified} ${JSON.stringify(name)} is invalid` : `${qualified} ${JSON.stringify(name)} is invalid: ${aggregate(errors.map(errorString))}`;
  return {
    message,
    details: {
      name,
      group,
      kind,
      causes: errors.map((e) => ({ reason: causeReason(e.type), message: errorBody(e), field: e.field })),
    },
  };
}

export { errorString as formatFieldError } from './fieldErrors.ts';

function isNonNullableNull(v: unknown, s: JSONSchemaProps): boolean {
  return v === null && !s.nullable;
}

/** Structural defaulting: fills defaults where the parent exists, recursing into defaults too. */
export function applyDefaults<T>(schema: JSONSchemaProps, obj: T): T {
  const out = deepClone(obj);
  defaultNode(out, schema);
  return out;
}

function defaultNode(x: unknown, s: JSONSchemaProps): void {
  if (isObject(x)) {
    for (const [k, prop] of Object.entries(s.properties ?? {})) {
      if (prop.default === undefined) continue;
      if (!Object.hasOwn(x, k) || isNonNullableNull(x[k], prop)) x[k] = deepClone(prop.default);
    }
    const ap = isObject(s.additionalProperties) ? s.additionalProperties : undefined;
    for (const [k, v] of Object.entries(x)) {
      const prop = s.properties?.[k];
      if (prop) defaultNode(v, prop);
      else if (ap) {
        if (isNonNullableNull(v, ap) && ap.default !== undefined) x[k] = deepClone(ap.default);
        defaultNode(x[k], ap);
      }
    }
  } else if (Array.isArray(x) && s.items) {
    const items = s.items;
    x.forEach((v, i) => {
      if (isNonNullableNull(v, items) && items.default !== undefined) x[i] = deepClone(items.default);
      defaultNode(x[i], items);
    });
  }
}

const ROOT_KEPT = new Set(['apiVersion', 'kind', 'metadata']);

/** Structural pruning: drops fields the schema does not specify. Returns a new object. */
export function prune<T>(schema: JSONSchemaProps, obj: T): T {
  return pruneWithUnknownFields(schema, obj).object;
}

/**
 * Pruning that also reports the dropped fields (dotted paths), for `fieldValidation=Warn|Strict`
 * (kube-apiserver's `unknown field "spec.foo"`).
 */
export function pruneWithUnknownFields<T>(schema: JSONSchemaProps, obj: T): { object: T; unknownFields: string[] } {
  const out = deepClone(obj);
  const unknown: string[] = [];
  pruneNode(out, schema, '', true, unknown);
  return { object: out, unknownFields: unknown };
}

function pruneNode(x: unknown, s: JSONSchemaProps | undefined, path: string, isRoot: boolean, unknown: string[]): void {
  if (Array.isArray(x)) {
    x.forEach((v, i) => pruneNode(v, s?.items, `${path}[${i}]`, false, unknown));
    return;
  }
  if (!isObject(x) || !s) return;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  const ap = s.additionalProperties;
  for (const key of Object.keys(x)) {
    const p = s.properties?.[key];
    const childPath = child(path, key);
    if ((isRoot || embedded) && ROOT_KEPT.has(key)) {
      // metadata of an embedded resource keeps only ObjectMeta's common fields upstream; kept whole here.
      if (p && key !== 'metadata') pruneNode(x[key], p, childPath, false, unknown);
      continue;
    }
    if (p) pruneNode(x[key], p, childPath, false, unknown);
    else if (isObject(ap)) pruneNode(x[key], ap, childPath, false, unknown);
    else if (ap === true || preserve) continue;
    else {
      delete x[key];
      unknown.push(childPath);
    }
  }
}

export interface CelRule {
  /** Field path of the schema node carrying the rule, e.g. `spec.autoscaling`, `spec.items[*]`. */
  path: string;
  rule: string;
  message: string;
}

/** Lists x-kubernetes-validations rules (the simulator reports them; it does not evaluate CEL). */
export function celRules(schema: JSONSchemaProps): CelRule[] {
  const out: CelRule[] = [];
  const walk = (s: JSONSchemaProps, path: string): void => {
    for (const r of s['x-kubernetes-validations'] ?? []) out.push({ path, rule: r.rule, message: r.message ?? `failed rule: ${r.rule}` });
    for (const k of Object.keys(s.properties ?? {}).sort()) walk(s.properties?.[k] as JSONSchemaProps, child(path, k));
    if (isObject(s.additionalProperties)) walk(s.additionalProperties, `${path}[*]`);
    if (s.items) walk(s.items, `${path}[*]`);
    for (const sub of [...(s.allOf ?? []), ...(s.anyOf ?? []), ...(s.oneOf ?? [])]) walk(sub, path);
  };
  walk(schema, '');
  return out;
}
