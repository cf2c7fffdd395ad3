// Pinning enforcement (spec.tools.pinning.mode: enforce), shared by the kit, the proxy and the stdio
// bridge: a tool whose digest (servers/kit/toolSurface.ts) is not the approved one is withheld —
// not listed, and a call to it is refused with a clear MCP error — until its digest is approved.
// Removed tools simply are not there; unchanged approved tools keep working. The policing of a
// listing is pure; UpstreamSurface remembers what an upstream (a proxied image, a stdio process)
// currently offers, so calls are checked against a listing no older than `maxAgeMs`.
import type { ApprovedDigests, BaselineSource } from './toolBaseline.ts';
import type { ListedTool, ToolPolicy } from './toolPolicy.ts';
import { applyToolPolicy, isExposed, isOpenPolicy } from './toolPolicy.ts';
import type { DescribedTool, ToolSurfaceMeta } from './toolSurface.ts';
import { toolDigest } from './toolSurface.ts';

/** The enforcement settings of one server: undefined when pinning is not enforced. */
export type Enforcement = BaselineSource | undefined;

export function isApproved(approved: ApprovedDigests | undefined, name: string, digest: string | undefined): boolean {
  return approved !== undefined && digest !== undefined && Object.hasOwn(approved, name) && approved[name] === digest;
}

export interface PolicedList<T> {
  tools: T[];
  surface: ToolSurfaceMeta;
}

/**
 * What clients see of a listing: the policy's allow/deny first (denied tools are neither digested
 * nor reported), then, when enforcing, unapproved tools withheld, then the overrides.
 */
export function policeToolList<T extends ListedTool & DescribedTool>(policy: ToolPolicy, tools: readonly T[], enforcement: Enforcement): PolicedList<T> {
  const digests: Record<string, string> = {};
  for (const tool of tools) if (isExposed(policy, tool.name)) digests[tool.name] = toolDigest(tool);
  const approved = enforcement?.approved();
  const withheld = enforcement ? Object.keys(digests).filter((name) => !isApproved(approved, name, digests[name])) : [];
  const exposed = applyToolPolicy(policy, tools, new Set(withheld));
  return { tools: exposed, surface: { offered: tools.length, exposed: exposed.length, digests, withheld } };
}

/** Whether listings need policing at all (an open policy without enforcement passes them through). */
export function policesListings(policy: ToolPolicy, enforcement: Enforcement): boolean {
  return enforcement !== undefined || !isOpenPolicy(policy);
}

/** The text of the tool error for a call to a withheld tool (the exposed name the client used). */
export function withheldToolMessage(name: string): string {
  return `Tool ${name} is withheld: its current definition has not been approved (spec.tools.pinning.approved); it is exposed again once its digest is approved`;
}

/** Most tools/list pages an enforcement point reads from its upstream (bounds a misbehaving one). */
export const MAX_LIST_PAGES = 20;

export const DEFAULT_SURFACE_MAX_AGE_MS = 5_000;

/** Every page of an upstream's tools/list, at most MAX_LIST_PAGES of them. */
export async function listAllTools(listPage: (cursor: string | undefined) => Promise<{ tools: DescribedTool[]; nextCursor?: string | undefined }>): Promise<DescribedTool[]> {
  const tools: DescribedTool[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_LIST_PAGES; page++) {
    const result = await listPage(cursor);
    tools.push(...result.tools);
    cursor = result.nextCursor;
    if (!cursor) return tools;
  }
  throw new Error(`the upstream's tools/list did not end within ${MAX_LIST_PAGES} pages`);
}

/**
 * What an upstream offers, by tool name → digest. Calls are decided on a listing at most
 * `maxAgeMs` old: an older one is refreshed first (one refresh at a time, shared by every caller),
 * so a tool that changed under the proxy (its container restarted with a new version) is caught
 * within that bound. A failed refresh forgets the surface: calls are refused until one succeeds.
 */
export class UpstreamSurface {
  private digests: Map<string, string> | undefined;
  private listedAt = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | undefined;
  private readonly list: () => Promise<DescribedTool[]>;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(list: () => Promise<DescribedTool[]>, options: { maxAgeMs?: number; now?: () => number } = {}) {
    this.list = list;
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_SURFACE_MAX_AGE_MS;
    this.now = options.now ?? Date.now;
  }

  /** A page of tools a client just listed through the enforcement point: newer knowledge of those tools. */
  observe(tools: readonly DescribedTool[]): void {
    if (!this.digests) return; // Until a full listing, nothing is known well enough to allow a call.
    for (const tool of tools) this.digests.set(tool.name, toolDigest(tool));
  }

  /** The current digest of upstream tool `name`; undefined when it is not offered or the upstream cannot be listed. */
  async digestOf(name: string): Promise<string | undefined> {
    if (this.now() - this.listedAt > this.maxAgeMs) await this.refresh();
    return this.digests?.get(name);
  }

  private refresh(): Promise<void> {
    this.refreshing ??= this.list()
      .then(
        (tools) => {
          this.digests = new Map(tools.map((tool) => [tool.name, toolDigest(tool)]));
          this.listedAt = this.now();
        },
        () => {
          this.digests = undefined;
          this.listedAt = Number.NEGATIVE_INFINITY;
        },
      )
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }
}

/** Enforcement at a forwarding point (the proxy, the stdio bridge): the approved digests and what the upstream offers now. */
export interface ForwardingGuard {
  enforcement: BaselineSource;
  surface: UpstreamSurface;
}

/**
 * Whether a call to upstream tool `upstream` may be forwarded: its current digest is approved.
 * An upstream that cannot be listed, or a tool it no longer offers, fails closed.
 */
export async function mayForward(guard: ForwardingGuard, upstream: string): Promise<boolean> {
  const digest = await guard.surface.digestOf(upstream);
  return isApproved(guard.enforcement.approved(), upstream, digest);
}
