// The CRD dialect of JSON Schema (apiextensions.k8s.io/v1 JSONSchemaProps) as plain data, and a
// converter that turns such a schema into a zod validator. The converter lets the McpServer API
// embed full Kubernetes types (generated from @kubernetes/client-node's models) while zod stays
// the one place that validates a manifest.
import { z } from 'zod';

export interface JsonSchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  not?: JsonSchema;
  nullable?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-validations'?: { rule: string; message?: string; messageExpression?: string; fieldPath?: string; reason?: string }[];
  [extension: `x-${string}`]: unknown;
}

function describe<T extends z.ZodType>(schema: T, source: JsonSchema): T {
  return source.description ? schema.describe(source.description) : schema;
}

function intOrString(source: JsonSchema): z.ZodType {
  const pattern = source.pattern ? new RegExp(source.pattern) : undefined;
  const text = pattern
    ? z.string().regex(pattern, { message: 'must be a Kubernetes quantity such as 500m, 128Mi or 2' })
    : z.string();
  return z.union([z.number().int(), text]);
}

/**
 * Builds a zod schema that accepts exactly what the structural schema accepts (types, required
 * fields, patterns, enums, bounds) and rejects unknown fields, which kube-apiserver would prune.
 */
export function zodFromJsonSchema(source: JsonSchema): z.ZodType {
  if (source['x-kubernetes-int-or-string']) return describe(intOrString(source), source);
  if (source['x-kubernetes-preserve-unknown-fields'] && !source.properties) {
    return describe(z.record(z.string(), z.unknown()), source);
  }
  switch (source.type) {
    case 'object': {
      if (source.properties) {
        const required = new Set(source.required ?? []);
        const shape: Record<string, z.ZodType> = {};
        for (const [key, child] of Object.entries(source.properties)) {
          const field = zodFromJsonSchema(child);
          shape[key] = required.has(key) ? field : field.optional();
        }
        return describe(z.strictObject(shape), source);
      }
      const values =
        typeof source.additionalProperties === 'object' ? zodFromJsonSchema(source.additionalProperties) : z.unknown();
      return describe(z.record(z.string(), values), source);
    }
    case 'array':
      return describe(z.array(source.items ? zodFromJsonSchema(source.items) : z.unknown()), source);
    case 'string': {
      if (source.enum) return describe(z.enum(source.enum as [string, ...string[]]), source);
      let text = z.string();
      if (source.pattern) text = text.regex(new RegExp(source.pattern));
      if (source.minLength !== undefined) text = text.min(source.minLength);
      if (source.maxLength !== undefined) text = text.max(source.maxLength);
      return describe(text, source);
    }
    case 'integer':
    case 'number': {
      let num = source.type === 'integer' ? z.number().int() : z.number();
      if (source.minimum !== undefined) num = num.min(source.minimum);
      if (source.maximum !== undefined) num = num.max(source.maximum);
      return describe(num, source);
    }
    case 'boolean':
      return describe(z.boolean(), source);
    default:
      throw new Error(`cannot convert a schema without a type: ${JSON.stringify(source).slice(0, 200)}`);
  }
}
