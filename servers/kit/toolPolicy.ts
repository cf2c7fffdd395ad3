// Tool policy (TOOL_POLICY, rendered by the operator from spec.tools): which tools a client may
// see and call, and how they are presented. Pure functions shared by every place that answers
// tools/list and tools/call: the kit's own tools, the stdio bridge and the proxy in front of an
// image. A hidden tool is absent from tools/list and unknown to tools/call, also by its old name.
import { z } from 'zod';
import { ConfigError } from './env.ts';

/** MCP tool names are at most 128 characters; patterns are held to the same bound. */
const MAX_NAME = 128;
const toolName = z.string().min(1).max(MAX_NAME);

const overrideSchema = z.strictObject({
  name: toolName.regex(/^[A-Za-z0-9_.-]+$/, 'must use only A-Z a-z 0-9 _ . -').optional(),
  title: z.string().max(256).optional(),
  description: z.string().max(8192).optional(),
  annotations: z.record(z.string(), z.unknown()).optional(),
});

const policySchema = z.strictObject({
  allow: z.array(toolName).max(256).optional(),
  deny: z.array(toolName).max(256).optional(),
  overrides: z.record(toolName, overrideSchema).optional(),
});

export type ToolOverride = z.output<typeof overrideSchema>;
export type ToolPolicy = z.output<typeof policySchema>;

export const OPEN_POLICY: ToolPolicy = {};

/** Parses TOOL_POLICY (JSON); unset means every tool is exposed as the server declares it. */
export function parseToolPolicy(text: string | undefined): ToolPolicy {
  if (text === undefined || text.trim() === '') return OPEN_POLICY;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ConfigError('TOOL_POLICY: must be JSON such as {"deny":["delete_*"]}');
  }
  const parsed = policySchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`TOOL_POLICY: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(policy)'}: ${i.message}`).join('; ')}`);
  const renamed = Object.entries(parsed.data.overrides ?? {}).filter(([, o]) => o.name !== undefined);
  const targets = new Set(renamed.map(([, o]) => o.name));
  if (targets.size !== renamed.length) throw new ConfigError('TOOL_POLICY: two overrides rename tools to the same name');
  return parsed.data;
}

/**
 * Glob match with `*` (any run of characters) and `?` (one character), linear in practice and
 * never worse than O(name × pattern): the classic two-pointer wildcard walk, no regular
 * expression, so a hostile pattern cannot make a request backtrack.
 */
export function globMatch(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let star = -1;
  let resume = 0;
  while (n < name.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === name[n])) {
      p++;
      n++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      resume = n;
    } else if (star >= 0) {
      p = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/** Whether the upstream tool `name` is exposed: allowed (no allow list means all) and not denied. */
export function isExposed(policy: ToolPolicy, name: string): boolean {
  if (policy.allow && !policy.allow.some((pattern) => globMatch(pattern, name))) return false;
  return !(policy.deny ?? []).some((pattern) => globMatch(pattern, name));
}

/** The name clients see for upstream tool `name`. */
export function exposedName(policy: ToolPolicy, name: string): string {
  return overrideFor(policy, name)?.name ?? name;
}

function overrideFor(policy: ToolPolicy, name: string): ToolOverride | undefined {
  return policy.overrides && Object.hasOwn(policy.overrides, name) ? policy.overrides[name] : undefined;
}

/** A tool description as it travels in tools/list (only the fields the policy touches are typed). */
export interface ListedTool {
  name: string;
  title?: string | undefined;
  description?: string | undefined;
  annotations?: object | undefined;
}

/** The exposed tools, renamed and re-described; `hidden` (extra upstream names) are dropped too. */
export function applyToolPolicy<T extends ListedTool>(policy: ToolPolicy, tools: readonly T[], hidden: ReadonlySet<string> = new Set()): T[] {
  const out: T[] = [];
  for (const tool of tools) {
    if (!isExposed(policy, tool.name) || hidden.has(tool.name)) continue;
    const override = overrideFor(policy, tool.name);
    if (!override) {
      out.push(tool);
      continue;
    }
    const annotations = override.annotations || (override.title !== undefined && tool.annotations)
      ? { ...(tool.annotations ?? {}), ...(override.annotations ?? {}), ...(override.title !== undefined && { title: override.title }) }
      : undefined;
    out.push({
      ...(tool as T),
      name: override.name ?? tool.name,
      ...(override.title !== undefined && { title: override.title }),
      ...(override.description !== undefined && { description: override.description }),
      ...(annotations && { annotations }),
    } as T);
  }
  return out;
}

/**
 * The upstream name a tools/call for `requested` goes to, or undefined when no exposed tool has
 * that name (a hidden tool, or a renamed tool called by its original name).
 */
export function resolveToolCall(policy: ToolPolicy, requested: string, hidden: ReadonlySet<string> = new Set()): string | undefined {
  for (const [upstream, override] of Object.entries(policy.overrides ?? {})) {
    if (override.name === requested) return isExposed(policy, upstream) && !hidden.has(upstream) ? upstream : undefined;
  }
  // The original name of a renamed tool is not callable: clients only know the new one.
  if (overrideFor(policy, requested)?.name !== undefined) return undefined;
  return isExposed(policy, requested) && !hidden.has(requested) ? requested : undefined;
}

/** Whether the policy changes anything (an open policy skips all rewriting). */
export function isOpenPolicy(policy: ToolPolicy): boolean {
  return policy.allow === undefined && (policy.deny?.length ?? 0) === 0 && Object.keys(policy.overrides ?? {}).length === 0;
}

/** The text of the tool error for a call to a tool that is not exposed. */
export function unknownToolMessage(name: string): string {
  return `Tool ${name} not found`;
}
