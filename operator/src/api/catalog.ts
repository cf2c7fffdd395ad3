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

const awsRegion = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, { message: 'must be an AWS region such as us-east-1' });
const endpointUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });
const awsEndpoints = z
  .strictObject({
    s3: endpointUrl.optional().describe('S3 endpoint (an S3-compatible store or a VPC endpoint); path-style requests are then used.'),
    ec2: endpointUrl.optional().describe('EC2 endpoint.'),
    bedrockRuntime: endpointUrl.optional().describe('Bedrock Runtime endpoint (e.g. a VPC interface endpoint).'),
  })
  .describe('Endpoint overrides; unset uses the public AWS endpoints of the region.');

function awsEndpointEnv(endpoints: z.output<typeof awsEndpoints> | undefined): V1EnvVar[] {
  return [
    ...plain('AWS_ENDPOINT_URL_S3', endpoints?.s3),
    ...plain('S3_FORCE_PATH_STYLE', endpoints?.s3 ? true : undefined),
    ...plain('AWS_ENDPOINT_URL_EC2', endpoints?.ec2),
    ...plain('AWS_ENDPOINT_URL_BEDROCK_RUNTIME', endpoints?.bedrockRuntime),
  ];
}

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
  aws: defineEntry({
    name: 'aws',
    description: 'AWS tools under the pod IAM role (Pod Identity or IRSA): list_regions, list_buckets, list_objects, get_object_text, invoke_model (Bedrock, allow-listed models).',
    offline: false,
    config: z.strictObject({
      region: awsRegion.optional().describe('AWS region of the buckets and models; default the pod environment (AWS_REGION).'),
      bedrockModelIds: z.array(z.string().min(1).max(256)).max(50).optional().describe('Bedrock model ids invoke_model may call; unset disables it.'),
      bedrockMaxTokens: positiveInt.max(8192).optional().describe('Most tokens invoke_model may ask for (default 1024).'),
      maxObjectBytes: positiveInt.max(16 * 1024 * 1024).optional().describe('Largest object get_object_text returns, in bytes (default 1 MiB).'),
      endpoints: awsEndpoints.optional(),
    }),
    env: (c) => [
      ...plain('AWS_REGION', c.region),
      ...plain('BEDROCK_MODEL_IDS', c.bedrockModelIds?.join(',')),
      ...plain('BEDROCK_MAX_TOKENS', c.bedrockMaxTokens),
      ...plain('AWS_MAX_OBJECT_BYTES', c.maxObjectBytes),
      ...awsEndpointEnv(c.endpoints),
    ],
  }),
  's3-summarizer': defineEntry({
    name: 's3-summarizer',
    description: 'list_files and summarize_file over one S3 bucket: summaries from a Bedrock model, or extractive without one.',
    offline: false,
    config: z.strictObject({
      bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'must be an S3 bucket name' }).describe('The S3 bucket holding the text files.'),
      region: awsRegion.optional().describe('AWS region of the bucket and model; default the pod environment (AWS_REGION).'),
      bedrockModelId: z.string().min(1).max(256).optional().describe('Bedrock model for summaries; unset gives extractive summaries.'),
      maxFileBytes: positiveInt.max(16 * 1024 * 1024).optional().describe('Largest file summarize_file reads, in bytes (default 1 MiB).'),
      maxSummaryTokens: z.number().int().min(16).max(4096).optional().describe('Most tokens of a Bedrock summary (default 512).'),
      maxSummarySentences: z.number().int().min(1).max(20).optional().describe('Sentences of an extractive summary (default 3).'),
      endpoints: awsEndpoints.optional(),
    }),
    env: (c) => [
      ...plain('S3_BUCKET_NAME', c.bucket),
      ...plain('AWS_REGION', c.region),
      ...plain('BEDROCK_MODEL_ID', c.bedrockModelId),
      ...plain('SUMMARIZER_MAX_FILE_BYTES', c.maxFileBytes),
      ...plain('SUMMARY_MAX_TOKENS', c.maxSummaryTokens),
      ...plain('SUMMARY_MAX_SENTENCES', c.maxSummarySentences),
      ...awsEndpointEnv(c.endpoints),
    ],
  }),
  tickets: defineEntry({
    name: 'tickets',
    description: 'Users, support tickets and dataset queries on a backend REST API, called with an Azure AD token (Workload Identity, or a service principal secret).',
    offline: false,
    config: z
      .strictObject({
        backendUrl: z.url({ protocol: /^https?$/, message: 'must be the backend http(s) URL' }).describe('Base URL of the backend REST API.'),
        scope: z.string().min(1).max(500).optional().describe('OAuth scope of the backend, e.g. api://tickets-backend/.default (default: <backend origin>/.default).'),
        timeoutSeconds: z.number().positive().max(300).optional().describe('Timeout of each backend request, in seconds (default 10).'),
        maxRetries: z.number().int().min(0).max(10).optional().describe('Retries on 429, 5xx and network errors, with backoff (default 3).'),
        readinessChecksBackend: z.boolean().optional().describe('Readiness also checks the backend health endpoint (default true).'),
        healthPath: z.string().startsWith('/').optional().describe('Backend health endpoint (default /health).'),
        clientSecretSecretRef: secretKeyRef.optional().describe('Service principal secret, for clusters without Workload Identity; needs tenantId and clientId.'),
        tenantId: z.uuid({ message: 'must be a tenant ID (a UUID)' }).optional().describe('Azure AD tenant of the service principal (with clientSecretSecretRef).'),
        clientId: z.uuid({ message: 'must be a client ID (a UUID)' }).optional().describe('Client ID of the service principal (with clientSecretSecretRef).'),
      })
      .refine((c) => c.clientSecretSecretRef === undefined || (c.tenantId !== undefined && c.clientId !== undefined), {
        message: 'clientSecretSecretRef needs tenantId and clientId (the service principal)',
        path: ['clientSecretSecretRef'],
      }),
    env: (c) => [
      ...plain('BACKEND_API_URL', c.backendUrl),
      ...plain('BACKEND_API_SCOPE', c.scope),
      ...plain('BACKEND_API_TIMEOUT', c.timeoutSeconds),
      ...plain('BACKEND_MAX_RETRIES', c.maxRetries),
      ...plain('READINESS_CHECK_BACKEND', c.readinessChecksBackend),
      ...plain('BACKEND_HEALTH_PATH', c.healthPath),
      ...fromSecret('AZURE_CLIENT_SECRET', c.clientSecretSecretRef),
      ...plain('AZURE_TENANT_ID', c.tenantId),
      ...plain('AZURE_CLIENT_ID', c.clientId),
    ],
  }),
  'stdio-bridge': defineEntry({
    name: 'stdio-bridge',
    description: 'Runs a stdio MCP server command of the servers image behind Streamable HTTP: a pool of initialised processes, crashed ones replaced.',
    offline: false,
    config: z.strictObject({
      command: z.array(z.string().min(1)).min(1).max(256).describe('The stdio server to run, program first, e.g. ["node", "/app/servers/main.js", "utility"].'),
      workingDir: z.string().startsWith('/').optional().describe('Working directory of the processes.'),
      poolSize: z.number().int().min(1).max(16).optional().describe('Processes per pod (default 2).'),
      maxInFlightPerProcess: z.number().int().min(1).max(256).optional().describe('Requests one process serves at a time (default 8).'),
      maxQueued: z.number().int().min(0).max(10000).optional().describe('Requests waiting for a free process before new ones are refused (default 64).'),
      requestTimeoutSeconds: z.number().positive().max(3600).optional().describe('Deadline of each forwarded request (default 30).'),
      startTimeoutSeconds: z.number().positive().max(600).optional().describe('Deadline for a process to start and initialise (default 30).'),
    }),
    env: (c) => [
      ...plain('BRIDGE_COMMAND', JSON.stringify(c.command)),
      ...plain('BRIDGE_CWD', c.workingDir),
      ...plain('BRIDGE_POOL_SIZE', c.poolSize),
      ...plain('BRIDGE_MAX_IN_FLIGHT', c.maxInFlightPerProcess),
      ...plain('BRIDGE_MAX_QUEUED', c.maxQueued),
      ...plain('BRIDGE_REQUEST_TIMEOUT', c.requestTimeoutSeconds),
      ...plain('BRIDGE_START_TIMEOUT', c.startTimeoutSeconds),
    ],
  }),
} as const;

export type CatalogName = keyof typeof CATALOG;
export const CATALOG_NAMES = Object.keys(CATALOG) as [CatalogName, ...CatalogName[]];

export function isCatalogName(name: string): name is CatalogName {
  return Object.hasOwn(CATALOG, name);
}

export { secretKeyRef as secretKeyRefSchema };
