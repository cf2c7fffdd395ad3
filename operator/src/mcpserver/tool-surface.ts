// The pinned tool surface: a digest per tool (name, title, description, input and output schema,
// annotations: everything a client or a model reads) and one for the whole surface, and the drift
// between what was verified and what was approved. Pure: canonical JSON (keys sorted) under SHA-256.
import { createHash } from 'node:crypto';

export interface DescribedTool {
  name: string;
  title?: string | undefined;
  description?: string | undefined;
  inputSchema?: unknown;
  outputSchema?: unknown;
  annotations?: unknown;
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

export function toolDigest(tool: DescribedTool): string {
  const { name, title, description, inputSchema, outputSchema, annotations } = tool;
  return sha256(JSON.stringify(canonical({ name, title, description, inputSchema, outputSchema, annotations })));
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

export interface SurfaceDrift {
  added: string[];
  removed: string[];
  changed: string[];
}

export function surfaceDrift(approved: Readonly<Record<string, string>>, verified: Readonly<Record<string, string>>): SurfaceDrift {
  const added = Object.keys(verified).filter((name) => !Object.hasOwn(approved, name)).sort();
  const removed = Object.keys(approved).filter((name) => !Object.hasOwn(verified, name)).sort();
  const changed = Object.keys(verified).filter((name) => Object.hasOwn(approved, name) && approved[name] !== verified[name]).sort();
  return { added, removed, changed };
}

export function hasDrift(drift: SurfaceDrift): boolean {
  return drift.added.length + drift.removed.length + drift.changed.length > 0;
}

export function describeDrift(drift: SurfaceDrift): string {
  const parts = [
    drift.added.length > 0 ? `added ${drift.added.join(', ')}` : '',
    drift.removed.length > 0 ? `removed ${drift.removed.join(', ')}` : '',
    drift.changed.length > 0 ? `changed ${drift.changed.join(', ')}` : '',
  ].filter(Boolean);
  return `the tool surface changed since it was approved: ${parts.join('; ')}; review it and approve the new digests (status.toolSurface.tools) in spec.tools.pinning.approved`;
}
