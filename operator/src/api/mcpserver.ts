// The McpServer API (mcpfleet.dev/v1alpha1), defined once: the TypeScript types are inferred
// from these zod schemas, the CRD's openAPIV3Schema is generated from them (crd.ts), and the
// operator validates every object with them. `.describe()` texts become `kubectl explain`.
// Cross-field rules live twice on purpose: as CEL in the CRD (the API server rejects the object)
// and as zod refinements (the operator reports them when a CRD without CEL support let it in).
import { isIP } from 'node:net';
import { z } from 'zod';
import type * as k8s from '@kubernetes/client-node';
import { CATALOG_NAMES, secretKeyRefSchema } from './catalog.ts';
import { API_VERSION, DEFAULT_MCP_PATH, DEFAULT_PORT, KIND } from './constants.ts';
import { k8sType } from './k8s-types.ts';

/** CEL rules attached to a node; crd.ts copies them into x-kubernetes-validations. */
export interface CelRule<T = never> {
  /** The CEL expression (self is the node the rule sits on). */
  rule: string;
  message: string;
  fieldPath?: string;
  /** The same rule in TypeScript, evaluated by zod; tests check both agree. */
  holds: (self: T) => boolean;
}
export const CEL_META = 'x-kubernetes-validations';
/** Rules as the CRD needs them (no TypeScript). */
export type CrdValidation = Omit<CelRule, 'holds'>;
/** Every rule attached by cel(), for tests that evaluate the CEL text. */
export const CEL_RULES: { path: string; rule: CelRule<never> }[] = [];

function cel<T extends z.ZodObject>(path: string, schema: T, rules: CelRule<z.output<T>>[]): T {
  for (const rule of rules) CEL_RULES.push({ path, rule: rule as unknown as CelRule<never> });
  const checked = schema.superRefine((value, ctx) => {
    for (const rule of rules) {
      if (!rule.holds(value as z.output<T>)) {
        ctx.addIssue({ code: 'custom', message: rule.message, path: rule.fieldPath ? rule.fieldPath.slice(1).split('.') : [] });
      }
    }
  });
  const validations: CrdValidation[] = rules.map(({ rule, message, fieldPath }) => ({ rule, message, ...(fieldPath ? { fieldPath } : {}) }));
  return checked.meta({ [CEL_META]: validations }) as T;
}

/** An int-or-string value such as a PodDisruptionBudget's minAvailable ("50%" or 2). */
const intOrPercent = z
  .union([
    z.number().int().min(0),
    z.string().regex(/^(100|[1-9]?[0-9])%$/, { message: 'must be a whole number or a percentage such as "50%"' }),
  ])
  .meta({ 'x-kubernetes-int-or-string': true });

const port = z
  .number()
  .int({ message: 'must be a whole number' })
  .min(1, { message: 'must be between 1 and 65535' })
  .max(65535, { message: 'must be between 1 and 65535' });

// An upper bound keeps a typo (2147483647) from asking the scheduler for billions of pods.
export const MAX_REPLICAS = 1000;
const replicaCount = z.number().int({ message: 'must be a whole number' }).min(0, { message: 'must be 0 or more' }).max(MAX_REPLICAS, { message: `must be at most ${MAX_REPLICAS}` });
// The kit reads these lists from comma-separated variables: a comma inside one entry would
// silently become two entries, so it is refused here.
const listEntry = (what: string) => z.string().min(1).regex(/^[^,\s]+$/, { message: `must be one ${what} without commas or whitespace` });
const stringMap = z.record(z.string(), z.string());
const dnsLabel = z
  .string()
  .max(63)
  .regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, { message: 'must be a DNS-1035 label (it names the Service): lowercase letters, digits and -, starting with a letter' });

export const transportSchema = z
  .strictObject({
    type: z
      .enum(['streamable-http', 'stdio'])
      .default('streamable-http')
      .describe('How the server speaks MCP: streamable-http (served directly) or stdio (needs command; reserved: the operator refuses it until images can be wrapped in the stdio bridge; use catalog stdio-bridge for commands of the servers image).'),
    port: port.default(DEFAULT_PORT).describe('Container port the MCP endpoint listens on.'),
    path: z
      .string()
      .startsWith('/', { message: 'must start with /' })
      .default(DEFAULT_MCP_PATH)
      .describe('HTTP path of the MCP endpoint.'),
  })
  .describe('The MCP transport the server speaks.');

