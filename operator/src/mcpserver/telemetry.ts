// spec.telemetry rendered as the standard OpenTelemetry variables the servers read (and nothing
// else): the OTLP/HTTP endpoint and protocol, the headers through valueFrom (the Secret's value
// never enters the pod spec), the service name, the sampler and the resource attributes that
// place each span in Kubernetes (namespace, pod via the downward API, deployment, container).
// Pure: a function of the McpServer and the operator's defaults.
import type { V1EnvVar } from '@kubernetes/client-node';
import type { McpServer } from '../api/mcpserver.ts';
import type { BuildContext, TelemetryDefaults } from './context.ts';
import type { ServerKind } from './runtime.ts';

export interface EffectiveTracing {
  endpoint: string;
  headersSecretRef?: { name: string; key: string };
  samplingRatio: number;
  serviceName: string;
  resourceAttributes: Record<string, string>;
  upstream: boolean;
}

/** Which process of the pod the variables are for: the kit (server, proxy or bridge) or the image behind the proxy. */
export type TracedProcess = { container: string; role: 'kit' | 'upstream' };

/** The downward-API variable k8s.pod.name is expanded from (Kubernetes expands $(VAR) of earlier entries). */
export const POD_NAME_ENV = 'MCPFLEET_POD_NAME';

/** The tracing settings in force (spec over the operator's defaults), or undefined when tracing is off. */
export function effectiveTracing(server: McpServer, defaults: TelemetryDefaults | undefined): EffectiveTracing | undefined {
  const spec = server.spec.telemetry?.tracing;
  if (spec?.enabled === false) return undefined;
  const endpoint = spec?.endpoint ?? defaults?.otlpEndpoint;
  if (endpoint === undefined) return undefined;
  return {
    endpoint,
    ...(spec?.headersSecretRef ? { headersSecretRef: spec.headersSecretRef } : {}),
    samplingRatio: spec?.samplingRatio ?? defaults?.samplingRatio ?? 1,
    serviceName: spec?.serviceName ?? server.metadata.name!,
    resourceAttributes: spec?.resourceAttributes ?? {},
    upstream: spec?.upstream ?? false,
  };
}

/** Why spec.telemetry.tracing cannot be enforced with these defaults, or undefined when it can. */
export function tracingProblem(server: McpServer, defaults: TelemetryDefaults | undefined): string | undefined {
  const spec = server.spec.telemetry?.tracing;
  if (spec === undefined || spec.enabled === false || effectiveTracing(server, defaults) !== undefined) return undefined;
  return 'spec.telemetry.tracing names no endpoint and the operator has no default (--telemetry-otlp-endpoint); set spec.telemetry.tracing.endpoint, or enabled: false';
}

/**
 * OTEL_RESOURCE_ATTRIBUTES: values percent-encoded (W3C baggage octets), which also turns a `$` in
 * a user's value into %24 so Kubernetes never expands it; only the pod name is a $(VAR) reference.
 */
function resourceAttributes(entries: [string, string][]): string {
  return [...entries.map(([key, value]) => `${key}=${encodeURIComponent(value)}`), `k8s.pod.name=$(${POD_NAME_ENV})`].join(',');
}

export function tracingEnv(server: McpServer, ctx: Pick<BuildContext, 'telemetry'>, kind: ServerKind, process: TracedProcess): V1EnvVar[] {
  const tracing = effectiveTracing(server, ctx.telemetry);
  if (!tracing) return [];
  const serviceName = process.role === 'upstream' ? `${tracing.serviceName}-upstream` : tracing.serviceName;
  const attributes: [string, string][] = [
    ...Object.entries(tracing.resourceAttributes).sort(([a], [b]) => a.localeCompare(b)),
    ['k8s.namespace.name', server.metadata.namespace ?? 'default'],
    ['k8s.deployment.name', server.metadata.name!],
    ['k8s.container.name', process.container],
    ['mcpfleet.server.kind', kind],
    ...(server.spec.catalog ? ([['mcpfleet.catalog', server.spec.catalog]] as [string, string][]) : []),
  ];
  return [
    { name: POD_NAME_ENV, valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: tracing.endpoint },
    { name: 'OTEL_EXPORTER_OTLP_PROTOCOL', value: 'http/protobuf' },
    ...(tracing.headersSecretRef ? [{ name: 'OTEL_EXPORTER_OTLP_HEADERS', valueFrom: { secretKeyRef: { name: tracing.headersSecretRef.name, key: tracing.headersSecretRef.key } } }] : []),
    { name: 'OTEL_SERVICE_NAME', value: serviceName },
    { name: 'OTEL_RESOURCE_ATTRIBUTES', value: resourceAttributes(attributes) },
    { name: 'OTEL_TRACES_SAMPLER', value: 'parentbased_traceidratio' },
    { name: 'OTEL_TRACES_SAMPLER_ARG', value: String(tracing.samplingRatio) },
  ];
}
