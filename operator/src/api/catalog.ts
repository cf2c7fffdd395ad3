// The catalog: the MCP servers that ship in the MCP Fleet servers image. For each one, the
// settings a McpServer may put in spec.config (validated here, so a typo is reported on the
// object instead of crashing a pod) and how those settings become the server's environment.
// The environment variable names are the contract with servers/ (see servers/README.md).
import { z } from 'zod';
import type { V1EnvVar } from '@kubernetes/client-node';

const secretKeyRef = z
  .strictObject({
    name: z.string().min(1).describe('Name of a Secret in the McpServer namespace.'),
    key: z.string().min(1).describe('Key inside the Secret.'),
  })
  .describe('A key of a Secret in the same namespace.');
export type SecretKeyRef = z.infer<typeof secretKeyRef>;

export interface CatalogEntry<Config extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  /** Validates spec.config for this server. */
  config: Config;
  /** Renders validated config as container environment variables (pure). */
  env(config: z.output<Config>): V1EnvVar[];
  /** Whether the server needs no cloud account or secret to run (the demo runs these). */
  offline: boolean;
}

function defineEntry<Config extends z.ZodType>(entry: CatalogEntry<Config>): CatalogEntry<Config> {
  return entry;
}

function plain(name: string, value: string | number | boolean | undefined): V1EnvVar[] {
  return value === undefined ? [] : [{ name, value: String(value) }];
}

function fromSecret(name: string, ref: SecretKeyRef | undefined): V1EnvVar[] {
  return ref ? [{ name, valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } }] : [];
}

const positiveInt = z.number().int().positive();

export const CATALOG = {
  weather: defineEntry({
    name: 'weather',
    description: 'Current weather and 5-day forecasts from OpenWeather (API key from a Secret), or wttr.in without a key.',
    offline: false,
    config: z.strictObject({
      units: z.enum(['metric', 'imperial', 'standard']).optional().describe('Default units for temperatures and wind.'),
      openWeatherApiKeySecretRef: secretKeyRef.optional().describe('Secret key holding the OpenWeather API key; without it the server uses wttr.in.'),
      httpTimeoutSeconds: positiveInt.max(60).optional().describe('Timeout for each upstream request, in seconds (default 5).'),
    }),
    env: (c) => [
      ...plain('WEATHER_UNITS', c.units),
      ...fromSecret('OPENWEATHER_API_KEY', c.openWeatherApiKeySecretRef),
      ...plain('HTTP_TIMEOUT', c.httpTimeoutSeconds),
    ],
  }),
  database: defineEntry({
    name: 'database',
    description: 'Read-only SQL over SQLite: list_tables, describe_table, query (parameterised, row-capped). Built-in sample data, or a mounted file.',
    offline: true,
    config: z.strictObject({
      path: z.string().startsWith('/').optional().describe('Absolute path of a SQLite file inside the pod (mount it with spec.volumes); default: the built-in sample database.'),
      maxRows: positiveInt.max(100000).optional().describe('Most rows a query returns (default 1000).'),
      maxResultBytes: positiveInt.optional().describe('Most bytes of JSON a query returns (default 1 MiB).'),
    }),
    env: (c) => [
      ...plain('DATABASE_PATH', c.path),
      ...plain('DATABASE_MAX_ROWS', c.maxRows),
      ...plain('DATABASE_MAX_RESULT_BYTES', c.maxResultBytes),
    ],
  }),
  filesystem: defineEntry({
    name: 'filesystem',
    description: 'Browse, read, search and (opt-in) write files under root directories, with no way out of them.',
    offline: true,
    config: z.strictObject({
      roots: z
        .array(z.string().startsWith('/', { message: 'each root must be an absolute path inside the pod' }))
        .min(1)
        .describe('Absolute directories the server may access (mount them with spec.volumes).'),
      allowWrite: z.boolean().optional().describe('Enables write_file (default false).'),
      maxReadBytes: positiveInt.optional().describe('Largest file read_file returns, in bytes (default 1 MiB).'),
      maxWriteBytes: positiveInt.optional().describe('Largest content write_file accepts, in bytes (default 1 MiB).'),
    }),
    env: (c) => [
      ...plain('FS_ROOTS', c.roots.join(',')),
      ...plain('FS_ALLOW_WRITE', c.allowWrite),
      ...plain('FS_MAX_READ_BYTES', c.maxReadBytes),
      ...plain('FS_MAX_WRITE_BYTES', c.maxWriteBytes),
    ],
  }),
  utility: defineEntry({
    name: 'utility',
    description: 'Key-value store (memory, or Redis shared by all replicas) and time tools.',
    offline: true,
    config: z.strictObject({
      redisUrlSecretRef: secretKeyRef.optional().describe('Secret key holding a redis:// URL; set it when replicas > 1 so they share one store.'),
      maxValueBytes: positiveInt.optional().describe('Largest value kv_set accepts, in bytes (default 64 KiB).'),
    }),
    env: (c) => [...fromSecret('REDIS_URL', c.redisUrlSecretRef), ...plain('KV_MAX_VALUE_BYTES', c.maxValueBytes)],
  }),
} as const;

export type CatalogName = keyof typeof CATALOG;
export const CATALOG_NAMES = Object.keys(CATALOG) as [CatalogName, ...CatalogName[]];

export function isCatalogName(name: string): name is CatalogName {
  return Object.hasOwn(CATALOG, name);
}

export { secretKeyRef as secretKeyRefSchema };
