// Checks a CRD openAPIV3Schema against Kubernetes' structural-schema rules
// (https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#specifying-a-structural-schema)
// plus the restrictions kube-apiserver enforces on CRD schemas. Returns every violation with
// its path, so a failing test says exactly what to fix.
import type { JsonSchema } from '../../operator/src/api/json-schema.ts';

const JUNCTORS = ['anyOf', 'oneOf', 'allOf', 'not'] as const;
/** Keys that must not appear inside a value validation (anyOf/oneOf/allOf/not). */
const FORBIDDEN_IN_JUNCTORS = ['type', 'default', 'description', 'nullable', 'additionalProperties', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-embedded-resource', 'x-kubernetes-int-or-string', 'x-kubernetes-validations'] as const;
const KNOWN_KEYS = new Set([
  'type', 'description', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'format', 'pattern',
  'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'minItems', 'maxItems',
  'minProperties', 'maxProperties', 'uniqueItems', 'multipleOf', 'default', 'anyOf', 'oneOf', 'allOf', 'not', 'nullable',
  'title', 'example', 'externalDocs',
  'x-kubernetes-int-or-string', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-embedded-resource',
  'x-kubernetes-list-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-map-type', 'x-kubernetes-validations',
]);
const TYPES = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean']);

export interface Violation {
  path: string;
  problem: string;
}

function checkJunctorBranch(node: JsonSchema, path: string, out: Violation[]): void {
  for (const key of FORBIDDEN_IN_JUNCTORS) {
    if ((node as Record<string, unknown>)[key] !== undefined) out.push({ path, problem: `${key} must not be set inside anyOf/oneOf/allOf/not` });
  }
  if (node.properties) for (const [k, v] of Object.entries(node.properties)) checkJunctorBranch(v, `${path}.properties[${k}]`, out);
  if (node.items) checkJunctorBranch(node.items, `${path}.items`, out);
  for (const j of JUNCTORS) {
    const branches = j === 'not' ? (node.not ? [node.not] : []) : (node[j] ?? []);
    branches.forEach((b, i) => checkJunctorBranch(b, `${path}.${j}[${i}]`, out));
  }
}

function checkNode(node: JsonSchema, path: string, out: Violation[]): void {
  for (const key of Object.keys(node)) {
    if (key === '$ref') out.push({ path, problem: '$ref is not allowed in a CRD schema' });
    else if (!KNOWN_KEYS.has(key)) out.push({ path, problem: `unknown schema keyword ${key}` });
  }
  const intOrString = node['x-kubernetes-int-or-string'] === true;
  const preserve = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (node.type === undefined) {
    if (!intOrString && !preserve) out.push({ path, problem: 'type must be set (structural schemas type every node)' });
  } else if (!TYPES.has(node.type)) {
    out.push({ path, problem: `type ${String(node.type)} is not a Kubernetes schema type` });
  }
  if (intOrString) {
    if (node.type !== undefined) out.push({ path, problem: 'x-kubernetes-int-or-string must not set type' });
    const branches = node.anyOf?.map((b) => b.type).sort().join(',');
    if (node.anyOf && branches !== 'integer,string') out.push({ path, problem: 'x-kubernetes-int-or-string allows only anyOf [{type: integer}, {type: string}]' });
  }
  if (node.properties && node.additionalProperties !== undefined && node.additionalProperties !== false) {
    out.push({ path, problem: 'properties and additionalProperties must not be set together' });
  }
  if (node.type === 'array' && !node.items) out.push({ path, problem: 'an array must define items' });
  if (node.type !== 'object' && (node.properties || node.additionalProperties)) {
    out.push({ path, problem: 'properties/additionalProperties are only allowed on type object' });
  }
  if (node['x-kubernetes-list-type'] === 'map') {
    const keys = node['x-kubernetes-list-map-keys'] ?? [];
    if (keys.length === 0) out.push({ path, problem: 'x-kubernetes-list-type map needs x-kubernetes-list-map-keys' });
    for (const key of keys) {
      if (!node.items?.required?.includes(key) && node.items?.properties?.[key]?.default === undefined) {
        out.push({ path, problem: `map key ${key} must be required or defaulted in items` });
      }
    }
  }
  if (node.required) {
    for (const key of node.required) {
      if (!node.properties?.[key]) out.push({ path, problem: `required field ${key} is not in properties` });
    }
  }
  for (const j of JUNCTORS) {
    // The one exception Kubernetes makes: int-or-string may spell its two branches' types.
    if (intOrString && j === 'anyOf') continue;
    const branches = j === 'not' ? (node.not ? [node.not] : []) : (node[j] ?? []);
    branches.forEach((b, i) => checkJunctorBranch(b, `${path}.${j}[${i}]`, out));
  }
  if (node.properties) for (const [k, v] of Object.entries(node.properties)) checkNode(v, `${path}.${k}`, out);
  if (typeof node.additionalProperties === 'object') checkNode(node.additionalProperties, `${path}[*]`, out);
  if (node.items) checkNode(node.items, `${path}[]`, out);
}

/** Every structural-schema violation in a CRD version's openAPIV3Schema (empty when valid). */
export function structuralViolations(schema: JsonSchema): Violation[] {
  const out: Violation[] = [];
  checkNode(schema, '', out);
  if (schema.type !== 'object') out.push({ path: '', problem: 'the root must be type object' });
  const metadata = schema.properties?.metadata;
  if (metadata?.properties) {
    for (const key of Object.keys(metadata.properties)) {
      if (key !== 'name' && key !== 'generateName') out.push({ path: '.metadata', problem: `only metadata.name and generateName may be constrained, not ${key}` });
    }
  }
  return out;
}
