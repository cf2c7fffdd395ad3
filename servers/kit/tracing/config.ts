// Tracing settings from the standard OpenTelemetry variables only (the operator renders them from
// spec.telemetry), parsed purely so a bad value is one clear ConfigError at start-up. Tracing is
// off unless an OTLP endpoint is set or OTEL_TRACES_EXPORTER asks for it: no exporter, no network.
import { parseKeyPairsIntoRecord } from '@opentelemetry/core';
import { z } from 'zod';
import { ConfigError } from '../env.ts';
import { parseEnvWith } from '../parseEnv.ts';

export type SamplerName = 'always_on' | 'always_off' | 'traceidratio' | 'parentbased_always_on' | 'parentbased_always_off' | 'parentbased_traceidratio';

export interface EnabledTracingConfig {
  enabled: true;
  /** Full URL of the traces endpoint, e.g. http://collector:4318/v1/traces. */
  url: string;
  protocol: 'http/protobuf' | 'http/json';
  headers: Record<string, string>;
  /** Deadline of one export request. */
  exportTimeoutMs: number;
  sampler: { name: SamplerName; ratio: number };
  /** OTEL_SERVICE_NAME, when set (it wins over the caller's default). */
  serviceName: string | undefined;
  resourceAttributes: Record<string, string>;
  batch: { maxQueueSize: number; maxExportBatchSize: number; scheduledDelayMs: number };
}

export type TracingConfig = { enabled: false; reason: string } | EnabledTracingConfig;

/** The OTLP/HTTP default when OTEL_TRACES_EXPORTER=otlp names no endpoint. */
export const DEFAULT_OTLP_TRACES_URL = 'http://localhost:4318/v1/traces';

const SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;
const httpUrl = z.string().regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL, e.g. http://otel-collector:4318');
const protocol = z.enum(['http/protobuf', 'http/json', 'grpc']).optional();
const positive = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const schema = z.object({
  OTEL_SDK_DISABLED: z.enum(['true', 'false', 'TRUE', 'FALSE', 'True', 'False']).optional(),
  OTEL_TRACES_EXPORTER: z.string().optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl.optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl.optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: protocol,
  OTEL_EXPORTER_OTLP_HEADERS: z.string().optional(),
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: z.string().optional(),
  OTEL_EXPORTER_OTLP_TIMEOUT: positive(10_000),
  OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: z.coerce.number().int().positive().optional(),
  OTEL_SERVICE_NAME: z.string().optional(),
  OTEL_RESOURCE_ATTRIBUTES: z.string().optional(),
  OTEL_TRACES_SAMPLER: z.enum(SAMPLERS).default('parentbased_always_on'),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).optional(),
  OTEL_BSP_MAX_QUEUE_SIZE: positive(2048),
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: positive(512),
  OTEL_BSP_SCHEDULE_DELAY: positive(5000),
});

/** The signal-specific endpoint is used as is; the generic one gets /v1/traces appended (OTLP/HTTP rules). */
function tracesUrl(generic: string | undefined, specific: string | undefined): string | undefined {
  if (specific !== undefined) return specific;
  if (generic === undefined) return undefined;
  return `${generic.replace(/\/+$/, '')}/v1/traces`;
}

/** W3C-baggage-style `key=value,key2=value2` (values percent-decoded); an entry without "=" is refused, not dropped. */
function keyPairs(value: string | undefined, variable: string): Record<string, string> {
  if (value === undefined) return {};
  const malformed = value.split(',').filter((entry) => entry.trim() !== '' && !/^\s*[^=\s]+\s*=/.test(entry));
  if (malformed.length > 0) throw new ConfigError(`${variable}: expected comma-separated key=value pairs, got "${malformed[0]!.trim().slice(0, 40)}"`);
  return parseKeyPairsIntoRecord(value);
}

export function parseTracingConfig(env: Readonly<Record<string, string | undefined>>): TracingConfig {
  const vars = parseEnvWith(schema, env, 'tracing (OTEL_*)');
  if (vars.OTEL_SDK_DISABLED?.toLowerCase() === 'true') return { enabled: false, reason: 'OTEL_SDK_DISABLED=true' };
  const exporters = (vars.OTEL_TRACES_EXPORTER ?? '').split(',').map((name) => name.trim().toLowerCase()).filter((name) => name !== '');
  const unsupported = exporters.filter((name) => name !== 'otlp' && name !== 'none');
  if (unsupported.length > 0) throw new ConfigError(`OTEL_TRACES_EXPORTER: "${unsupported.join(',')}" is not supported; use otlp (OTLP over HTTP) or none`);
  if (exporters.includes('none')) return { enabled: false, reason: 'OTEL_TRACES_EXPORTER=none' };
  const url = tracesUrl(vars.OTEL_EXPORTER_OTLP_ENDPOINT, vars.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) ?? (exporters.includes('otlp') ? DEFAULT_OTLP_TRACES_URL : undefined);
  if (url === undefined) return { enabled: false, reason: 'no OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT) set' };
  const chosenProtocol = vars.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? vars.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf';
  if (chosenProtocol === 'grpc') throw new ConfigError('OTEL_EXPORTER_OTLP_PROTOCOL: grpc is not supported; use http/protobuf or http/json (OTLP over HTTP, port 4318)');
  const ratio = vars.OTEL_TRACES_SAMPLER_ARG ?? 1;
  const maxExportBatchSize = Math.min(vars.OTEL_BSP_MAX_EXPORT_BATCH_SIZE, vars.OTEL_BSP_MAX_QUEUE_SIZE);
  return {
    enabled: true,
    url,
    protocol: chosenProtocol,
    headers: { ...keyPairs(vars.OTEL_EXPORTER_OTLP_HEADERS, 'OTEL_EXPORTER_OTLP_HEADERS'), ...keyPairs(vars.OTEL_EXPORTER_OTLP_TRACES_HEADERS, 'OTEL_EXPORTER_OTLP_TRACES_HEADERS') },
    exportTimeoutMs: vars.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT ?? vars.OTEL_EXPORTER_OTLP_TIMEOUT,
    sampler: { name: vars.OTEL_TRACES_SAMPLER, ratio },
    serviceName: vars.OTEL_SERVICE_NAME?.trim(),
    resourceAttributes: keyPairs(vars.OTEL_RESOURCE_ATTRIBUTES, 'OTEL_RESOURCE_ATTRIBUTES'),
    batch: { maxQueueSize: vars.OTEL_BSP_MAX_QUEUE_SIZE, maxExportBatchSize, scheduledDelayMs: vars.OTEL_BSP_SCHEDULE_DELAY },
  };
}