const hpaSchema = cel(
  'spec.autoscaling.hpa',
  z
    .strictObject({
      minReplicas: z.number().int().min(1, { message: 'must be 1 or more (use keda for scale to zero)' }).default(1).describe('Fewest replicas the HPA keeps.'),
      maxReplicas: z.number().int().min(1, { message: 'must be 1 or more' }).describe('Most replicas the HPA may create.'),
      targetCPUUtilization: z.number().int().min(1).max(100).optional().describe('Average CPU utilisation (% of requests) to aim for; default 70 when no target is set.'),
      targetMemoryUtilization: z.number().int().min(1).max(100).optional().describe('Average memory utilisation (% of requests) to aim for.'),
      behavior: k8sType<k8s.V2HorizontalPodAutoscalerBehavior>('V2HorizontalPodAutoscalerBehavior').optional().describe('Scale-up and scale-down policies, passed to the HorizontalPodAutoscaler as is.'),
    })
    .describe('A HorizontalPodAutoscaler (autoscaling/v2) on CPU and/or memory.'),
  [{ rule: '!has(self.minReplicas) || self.minReplicas <= self.maxReplicas', message: 'minReplicas must be less than or equal to maxReplicas', fieldPath: '.minReplicas', holds: (s) => s.minReplicas === undefined || s.minReplicas <= s.maxReplicas }],
);

const kedaTriggerSchema = z
  .strictObject({
    type: z.string().min(1).describe('KEDA scaler type, e.g. cpu, prometheus, aws-sqs-queue, cron.'),
    name: z.string().optional().describe('Optional trigger name.'),
    metadata: stringMap.describe('Scaler settings, passed to KEDA as is (see the scaler documentation).'),
    metricType: z.enum(['AverageValue', 'Value', 'Utilization']).optional().describe('How the metric is compared to the target.'),
    useCachedMetrics: z.boolean().optional().describe('Serve the metric from KEDA cache between polls.'),
    authenticationRef: z
      .strictObject({
        name: z.string().min(1).describe('Name of the TriggerAuthentication or ClusterTriggerAuthentication.'),
        kind: z.enum(['TriggerAuthentication', 'ClusterTriggerAuthentication']).optional().describe('Kind of the referenced authentication.'),
      })
      .optional()
      .describe('Credentials the scaler uses.'),
  })
  .describe('One KEDA scaler trigger.');

const kedaSchema = cel(
  'spec.autoscaling.keda',
  z
    .strictObject({
      minReplicas: z.number().int().min(0, { message: 'must be 0 or more' }).default(0).describe('Fewest replicas; 0 scales the server to zero when idle.'),
      maxReplicas: z.number().int().min(1, { message: 'must be 1 or more' }).describe('Most replicas KEDA may create.'),
      pollingInterval: z.number().int().min(1).optional().describe('Seconds between trigger checks (KEDA default 30).'),
      cooldownPeriod: z.number().int().min(0).optional().describe('Seconds after the last active trigger before scaling to zero (KEDA default 300).'),
      triggers: z.array(kedaTriggerSchema).optional().describe('KEDA triggers; default: CPU utilisation 70% (a resource trigger cannot wake a server at zero, so with it the minimum becomes 1).'),
    })
    .describe('A KEDA ScaledObject (keda.sh/v1alpha1); needs KEDA installed.'),
  [
    { rule: '!has(self.minReplicas) || self.minReplicas <= self.maxReplicas', message: 'minReplicas must be less than or equal to maxReplicas', fieldPath: '.minReplicas', holds: (s) => s.minReplicas === undefined || s.minReplicas <= s.maxReplicas },
    {
      // KEDA's webhook refuses this too; saying it here points at the field to change.
      rule: "!has(self.minReplicas) || self.minReplicas != 0 || !has(self.triggers) || self.triggers.exists(t, t.type != 'cpu' && t.type != 'memory')",
      message: 'minReplicas 0 (scale to zero) needs a trigger other than cpu or memory, e.g. prometheus, aws-sqs-queue or cron',
      fieldPath: '.triggers',
      holds: (s) => s.minReplicas !== 0 || s.triggers === undefined || s.triggers.some((t) => t.type !== 'cpu' && t.type !== 'memory'),
    },
  ],
);

const autoscalingSchema = cel(
  'spec.autoscaling',
  z
    .strictObject({
      hpa: hpaSchema.optional(),
      keda: kedaSchema.optional(),
    })
    .describe('Autoscaling; at most one of hpa and keda. When set, the autoscaler owns the replica count and spec.replicas is not applied.'),
  [{ rule: '!(has(self.hpa) && has(self.keda))', message: 'set at most one of autoscaling.hpa and autoscaling.keda', holds: (s) => !(s.hpa && s.keda) }],
);

