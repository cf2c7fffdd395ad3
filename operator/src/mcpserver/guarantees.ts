// No silent downgrade: every security- or limit-related field, for each kind of server, is either
// enforced by what the operator deploys or refused here (Accepted=False, nothing applied, the last
// accepted configuration keeps running). The table is the single source of truth; a test walks
// every field against every kind and checks the rendered pods really carry the enforcement.
import type { McpServer } from '../api/mcpserver.ts';
import { OPERATOR_RENDERED_ENV } from '../api/reserved-env.ts';
import type { TelemetryDefaults } from './context.ts';
import { serverKind, type ServerKind } from './runtime.ts';
import { tracingProblem } from './telemetry.ts';

export const SERVER_KINDS: readonly ServerKind[] = ['catalog', 'image-http', 'image-stdio'];

const KIND_NAMES: Record<ServerKind, string> = {
  catalog: 'catalog servers',
  'image-http': 'image servers speaking streamable-http (they run behind the kit proxy)',
  'image-stdio': 'image servers speaking stdio (they run inside the stdio bridge)',
};

export interface Guarantee {
  /** The spec field, as users write it. */
  field: string;
  /** Whether the spec sets the field. */
  isSet(server: McpServer): boolean;
  /** Kinds for which the field is refused, with the reason. Every other kind enforces it. */
  refusedFor: Partial<Record<ServerKind, string>>;
}

const UPSTREAM_IS_THE_KIT = 'only an image server has a program of its own behind the kit; the kit is the server here';
const CACHE_NEEDS_KIT_TOOLS = 'the result cache needs tools the kit runs itself, so it can tell which are read-only';

export const GUARANTEES: readonly Guarantee[] = [
  { field: 'spec.auth.apiKeySecretRef', isSet: (s) => s.spec.auth?.apiKeySecretRef !== undefined, refusedFor: {} },
  { field: 'spec.auth.oauth', isSet: (s) => s.spec.auth?.oauth !== undefined, refusedFor: {} },
  { field: 'spec.rateLimit', isSet: (s) => s.spec.rateLimit !== undefined, refusedFor: {} },
  {
    field: 'spec.cache',
    isSet: (s) => s.spec.cache !== undefined,
    refusedFor: { 'image-http': CACHE_NEEDS_KIT_TOOLS, 'image-stdio': CACHE_NEEDS_KIT_TOOLS },
  },
  { field: 'spec.allowedHosts', isSet: (s) => (s.spec.allowedHosts?.length ?? 0) > 0, refusedFor: {} },
  { field: 'spec.allowedOrigins', isSet: (s) => (s.spec.allowedOrigins?.length ?? 0) > 0, refusedFor: {} },
  { field: 'spec.tools', isSet: (s) => s.spec.tools !== undefined, refusedFor: {} },
  { field: 'spec.telemetry.tracing', isSet: (s) => s.spec.telemetry?.tracing !== undefined, refusedFor: {} },
  {
    field: 'spec.telemetry.tracing.upstream',
    isSet: (s) => s.spec.telemetry?.tracing?.upstream === true,
    // Behind the proxy: the image's container gets OTEL_*; inside the bridge: BRIDGE_TRACE_CHILDREN
    // passes the bridge's to the wrapped command (servers/stdio-bridge/config.ts).
    refusedFor: { catalog: UPSTREAM_IS_THE_KIT },
  },
  // The kit, the proxy and the stdio bridge all withhold unapproved tools (servers/kit/toolPinning.ts).
  { field: 'spec.tools.pinning.mode: enforce', isSet: (s) => s.spec.tools?.pinning?.mode === 'enforce', refusedFor: {} },
  {
    field: 'spec.transport.type: stdio',
    isSet: (s) => s.spec.transport.type === 'stdio',
    refusedFor: { catalog: 'catalog servers serve Streamable HTTP themselves; stdio is for image servers (their command runs inside the stdio bridge)' },
  },
  {
    field: 'spec.command',
    isSet: (s) => s.spec.command !== undefined,
    refusedFor: { catalog: 'a catalog server runs the servers image entry point; use spec.config for its settings' },
  },
  {
    field: 'spec.args',
    isSet: (s) => s.spec.args !== undefined,
    refusedFor: { catalog: 'a catalog server runs the servers image entry point; use spec.config for its settings' },
  },
];

/** Problems that are not per kind: settings the kit would refuse at start-up. */
function crossFieldProblems(server: McpServer, telemetry: TelemetryDefaults | undefined): string[] {
  const problems: string[] = [];
  const tracing = tracingProblem(server, telemetry);
  if (tracing !== undefined) problems.push(tracing);
  // The stdio-bridge catalog server forwards to its own processes, like an image: no kit tools to cache.
  if (server.spec.catalog === 'stdio-bridge' && server.spec.cache !== undefined) problems.push(`spec.cache is not enforced for the stdio-bridge catalog server (${CACHE_NEEDS_KIT_TOOLS}); remove it`);
  const renamed = Object.values(server.spec.tools?.overrides ?? {}).flatMap((o) => (o.name !== undefined ? [o.name] : []));
  const duplicate = renamed.find((name, i) => renamed.indexOf(name) !== i);
  if (serverKind(server) === 'image-stdio') {
    // spec.env reaches the bridge's own environment there: it must not replace the kit settings.
    (server.spec.env ?? []).forEach((variable, i) => {
      const owner = Object.hasOwn(OPERATOR_RENDERED_ENV, variable.name)
        ? OPERATOR_RENDERED_ENV[variable.name]
        : variable.name === 'BRIDGE_TRACE_CHILDREN'
          ? 'spec.telemetry.tracing.upstream'
          : variable.name.startsWith('BRIDGE_')
            ? 'spec.command and spec.args'
            : undefined;
      if (owner) problems.push(`spec.env[${i}].name: ${variable.name} is set by ${owner}; set it there instead of in spec.env`);
    });
  }
  // The verifier cannot list an OAuth-protected server's tools, so nothing would ever be adopted:
  // every tool would stay withheld. Enforcing needs the approved digests in the spec there.
  if (server.spec.tools?.pinning?.mode === 'enforce' && server.spec.auth?.oauth && !server.spec.tools.pinning.approved) {
    problems.push('spec.tools.pinning.mode enforce on an OAuth-protected server needs spec.tools.pinning.approved: the operator cannot list its tools to adopt a first surface');
  }
  if (duplicate !== undefined) problems.push(`spec.tools.overrides: two tools are renamed to "${duplicate}"; each exposed name must be unique`);
  return problems;
}

/**
 * Fields this server sets that would not be enforced for its kind (or with the operator's
 * telemetry defaults), as messages saying so.
 */
export function unenforcedFields(server: McpServer, telemetry?: TelemetryDefaults): string[] {
  const kind = serverKind(server);
  const problems = GUARANTEES.flatMap((g) => {
    const reason = g.refusedFor[kind];
    return reason !== undefined && g.isSet(server) ? [`${g.field} is not enforced for ${KIND_NAMES[kind]}: ${reason}; remove it`] : [];
  });
  return [...problems, ...crossFieldProblems(server, telemetry)];
}
