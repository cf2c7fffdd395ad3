// Generates the McpServer CustomResourceDefinition from the zod API: a structural
// openAPIV3Schema (every node typed, no $ref, int-or-string where Kubernetes needs it), the
// status and scale subresources, printer columns and the CEL rules. Pure: `npm run gen` writes
// its output to crds/ and the test suite fails when the committed file drifts.
import { z } from 'zod';
import type { JsonSchema } from './json-schema.ts';
import { k8sModelSchema, K8S_MODEL_META } from './k8s-types.ts';
import type { K8sModel } from './k8s-models.ts';
import { CEL_META, mcpServerSchema, mcpServerSpecSchema, mcpServerStatusSchema } from './mcpserver.ts';
import { CATEGORIES, CRD_NAME, GROUP, KIND, LIST_KIND, PLURAL, SHORT_NAMES, SINGULAR, VERSION } from './constants.ts';

type Meta = Record<string, unknown>;

/** Metadata of a schema and of the wrappers' inner schemas, outermost first wins. */
function metaOf(schema: z.ZodType): Meta {
  return (z.globalRegistry.get(schema) as Meta | undefined) ?? {};
}

const LEAF_KEYS = ['type', 'enum', 'format', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'minItems', 'maxItems'] as const;
/** zod writes JavaScript's safe-integer range for every int; a CRD needs no such bound. */
const SAFE_INT = Number.MAX_SAFE_INTEGER;

/** Reads the value constraints of a leaf (string, number, enum...) through zod's JSON Schema output. */
function leafConstraints(schema: z.ZodType): JsonSchema {
  const raw = z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' }) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of LEAF_KEYS) if (raw[key] !== undefined) out[key] = raw[key];
  if (raw.const !== undefined) out.enum = [raw.const];
  if (typeof raw.exclusiveMinimum === 'number') {
    out.minimum = raw.exclusiveMinimum;
    out.exclusiveMinimum = true;
  }
  if (typeof raw.exclusiveMaximum === 'number') {
    out.maximum = raw.exclusiveMaximum;
    out.exclusiveMaximum = true;
  }
  if (out.minimum === -SAFE_INT) delete out.minimum;
  if (out.maximum === SAFE_INT) delete out.maximum;
  if (out.format === 'url') out.format = 'uri';
  // A format that Kubernetes validates makes zod's pattern for it redundant.
  if (out.format === 'uuid' || out.format === 'uri') delete out.pattern;
  return out as JsonSchema;
}

function withDescription(schema: JsonSchema, description: unknown): JsonSchema {
  if (typeof description !== 'string') return schema;
  const { description: _old, ...rest } = schema;
  return { description, ...rest };
}

function applyExtensions(schema: JsonSchema, meta: Meta): JsonSchema {
  const out: JsonSchema = { ...schema };
  for (const [key, value] of Object.entries(meta)) {
    if (key === CEL_META) out['x-kubernetes-validations'] = value as JsonSchema['x-kubernetes-validations'];
    else if (key.startsWith('x-kubernetes-')) (out as Record<string, unknown>)[key] = value;
    else if (key === 'format') out.format = value as string;
  }
  return out;
}

interface Field {
  schema: JsonSchema;
  optional: boolean;
}

/** Converts one zod node; wrappers (optional, default) report whether the field may be absent. */
function convert(schema: z.ZodType, inherited: Meta = {}): Field {
  const meta = { ...metaOf(schema), ...inherited };
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  const inner = def.innerType as z.ZodType | undefined;
  switch (def.type) {
    case 'optional':
      return { schema: convert(inner!, meta).schema, optional: true };
    case 'default': {
      const value = typeof def.defaultValue === 'function' ? (def.defaultValue as () => unknown)() : def.defaultValue;
      return { schema: { ...convert(inner!, meta).schema, default: structuredClone(value) }, optional: true };
    }
    default:
      break;
  }
  const model = meta[K8S_MODEL_META] as K8sModel | undefined;
  let out: JsonSchema;
  if (model) {
    out = k8sModelSchema(model);
  } else if (meta['x-kubernetes-int-or-string']) {
    const pattern = leafConstraints(((def.options as z.ZodType[]) ?? []).find((o) => o._zod.def.type === 'string') ?? z.string()).pattern;
    out = { anyOf: [{ type: 'integer' }, { type: 'string' }], ...(pattern ? { pattern } : {}) };
  } else {
    out = convertNode(schema, def);
  }
  const { [K8S_MODEL_META]: _model, description, ...rest } = meta;
  return { schema: withDescription(applyExtensions(out, rest), description), optional: false };
}