const albSchema = z
  .strictObject({
    scheme: z.enum(['internal', 'internet-facing']).default('internal').describe('Load balancer scheme.'),
    targetType: z.enum(['ip', 'instance']).default('ip').describe('ALB target type; ip routes straight to pods.'),
    certificateArn: z.string().regex(/^arn:aws[a-z-]*:acm:/, { message: 'must be an ACM certificate ARN (arn:aws:acm:...)' }).optional().describe('ACM certificate for HTTPS listeners.'),
    groupName: z.string().max(63).optional().describe('IngressGroup name to share one ALB between Ingresses.'),
    listenPorts: z
      .array(z.strictObject({ protocol: z.enum(['HTTP', 'HTTPS']).describe('Listener protocol.'), port: port.describe('Listener port.') }).describe('A listener.'))
      .optional()
      .describe('ALB listeners; default HTTP 80, or HTTPS 443 when certificateArn is set.'),
    healthcheckPath: z.string().startsWith('/').optional().describe('Target group health check path; default the server readiness path.'),
    deregistrationDelaySeconds: z.number().int().min(0).max(3600).optional().describe('Target deregistration delay in seconds (default 30, shorter than the ALB default so rollouts drain fast).'),
  })
  .describe('AWS Load Balancer Controller settings, used when className is alb.');

/** An IPv4/IPv6 address or CIDR range, as the kit's TRUSTED_PROXY_CIDRS reads it. */
function isAddressOrRange(value: string): boolean {
  const [address = '', prefix, extra] = value.split('/');
  const family = isIP(address);
  const max = family === 6 ? 128 : 32;
  return family !== 0 && extra === undefined && (prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= max));
}
const trustedProxyRange = z
  .string()
  .max(49)
  .regex(/^[0-9A-Fa-f.:]+([/][0-9]{1,3})?$/, { message: 'must be an IP address or CIDR range, e.g. 10.0.0.0/8 or fd00::/8' })
  .refine(isAddressOrRange, { message: 'must be an IP address or CIDR range, e.g. 10.0.0.0/8 or fd00::/8' });

const ingressSchema = z
  .strictObject({
    className: z.string().optional().describe('IngressClass name, e.g. alb, nginx.'),
    host: z.string().optional().describe('Host name clients use; also added to the server Host allow-list.'),
    path: z.string().startsWith('/').default('/').describe('Path prefix routed to the server.'),
    pathType: z.enum(['Prefix', 'Exact', 'ImplementationSpecific']).default('Prefix').describe('Ingress path matching.'),
    tls: z.array(k8sType<k8s.V1IngressTLS>('V1IngressTLS')).optional().describe('TLS settings passed to the Ingress.'),
    annotations: stringMap.optional().describe('Extra Ingress annotations, applied over the generated ones.'),
    alb: albSchema.optional(),
    trustedProxies: z
      .array(trustedProxyRange)
      .max(32)
      .optional()
      .describe(
        'Addresses the Ingress controller or load balancer connects from; only requests from them have their client taken from X-Forwarded-For (for the failed-auth throttle and rate limits). Default: the ipBlock ranges of the ingress controller peers (for className alb the private ranges); none for other classes, whose controller pods have no fixed range: set it (e.g. the pod CIDR). [] trusts no proxy.',
      ),
  })
  .describe('An Ingress in front of the server Service.');

const exposeSchema = z
  .strictObject({
    service: z
      .strictObject({
        type: z.enum(['ClusterIP', 'NodePort', 'LoadBalancer']).default('ClusterIP').describe('Service type.'),
        port: port.default(80).describe('Service port.'),
        annotations: stringMap.optional().describe('Extra Service annotations.'),
      })
      .default({ type: 'ClusterIP', port: 80 })
      .describe('The Service in front of the pods.'),
    ingress: ingressSchema.optional(),
  })
  .describe('How the server is reached.');

const identitySchema = z
  .strictObject({
    serviceAccountName: z.string().optional().describe('Use this existing ServiceAccount instead of one the operator creates.'),
    aws: z
      .strictObject({
        roleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, { message: 'must be an IAM role ARN (arn:aws:iam::123456789012:role/name)' }).describe('IAM role the pods assume.'),
        mode: z.enum(['irsa', 'pod-identity']).default('pod-identity').describe('irsa annotates the ServiceAccount; pod-identity creates an EKS Pod Identity association.'),
        clusterName: z.string().optional().describe('EKS cluster name for pod-identity; default from the operator configuration.'),
      })
      .optional()
      .describe('AWS identity through IRSA or EKS Pod Identity.'),
    azure: z
      .strictObject({
        clientId: z.string().uuid({ message: 'must be the managed identity client ID (a UUID)' }).describe('Client ID of the user-assigned managed identity or app registration.'),
        tenantId: z.string().uuid({ message: 'must be a tenant ID (a UUID)' }).optional().describe('Azure AD tenant ID.'),
      })
      .optional()
      .describe('Azure Workload Identity.'),
  })
  .describe('The identity the pods run as.');

