// stdio-bridge settings from the environment the operator renders (see servers/README.md), and
// the environment the stdio server processes get: the pod's, minus the kit's own listener
// settings and secrets (a child must not bind the kit's PORT or read its API keys).
import { z } from 'zod';
import { parseEnvWith } from '../kit/parseEnv.ts';
import type { StdioCommand } from './lib/types.ts';

export interface StdioBridgeConfig {
  command: StdioCommand;
  poolSize: number;
  maxInFlightPerProcess: number;
  maxQueued: number;
  requestTimeoutMs: number;
  startTimeoutMs: number;
}

const commandSchema = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array of strings, e.g. ["python3","-m","mcp_server_time"]' });
      return z.NEVER;
    }
  })
  .pipe(z.array(z.string({ error: 'must be a JSON array of strings' }).min(1, 'arguments must not be empty').max(4096), { error: 'must be a JSON array of strings' }).min(1, 'must name a program').max(256));

const schema = z.object({
  BRIDGE_COMMAND: commandSchema,
  BRIDGE_CWD: z.string().startsWith('/').optional(),
  BRIDGE_POOL_SIZE: z.coerce.number().int().min(1).max(16).default(2),
  BRIDGE_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(256).default(8),
  BRIDGE_MAX_QUEUED: z.coerce.number().int().min(0).max(10_000).default(64),
  BRIDGE_REQUEST_TIMEOUT: z.coerce.number().positive().max(3600).default(30),
  BRIDGE_START_TIMEOUT: z.coerce.number().positive().max(600).default(30),
  BRIDGE_TRACE_CHILDREN: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
});

/** Kit variables the stdio servers never see. */
const WITHHELD = /^(PORT|HOST|MCP_PATH|MCP_TRANSPORT|API_KEYS|API_KEYS_FILE|REDIS_URL|BRIDGE_.*|OAUTH_.*|RATE_LIMIT_.*|CACHE_.*|DYNAMODB_.*|ALLOWED_HOSTS|ALLOWED_ORIGINS|TOOL_POLICY|TOOL_BASELINE_FILE|UPSTREAM_.*)$/;

/** The bridge's own OpenTelemetry settings: the children get them only when asked to. */
const TRACING = /^OTEL_/;

/**
 * The children's environment. OTEL_* configure the bridge's tracing; the wrapped program gets
 * them only with BRIDGE_TRACE_CHILDREN=true (spec.telemetry.tracing.upstream), under its own
 * service name `<bridge's>-upstream`, as the image behind a proxy does. The bridge passes its
 * trace context to them in each call's _meta either way.
 */
export function childEnvironment(env: Record<string, string | undefined>): Record<string, string> {
  const traced = env.BRIDGE_TRACE_CHILDREN === 'true';
  const inherited = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && !WITHHELD.test(entry[0]) && (traced || !TRACING.test(entry[0]))),
  );
  if (traced && inherited.OTEL_SERVICE_NAME) inherited.OTEL_SERVICE_NAME = `${inherited.OTEL_SERVICE_NAME}-upstream`;
  // A catalog server of this image run as the child (mcpfleet-server <name>) must speak stdio.
  return { ...inherited, MCP_TRANSPORT: 'stdio' };
}

export function parseStdioBridgeConfig(env: Record<string, string | undefined>): StdioBridgeConfig {
  const parsed = parseEnvWith(schema, env, 'stdio-bridge');
  const [command, ...args] = parsed.BRIDGE_COMMAND;
  return {
    command: { command: command!, args, env: childEnvironment(env), cwd: parsed.BRIDGE_CWD },
    poolSize: parsed.BRIDGE_POOL_SIZE,
    maxInFlightPerProcess: parsed.BRIDGE_MAX_IN_FLIGHT,
    maxQueued: parsed.BRIDGE_MAX_QUEUED,
    requestTimeoutMs: Math.round(parsed.BRIDGE_REQUEST_TIMEOUT * 1000),
    startTimeoutMs: Math.round(parsed.BRIDGE_START_TIMEOUT * 1000),
  };
}
