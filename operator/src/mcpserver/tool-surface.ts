// Drift of the pinned tool surface: what was verified against what was approved (or adopted).
// The digests themselves are servers/kit/toolSurface.ts, shared with every enforcement point.
import { MAX_STATUS_TOOLS, type VerificationResult } from './verification.ts';

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

/** The condition message; `withheld`: the tools pinning enforcement keeps from clients until approved. */
export function describeDrift(drift: SurfaceDrift, withheld: readonly string[] = []): string {
  const parts = [
    drift.added.length > 0 ? `added ${drift.added.join(', ')}` : '',
    drift.removed.length > 0 ? `removed ${drift.removed.join(', ')}` : '',
    drift.changed.length > 0 ? `changed ${drift.changed.join(', ')}` : '',
  ].filter(Boolean);
  const held = withheld.length > 0 ? `; withheld from clients until approved: ${withheld.join(', ')}` : '';
  return `the tool surface changed since it was approved: ${parts.join('; ')}${held}; review it and approve the new digests (status.toolSurface.tools) in spec.tools.pinning.approved`;
}

/** How many tools pinning would have to record: the kit's own report when it gave one, else what was listed. */
export function pinnableTools(v: Extract<VerificationResult, { server: object }>): number {
  return v.surface ? Object.keys(v.surface).length : v.tools.length;
}

/** The condition message when the surface has more tools than status records digests for. */
export function describeTooLarge(unpinned: number): string {
  return `pinning records the digests of the first ${MAX_STATUS_TOOLS} tools only; ${unpinned} more are not pinned (in enforce mode they stay withheld until their digests are approved in spec.tools.pinning.approved); deny tools you do not need with spec.tools.deny to bring the surface within ${MAX_STATUS_TOOLS}`;
}