const authSchema = z
  .strictObject({
    apiKeySecretRef: secretKeyRefSchema.optional().describe('Secret key holding accepted API keys, one per line (x-api-key or Bearer).'),
    oauth: z
      .strictObject({
        issuer: z.url({ message: 'must be the issuer URL' }).describe('Token issuer (iss).'),
        audience: z.string().min(1).describe('Expected audience (aud), usually the server URL.'),
        jwksUri: z.url({ message: 'must be the JWKS URL' }).describe('JWKS URL of the authorization server (its signing keys).'),
        requiredScopes: z.array(z.string().min(1)).optional().describe('Scopes every token must carry.'),
      })
      .optional()
      .describe('OAuth 2.1 resource server mode: bearer JWTs verified against the issuer keys.'),
  })
  .describe('Who may call the server; unset means no authentication.');

const cacheSchema = cel(
  'spec.cache',
  z
    .strictObject({
      ttlSeconds: z.number().int().min(1, { message: 'must be 1 or more seconds' }).describe('How long read-only tool results are reused.'),
      backend: z.enum(['memory', 'redis', 'dynamodb']).default('memory').describe('memory (per replica), redis or dynamodb (shared by every replica).'),
      redisUrlSecretRef: secretKeyRefSchema.optional().describe('Secret key holding the redis:// URL; required for the redis backend.'),
      dynamodb: z
        .strictObject({
          table: z.string().regex(/^[a-zA-Z0-9_.-]{3,255}$/, { message: 'must be a DynamoDB table name' }).describe('Table with partition key tool_name (S), sort key params_hash (S) and TTL attribute expires_at.'),
          region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, { message: 'must be an AWS region such as us-east-1' }).optional().describe('Region of the table; default the pod environment (AWS_REGION).'),
        })
        .optional()
        .describe('The DynamoDB table of the dynamodb backend; the pods need dynamodb:GetItem, PutItem and DescribeTable on it (identity.aws).'),
    })
    .describe('Cache for read-only tool results.'),
  [
    { rule: "self.backend != 'redis' || has(self.redisUrlSecretRef)", message: 'cache.backend redis needs cache.redisUrlSecretRef', fieldPath: '.redisUrlSecretRef', holds: (s) => s.backend !== 'redis' || s.redisUrlSecretRef !== undefined },
    { rule: "self.backend != 'dynamodb' || has(self.dynamodb)", message: 'cache.backend dynamodb needs cache.dynamodb.table', fieldPath: '.dynamodb', holds: (s) => s.backend !== 'dynamodb' || s.dynamodb !== undefined },
  ],
);

const networkPolicySchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Create a NetworkPolicy for the server pods.'),
    ingressFrom: z.array(k8sType<k8s.V1NetworkPolicyPeer>('V1NetworkPolicyPeer')).optional().describe('Who may connect besides the ingress controller and the operator; default: pods in the same namespace. Add your Prometheus here when it scrapes the server.'),
    ingressControllerFrom: z
      .array(k8sType<k8s.V1NetworkPolicyPeer>('V1NetworkPolicyPeer'))
      .optional()
      .describe('Where the ingress controller connects from, allowed when an Ingress is set; default: the private address ranges for className alb (the ALB connects from its VPC addresses), else the namespaces ingress-nginx and the one named like the class.'),
    egressTo: z
      .array(
        z
          .strictObject({
            to: z.array(k8sType<k8s.V1NetworkPolicyPeer>('V1NetworkPolicyPeer')).optional().describe('Destinations; empty means anywhere.'),
            ports: z.array(k8sType<k8s.V1NetworkPolicyPort>('V1NetworkPolicyPort')).optional().describe('Ports; empty means all.'),
          })
          .describe('An allowed egress destination.'),
      )
      .optional()
      .describe('Where the server may connect besides DNS; unset allows all egress.'),
  })
  .describe('A NetworkPolicy around the server pods.');

