// Validates McpServer objects with the zod API and turns zod's issues into messages a person
// can act on ("spec.autoscaling.hpa.minReplicas: minReplicas must be less than or equal to
// maxReplicas"). The operator reports these in the Accepted condition.
import type { z } from 'zod';
import { CATALOG, isCatalogName } from './catalog.ts';
import { mcpServerSchema, mcpServerSpecSchema, type McpServer, type McpServerSpec } from './mcpserver.ts';
import { reservedEnvProblems } from './reserved-env.ts';

export type Validation<T> = { ok: true; value: T } | { ok: false; problems: string[] };

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)), '');
}

function describeIssue(issue: z.core.$ZodIssue, prefix: string): string[] {
  const where = formatPath([...(prefix ? [prefix] : []), ...issue.path]);
  if (issue.code === 'invalid_union') {
    // Report the branch closest to the value instead of zod's generic "Invalid input".
    const branches = issue.errors.map((errs) => errs.map((e) => ({ ...e, path: [...issue.path, ...e.path] })));
    const best = branches.find((errs) => errs.every((e) => e.code !== 'invalid_type')) ?? branches[0] ?? [];
    if (best.length > 0) return best.flatMap((e) => describeIssue(e as z.core.$ZodIssue, prefix));
  }
  if (issue.code === 'unrecognized_keys') {
    return [`${where || '<root>'}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`];
  }
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
    return [`${where || '<root>'}: required field is missing`];
  }
  return [`${where || '<root>'}: ${issue.message}`];
}

export function formatZodError(error: z.ZodError, prefix = ''): string[] {
  return error.issues.flatMap((issue) => describeIssue(issue as z.core.$ZodIssue, prefix));
}

/** Validates spec.config against the selected catalog server's settings, and spec.env against what they render. */
export function validateCatalogConfig(spec: McpServerSpec): string[] {
  if (spec.catalog === undefined) {
    return spec.config !== undefined ? ['spec.config: only catalog servers take config; pass settings to an image with env or args'] : [];
  }
  if (!isCatalogName(spec.catalog)) return [`spec.catalog: unknown catalog server "${spec.catalog}"`];
  const result = CATALOG[spec.catalog].config.safeParse(spec.config ?? {});
  return result.success ? reservedEnvProblems(spec) : formatZodError(result.error, 'spec.config');
}

export function validateSpec(spec: unknown): Validation<McpServerSpec> {
  const result = mcpServerSpecSchema.safeParse(spec);
  if (!result.success) return { ok: false, problems: formatZodError(result.error, 'spec') };
  const configProblems = validateCatalogConfig(result.data);
  return configProblems.length > 0 ? { ok: false, problems: configProblems } : { ok: true, value: result.data };
}

/** Validates a whole McpServer object (as read from the API or a manifest file). */
export function validateMcpServer(object: unknown): Validation<McpServer> {
  const result = mcpServerSchema.safeParse(object);
  if (!result.success) return { ok: false, problems: formatZodError(result.error) };
  const configProblems = validateCatalogConfig(result.data.spec);
  return configProblems.length > 0 ? { ok: false, problems: configProblems } : { ok: true, value: result.data };
}
