// Schema building blocks for tool definitions that stay portable once turned into JSON Schema.
// zod writes `.nullable()` and unions of primitives as `"type": [...]` arrays, which the MCP
// Inspector flags as non-portable (several clients and LLM tool APIs accept only one type per
// schema); a union with the literal null becomes `anyOf`, which every client reads.
import { z } from 'zod';

/** `schema` or null, as `anyOf: [<schema>, {type: "null"}]`. */
export function orNull<T extends z.ZodType>(schema: T) {
  return z.union([schema, z.literal(null)]);
}