const disruptionSchema = cel(
  'spec.disruption',
  z
    .strictObject({
      minAvailable: intOrPercent.optional().describe('Pods that must stay up during voluntary disruptions (number or percentage).'),
      maxUnavailable: intOrPercent.optional().describe('Pods that may be down during voluntary disruptions (number or percentage).'),
    })
    .describe('A PodDisruptionBudget; default minAvailable 1 when more than one replica runs.'),
  [{ rule: '!(has(self.minAvailable) && has(self.maxUnavailable))', message: 'set at most one of disruption.minAvailable and disruption.maxUnavailable', holds: (s) => s.minAvailable === undefined || s.maxUnavailable === undefined }],
);

const monitoringSchema = z
  .strictObject({
    serviceMonitor: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Create the ServiceMonitor.'),
        interval: z.string().regex(/^\d+(s|m)$/, { message: 'must be a duration such as 30s or 1m' }).optional().describe('Scrape interval.'),
        labels: stringMap.optional().describe('Labels your Prometheus selects ServiceMonitors by.'),
      })
      .optional()
      .describe('A Prometheus Operator ServiceMonitor for /metrics.'),
    prometheusRule: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Create the PrometheusRule.'),
        labels: stringMap.optional().describe('Labels your Prometheus selects rules by.'),
        toolSlo: z
          .strictObject({
            enabled: z.boolean().default(true).describe('Add per-tool alerts for every verified tool.'),
            errorRatio: z.number().gt(0).max(1).default(0.1).describe('Share of failed calls (error or tool_error) over 5 minutes above which a tool alerts.'),
            p99Seconds: z.number().positive().max(3600).default(5).describe('p99 call duration over 5 minutes above which a tool alerts.'),
            tools: z
              .record(
                z.string().min(1).max(128),
                z
                  .strictObject({
                    errorRatio: z.number().gt(0).max(1).optional().describe('This tool\'s error-ratio threshold.'),
                    p99Seconds: z.number().positive().max(3600).optional().describe('This tool\'s p99 latency threshold.'),
                  })
                  .describe('Thresholds for one tool.'),
              )
              .optional()
              .describe('Per-tool thresholds, keyed by the tool name clients see.'),
          })
          .optional()
          .describe('Per-tool SLO alerts (error ratio and p99 latency), generated from the verified tool list; defaults 10% and 5 s.'),
      })
      .optional()
      .describe('Alerts on 5xx rate, p99 latency above 2s and tool error rate, plus per-tool SLO alerts.'),
  })
  .describe('Prometheus Operator objects, created when that API is installed.');

const toolGlob = z.string().min(1).max(128).describe('A tool name or a glob: * matches any run of characters, ? one character.');
const toolsSchema = z
  .strictObject({
    allow: z.array(toolGlob).max(256).optional().describe('Only tools matching one of these are exposed; unset exposes every tool.'),
    deny: z.array(toolGlob).max(256).optional().describe('Tools matching one of these are hidden (deny wins over allow). A hidden tool is not listed and cannot be called by name.'),
    overrides: z
      .record(
        z.string().min(1).max(128),
        z
          .strictObject({
            name: z.string().min(1).max(128).regex(/^[A-Za-z0-9_.-]+$/, { message: 'must use only A-Z a-z 0-9 _ . -' }).optional().describe('The name clients see and call; the original name is then not callable.'),
            title: z.string().max(256).optional().describe('Title clients see.'),
            description: z.string().max(8192).optional().describe('Description clients (and models) see.'),
            annotations: z.record(z.string(), z.unknown()).optional().meta({ 'x-kubernetes-preserve-unknown-fields': true }).describe('Annotations merged over the server\'s, e.g. {"destructiveHint": true}.'),
          })
          .describe('How one tool is presented.'),
      )
      .optional()
      .describe('Per-tool overrides, keyed by the name the server gives the tool.'),
    pinning: z
      .strictObject({
        mode: z
          .enum(['observe', 'alert', 'enforce'])
          .default('observe')
          .describe('observe: a changed surface sets Degraded=True (ToolSurfaceChanged), an Event and the mcpfleet_tool_surface_drift metric; alert: the same plus a PrometheusRule alert; enforce: the same as observe, and changed or new tools are not exposed to clients (neither listed nor callable) until their digests are approved.'),
        approved: z
          .record(z.string().min(1).max(128), z.string().regex(/^sha256:[0-9a-f]{64}$/, { message: 'must be a tool digest from status.toolSurface.tools (sha256:<64 hex>)' }))
          .optional()
          .describe('Approved digest per tool name (copy from status.toolSurface.tools); unset: the surface of the first verification is adopted (status.toolSurface.adopted).'),
      })
      .optional()
      .describe('Pins the tool surface: the verifier digests every tool (name, title, description, schemas, annotations) and reports drift from the approved digests.'),
  })
  .describe('Tool policy, enforced by the kit in front of every kind of server on tools/list and tools/call.');