function convertNode(schema: z.ZodType, def: Record<string, unknown> & { type: string }): JsonSchema {
  switch (def.type) {
    case 'object': {
      const shape = (def.shape ?? {}) as Record<string, z.ZodType>;
      const properties: Record<string, JsonSchema> = {};
      const required: string[] = [];
      for (const [key, child] of Object.entries(shape)) {
        const field = convert(child);
        properties[key] = field.schema;
        if (!field.optional) required.push(key);
      }
      return { type: 'object', properties, ...(required.length > 0 ? { required } : {}) };
    }
    case 'record': {
      const values = def.valueType as z.ZodType;
      if (values._zod.def.type === 'unknown') return { type: 'object' };
      return { type: 'object', additionalProperties: convert(values).schema };
    }
    case 'array': {
      const { minItems, maxItems } = leafConstraints(schema);
      return {
        type: 'array',
        items: convert(def.element as z.ZodType).schema,
        ...(minItems !== undefined ? { minItems } : {}),
        ...(maxItems !== undefined ? { maxItems } : {}),
      };
    }
    case 'string':
    case 'number':
    case 'boolean':
    case 'enum':
    case 'literal':
      return leafConstraints(schema);
    default:
      throw new Error(`the CRD generator cannot express a zod ${def.type} node`);
  }
}

export function openApiV3Schema(): JsonSchema {
  const spec = convert(mcpServerSpecSchema).schema;
  const status = convert(mcpServerStatusSchema).schema;
  const nameRule = convert((mcpServerSchema.shape.metadata.shape as { name: z.ZodType }).name).schema;
  return {
    description: metaOf(mcpServerSchema).description as string,
    type: 'object',
    properties: {
      apiVersion: {
        description: 'APIVersion defines the versioned schema of this representation of an object.',
        type: 'string',
      },
      kind: { description: 'Kind is a string value representing the REST resource this object represents.', type: 'string' },
      metadata: {
        type: 'object',
        properties: { name: { type: 'string', maxLength: nameRule.maxLength, pattern: nameRule.pattern } },
      },
      spec,
      status,
    },
    required: ['spec'],
  };
}

export const PRINTER_COLUMNS = [
  { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status', description: 'Whether the server is deployed, available and verified over MCP.' },
  { name: 'Replicas', type: 'integer', jsonPath: '.status.readyReplicas', description: 'Ready pods.' },
  { name: 'Tools', type: 'integer', jsonPath: '.status.toolCount', description: 'Tools the server offers.' },
  { name: 'URL', type: 'string', jsonPath: '.status.url', description: 'In-cluster MCP endpoint.' },
  { name: 'Catalog', type: 'string', jsonPath: '.spec.catalog', priority: 1, description: 'Catalog server.' },
  { name: 'Reason', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].reason', priority: 1, description: 'Why the server is (not) ready.' },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
] as const;

export function buildCrd(): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: CRD_NAME,
      labels: { 'app.kubernetes.io/name': 'mcpfleet', 'app.kubernetes.io/part-of': 'mcpfleet' },
    },
    spec: {
      group: GROUP,
      names: { kind: KIND, listKind: LIST_KIND, plural: PLURAL, singular: SINGULAR, shortNames: [...SHORT_NAMES], categories: [...CATEGORIES] },
      scope: 'Namespaced',
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: openApiV3Schema() },
          subresources: {
            status: {},
            scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' },
          },
          additionalPrinterColumns: PRINTER_COLUMNS.map((c) => ({ ...c })),
        },
      ],
    },
  };
}
