// Full Kubernetes types for the McpServer API. Their schemas are generated from
// @kubernetes/client-node's models by `npm run gen` (hack/gen/k8s-schemas.ts); here they become
// zod validators typed with the library's own TypeScript classes.
import type { z } from 'zod';
import generated from './generated/k8s-schemas.json' with { type: 'json' };
import { zodFromJsonSchema, type JsonSchema } from './json-schema.ts';
import type { K8sModel } from './k8s-models.ts';



/** Metadata key that tells the CRD generator to inline the generated schema of a model. */
export const K8S_MODEL_META = 'x-mcpfleet-k8s-model';

const schemas = generated as unknown as Record<K8sModel, JsonSchema>;

export function k8sModelSchema(model: K8sModel): JsonSchema {
  const schema = schemas[model];
  if (!schema) throw new Error(`k8s-schemas.json lacks ${model}; run npm run gen`);
  return schema;
}

/** A zod validator for one Kubernetes type, typed as client-node's class. */
export function k8sType<T>(model: K8sModel): z.ZodType<T> {
  const schema = zodFromJsonSchema(k8sModelSchema(model)) as unknown as z.ZodType<T>;
  return schema.meta({ [K8S_MODEL_META]: model });
}