/** OpenTelemetry resource attributes the operator sets itself from the object and the pod. */
export const OPERATOR_RESOURCE_ATTRIBUTES = ['service.name', 'k8s.namespace.name', 'k8s.pod.name', 'k8s.deployment.name', 'k8s.container.name', 'mcpfleet.server.kind', 'mcpfleet.catalog'] as const;
// An OTLP/HTTP base URL: the servers append /v1/traces. No whitespace, no credentials in the URL
// (headersSecretRef keeps them in a Secret), no query or fragment the path join would mangle.
const OTLP_ENDPOINT = /^https?:\/\/[^\s/?#@]+(\/[^\s?#]*)?$/;
const tracingSchema = cel(
  'spec.telemetry.tracing',
  z
    .strictObject({
      enabled: z.boolean().default(true).describe('false turns tracing off for this server, also when the operator sets a default endpoint.'),
      endpoint: z
        .string()
        .max(2048)
        .regex(OTLP_ENDPOINT, { message: 'must be an OTLP/HTTP base URL such as http://otel-collector.observability:4318 (no credentials, query or fragment)' })
        .optional()
        .describe('OTLP/HTTP base URL of the collector (the servers append /v1/traces); default the operator\'s --telemetry-otlp-endpoint.'),
      headersSecretRef: secretKeyRefSchema
        .optional()
        .describe('Secret key whose value is an OTEL_EXPORTER_OTLP_HEADERS string (key=value,key2=value2, e.g. Authorization=Bearer%20abc); mounted through valueFrom, never copied into the pod spec.'),
      samplingRatio: z.number().min(0, { message: 'must be from 0 to 1' }).max(1, { message: 'must be from 0 to 1' }).optional().describe('Share of new traces recorded (parentbased_traceidratio: a request that arrives with a sampled traceparent is always recorded); default the operator\'s --telemetry-sampling-ratio, else 1.'),
      serviceName: z
        .string()
        .min(1)
        .max(255)
        .regex(/^[^\s,=]+$/, { message: 'must not contain whitespace, commas or =' })
        .optional()
        .describe('service.name of the spans; default the McpServer name (the upstream of an image server gets <serviceName>-upstream).'),
      resourceAttributes: z
        .record(z.string().min(1).max(255).regex(/^[A-Za-z0-9_.\-/]+$/, { message: 'must be an attribute name such as deployment.environment.name' }), z.string().max(1024))
        .optional()
        .describe(`Extra resource attributes on every span, e.g. {"deployment.environment.name": "prod"}; the operator sets ${OPERATOR_RESOURCE_ATTRIBUTES.join(', ')} itself.`),
      upstream: z
        .boolean()
        .default(false)
        .describe('Image servers: also give the image\'s own process the OTEL_* variables, with service name <serviceName>-upstream (its own instrumentation is its business; off by default). The proxy and the stdio bridge always get them, and the bridge passes its trace context to the wrapped command in each call\'s _meta either way.'),
    })
    .describe('Traces over OTLP/HTTP, rendered into the pods as the standard OTEL_* variables.'),
  [
    {
      rule: `!has(self.resourceAttributes) || ![${OPERATOR_RESOURCE_ATTRIBUTES.map((a) => `'${a}'`).join(', ')}].exists(k, k in self.resourceAttributes)`,
      message: `resourceAttributes must not set ${OPERATOR_RESOURCE_ATTRIBUTES.join(', ')}: the operator sets them (use serviceName for service.name)`,
      fieldPath: '.resourceAttributes',
      holds: (s) => !OPERATOR_RESOURCE_ATTRIBUTES.some((a) => s.resourceAttributes !== undefined && Object.hasOwn(s.resourceAttributes, a)),
    },
  ],
);
const telemetrySchema = z
  .strictObject({ tracing: tracingSchema.optional() })
  .describe('OpenTelemetry for the server pods; unset follows the operator\'s defaults (--telemetry-otlp-endpoint).');

const podSchema = z
  .strictObject({
    labels: stringMap.optional().describe('Extra pod labels.'),
    annotations: stringMap.optional().describe('Extra pod annotations.'),
    nodeSelector: stringMap.optional().describe('Node labels the pods must run on.'),
    tolerations: z.array(k8sType<k8s.V1Toleration>('V1Toleration')).optional().describe('Pod tolerations.'),
    affinity: k8sType<k8s.V1Affinity>('V1Affinity').optional().describe('Pod affinity and anti-affinity.'),
    topologySpreadConstraints: z.array(k8sType<k8s.V1TopologySpreadConstraint>('V1TopologySpreadConstraint')).optional().describe('How pods spread across zones and nodes.'),
    imagePullSecrets: z.array(k8sType<k8s.V1LocalObjectReference>('V1LocalObjectReference')).optional().describe('Secrets for pulling the image.'),
    priorityClassName: z.string().optional().describe('PriorityClass of the pods.'),
    securityContext: k8sType<k8s.V1PodSecurityContext>('V1PodSecurityContext').optional().describe('Pod security context, merged over the restricted defaults.'),
  })
  .describe('Pod template settings.');

export const mcpServerSpecSchema = cel(
  'spec',
  z
    .strictObject({
      catalog: z.enum(CATALOG_NAMES, { message: `must be one of the catalog servers: ${CATALOG_NAMES.join(', ')}` }).optional().describe(`A catalog server to run: ${CATALOG_NAMES.join(', ')}. Exactly one of catalog and image.`),
      image: z.string().min(1).optional().describe('Any MCP server image to run instead of a catalog server. Exactly one of catalog and image.'),
      imagePullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']).optional().describe('Image pull policy.'),
      command: z.array(z.string()).optional().describe('Container entrypoint (image servers).'),
      args: z.array(z.string()).optional().describe('Container arguments (image servers).'),
      transport: transportSchema.default({ type: 'streamable-http', port: DEFAULT_PORT, path: DEFAULT_MCP_PATH }),
      config: z.record(z.string(), z.unknown()).optional().meta({ 'x-kubernetes-preserve-unknown-fields': true }).describe('Settings of the catalog server, validated against its catalog entry.'),
      env: z.array(k8sType<k8s.V1EnvVar>('V1EnvVar')).optional().describe('Extra environment variables; reference Secrets with valueFrom.'),
      envFrom: z.array(k8sType<k8s.V1EnvFromSource>('V1EnvFromSource')).optional().describe('Environment from whole ConfigMaps or Secrets.'),
      replicas: replicaCount.default(1).describe('Desired replicas; ignored while an autoscaler is set. Scale subresource target.'),
      resources: k8sType<k8s.V1ResourceRequirements>('V1ResourceRequirements').optional().describe('Container resources; default requests 50m CPU / 128Mi memory, limit 384Mi memory.'),
      volumes: z.array(k8sType<k8s.V1Volume>('V1Volume')).optional().describe('Extra pod volumes, e.g. data for the filesystem or database server.'),
      volumeMounts: z.array(k8sType<k8s.V1VolumeMount>('V1VolumeMount')).optional().describe('Where the extra volumes are mounted in the server container.'),
      probes: z
        .strictObject({
          liveness: k8sType<k8s.V1Probe>('V1Probe').optional().describe('Liveness probe override.'),
          readiness: k8sType<k8s.V1Probe>('V1Probe').optional().describe('Readiness probe override.'),
          startup: k8sType<k8s.V1Probe>('V1Probe').optional().describe('Startup probe.'),
        })
        .optional()
        .describe('Probe overrides; catalog servers default to /healthz and /readyz.'),
      allowedHosts: z.array(listEntry('host')).optional().describe('Extra Host header values the server accepts (Service and Ingress names are added automatically).'),
      allowedOrigins: z.array(listEntry('origin')).optional().describe('Browser Origins the server accepts.'),
      autoscaling: autoscalingSchema.optional(),
      expose: exposeSchema.default({ service: { type: 'ClusterIP', port: 80 } }),
      identity: identitySchema.optional(),
      auth: authSchema.optional(),
      rateLimit: z
        .strictObject({
          requestsPerSecond: z.number().positive({ message: 'must be more than 0' }).describe('Sustained requests per second per client.'),
          burst: z.number().int().min(1, { message: 'must be 1 or more' }).describe('Requests a client may make at once.'),
          dailyQuota: z.number().int().min(1, { message: 'must be 1 or more' }).optional().describe('Requests per client per UTC day (429 until midnight UTC beyond it).'),
        })
        .optional()
        .describe('Token-bucket rate limit and optional daily quota per client identity (429 with Retry-After beyond them); shared by all replicas when a Redis URL is configured (cache.redisUrlSecretRef), per replica otherwise.'),
      cache: cacheSchema.optional(),
      tools: toolsSchema.optional(),
      networkPolicy: networkPolicySchema.optional(),
      disruption: disruptionSchema.optional(),
      monitoring: monitoringSchema.optional(),
      telemetry: telemetrySchema.optional(),
      pod: podSchema.optional(),
    })
    .describe('Desired state of the MCP server.'),
  [
    { rule: 'has(self.catalog) != has(self.image)', message: 'set exactly one of spec.catalog and spec.image', holds: (s) => (s.catalog === undefined) !== (s.image === undefined) },
    {
      rule: "!has(self.transport) || self.transport.type != 'stdio' || (has(self.command) && size(self.command) > 0)",
      message: 'transport.type stdio needs spec.command (the stdio server to run)',
      fieldPath: '.transport.type',
      holds: (s) => s.transport.type !== 'stdio' || (s.command?.length ?? 0) > 0,
    },
  ],
);

const conditionSchema = z
  .strictObject({
    type: z.string().describe('Condition type.'),
    status: z.enum(['True', 'False', 'Unknown']).describe('True, False or Unknown.'),
    reason: z.string().describe('CamelCase reason for the last transition.'),
    message: z.string().describe('Human-readable detail.'),
    lastTransitionTime: z.string().describe('When the status last changed.').meta({ format: 'date-time' }),
    observedGeneration: z.number().int().optional().describe('The .metadata.generation the condition was set for.'),
  })
  .describe('A metav1.Condition.');

export const mcpServerStatusSchema = z
  .strictObject({
    observedGeneration: z.number().int().optional().describe('The generation the status describes.'),
    replicas: z.number().int().optional().describe('Pods created.'),
    readyReplicas: z.number().int().optional().describe('Pods ready.'),
    selector: z.string().optional().describe('Label selector of the pods (scale subresource).'),
    url: z.string().optional().describe('In-cluster MCP endpoint URL.'),
    externalUrl: z.string().optional().describe('MCP endpoint URL through the Ingress, once it has an address.'),
    server: z
      .strictObject({
        name: z.string().describe('Server name from the MCP handshake.'),
        version: z.string().describe('Server version from the MCP handshake.'),
        protocolVersion: z.string().describe('Negotiated MCP protocol version.'),
      })
      .optional()
      .describe('What the MCP endpoint reported when last verified.'),
    tools: z
      .array(z.strictObject({ name: z.string().describe('Tool name.'), title: z.string().optional().describe('Tool title.') }).describe('A tool.'))
      .max(100)
      .optional()
      .describe('Tools exposed to clients, as verified through the kit (first 100).'),
    toolCount: z.number().int().optional().describe('Number of tools exposed to clients (after spec.tools).'),
    toolsOffered: z.number().int().optional().describe('Number of tools the server itself offers, when spec.tools hides some of them from clients.'),
    toolSurface: z
      .strictObject({
        digest: z.string().describe('Digest of the whole verified surface (every tool name with its digest).'),
        tools: z.record(z.string(), z.string()).describe('Digest per verified tool, by the name the server gives it (before spec.tools overrides; first 100 tools).'),
        adopted: z.record(z.string(), z.string()).optional().describe('With spec.tools.pinning and no approved digests: the surface adopted at the first verification, the baseline drift is measured against.'),
        withheld: z.array(z.string()).max(100).optional().describe('With spec.tools.pinning.mode enforce: tools the kit withholds from clients because their digests are not approved.'),
      })
      .optional()
      .describe('The verified tool surface, for pinning.'),
    lastVerifiedTime: z.string().optional().meta({ format: 'date-time' }).describe('When the MCP endpoint was last verified.'),
    conditions: z.array(conditionSchema).optional().describe('Accepted, Available, Verified, Ready, Degraded and integration conditions.').meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] }),
  })
  .describe('Observed state of the MCP server.');

const objectMetaSchema = z
  .looseObject({
    name: dnsLabel.optional(),
    namespace: z.string().optional(),
    labels: stringMap.optional(),
    annotations: stringMap.optional(),
    generation: z.number().int().optional(),
    uid: z.string().optional(),
    resourceVersion: z.string().optional(),
  })
  .describe('Standard object metadata.');

export const mcpServerSchema = z
  .strictObject({
    apiVersion: z.literal(API_VERSION).describe('mcpfleet.dev/v1alpha1'),
    kind: z.literal(KIND).describe('McpServer'),
    metadata: objectMetaSchema,
    spec: mcpServerSpecSchema,
    status: mcpServerStatusSchema.optional(),
  })
  .describe('McpServer runs an MCP tool server: a catalog server or any MCP image, scaled, exposed, identity-bound and verified.');

export type McpServerSpecInput = z.input<typeof mcpServerSpecSchema>;
export type McpServerSpec = z.output<typeof mcpServerSpecSchema>;
export type McpServerStatus = z.output<typeof mcpServerStatusSchema>;
export type McpServer = z.output<typeof mcpServerSchema>;
export type Condition = z.output<typeof conditionSchema>;
