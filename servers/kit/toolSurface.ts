// The tool surface as pinning sees it: one digest per tool and one for the whole surface, the
// single definition shared by the operator's verifier (which records them in status) and every
// enforcement point (the kit, the proxy, the stdio bridge), so an approved digest means the same
// thing everywhere. A tool's digest covers everything a client or a model reads about it (name,
// title, description, input and output schema, annotations) as the SERVER declares it, before
// spec.tools overrides rename or re-describe it: the overrides are the operator's own
// presentation (a spec change, reviewed like any other), what is pinned is what the server says.
// Pure: canonical JSON (keys sorted) under SHA-256; node:crypto only, so the operator can ship it.
import { createHash } from 'node:crypto';

export interface DescribedTool {
  name: string;
  title?: string | undefined;
  description?: string | undefined;
  inputSchema?: unknown;
  outputSchema?: unknown;
  annotations?: object | undefined;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/** Digests by tool object: the kit's declared tools are digested once, not on every tools/list. */
const digested = new WeakMap<DescribedTool, string>();

export function toolDigest(tool: DescribedTool): string {
  const known = digested.get(tool);
  if (known !== undefined) return known;
  const { name, title, description, inputSchema, outputSchema, annotations } = tool;
  const digest = sha256(JSON.stringify(canonical({ name, title, description, inputSchema, outputSchema, annotations })));
  digested.set(tool, digest);
  return digest;
}

/** One digest for the surface: every tool name with its digest, in name order. */
export function surfaceDigest(digests: Readonly<Record<string, string>>): string {
  return sha256(
    Object.keys(digests)
      .sort()
      .map((name) => `${name}=${digests[name]}`)
      .join('\n'),
  );
}

/**
 * tools/list results carry, under this _meta key, how many tools the server offered and how many
 * the tool policy exposed and, when the policy rewrites tools or pinning is enforced, the digest
 * of every tool the policy lets through (keyed by the server's own names, before overrides) and
 * which of them are withheld as unapproved. The operator's verifier records these; the names of
 * tools hidden by allow/deny lists are never included. Enforcement points replace whatever an
 * upstream put under this key, so a server cannot report its own digests.
 */
export const TOOL_SURFACE_META_KEY = 'mcpfleet.dev/toolSurface';

export interface ToolSurfaceMeta {
  offered: number;
  exposed: number;
  /** Digest per tool the policy lets through (server names), withheld ones included. */
  digests?: Record<string, string>;
  /** Server names of the tools withheld by pinning enforcement (listed in `digests`). */
  withheld?: string[];
}

export function withSurfaceMeta<T extends { _meta?: Record<string, unknown> | undefined }>(result: T, surface: ToolSurfaceMeta): T {
  return { ...result, _meta: { ...(result._meta ?? {}), [TOOL_SURFACE_META_KEY]: surface } };
}

/** The same result without an upstream's own surface report (only enforcement points write it). */
export function withoutSurfaceMeta<T extends { _meta?: Record<string, unknown> | undefined }>(result: T): T {
  if (!result._meta || !Object.hasOwn(result._meta, TOOL_SURFACE_META_KEY)) return result;
  const { [TOOL_SURFACE_META_KEY]: _dropped, ...rest } = result._meta;
  return { ...result, _meta: rest };
}
