// The Deployment that runs the server pods. Pods meet the Pod Security Standard "restricted"
// profile; the pod template carries a hash of its own rendered form and of the versions of the
// Secrets/ConfigMaps it references, so a change there (and only there) rolls the pods.
import type { V1ResourceRequirements, V1Container, V1SecurityContext, V1Deployment, V1PodSpec, V1PodTemplateSpec, V1Probe, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import { ANNOTATIONS, HEALTH_PATHS } from '../api/constants.ts';
import type { McpServer } from '../api/mcpserver.ts';
import type { BuildContext } from './context.ts';
import { configHash } from './hash.ts';
import { canonicalQuantities } from './quantity.ts';
import { podIdentityAnnotations, podIdentityLabels } from './identity/bindings.ts';
import { childLabels, childMetadata, selectorLabels } from './labels.ts';
import { BRIDGE_DIR, resolveRuntime, type ServerRuntime } from './runtime.ts';
import { MCP_PORT_NAME } from './service.ts';
import { serviceAccountName } from './serviceaccount.ts';
import { enforcesPinning, TOOL_BASELINE_DIR, TOOL_BASELINE_VOLUME, toolBaselineName } from './tool-baseline.ts';

export const CONTAINER_NAME = 'server';
export const PROXY_CONTAINER_NAME = 'mcp-proxy';
export const BRIDGE_INIT_CONTAINER_NAME = 'install-stdio-bridge';
/** The image's own port when the proxy fronts it (only reachable inside the pod). */
export const UPSTREAM_PORT_NAME = 'upstream';
const BRIDGE_VOLUME = 'stdio-bridge';
/** Non-root user of the servers image (Dockerfile.server). */
const SERVERS_IMAGE_UID = 65532;

// Measured with `npm run bench:servers` (memory probes, compiled servers, the heap ceiling V8 takes
// in a pod of this size): a catalog server idles at about 105 MiB resident and peaks at 297 MiB
// (utility, 64 KiB writes from 32 clients) and 332 MiB (database with its two query processes,
// 32 clients); 256Mi was exceeded under that load.
export const DEFAULT_RESOURCES = {
  requests: { cpu: '50m', memory: '128Mi' },
  limits: { memory: '384Mi' },
} as const;

/** Quantities as the API server stores them, so desired and live compare equal. */
function canonicalResources(resources: V1ResourceRequirements | undefined): V1ResourceRequirements | undefined {
  if (!resources) return undefined;
  return {
    ...resources,
    ...(resources.limits ? { limits: canonicalQuantities(resources.limits) } : {}),
    ...(resources.requests ? { requests: canonicalQuantities(resources.requests) } : {}),
  };
}

function kitProbe(path: string, overrides: Partial<V1Probe>): V1Probe {
  return { httpGet: { path, port: MCP_PORT_NAME }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3, ...overrides };
}

function kitProbes(): Pick<V1Container, 'livenessProbe' | 'readinessProbe'> {
  return { livenessProbe: kitProbe(HEALTH_PATHS.liveness, { initialDelaySeconds: 2 }), readinessProbe: kitProbe(HEALTH_PATHS.readiness, { periodSeconds: 5 }) };
}

function probes(server: McpServer, runtime: ServerRuntime): Pick<V1Container, 'livenessProbe' | 'readinessProbe' | 'startupProbe'> {
  const user = server.spec.probes;
  const kit = runtime.kitHealth ? kitProbes() : {};
  const liveness = user?.liveness ?? kit.livenessProbe;
  const readiness = user?.readiness ?? kit.readinessProbe ?? { tcpSocket: { port: runtime.proxy ? UPSTREAM_PORT_NAME : MCP_PORT_NAME }, periodSeconds: 5 };
  return {
    ...(liveness ? { livenessProbe: liveness } : {}),
    ...(readiness ? { readinessProbe: readiness } : {}),
    ...(user?.startup ? { startupProbe: user.startup } : {}),
  };
}

interface PodVolumes {
  volumes: V1Volume[];
  /** Mounts of the server container. */
  mounts: V1VolumeMount[];
  /** Mounts of the proxy sidecar, when there is one. */
  proxyMounts: V1VolumeMount[];
}

function volumes(server: McpServer, runtime: ServerRuntime): PodVolumes {
  const vols: V1Volume[] = [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }];
  const mounts: V1VolumeMount[] = [{ name: 'tmp', mountPath: '/tmp' }];
  const proxyMounts: V1VolumeMount[] = [{ name: 'tmp', mountPath: '/tmp' }];
  // API keys go where the kit runs: with a proxy, the image itself never sees them. Catalog pods
  // share the kit's group (fsGroup); elsewhere the reader's user is the image's, so 0444.
  const kitMounts = runtime.proxy ? proxyMounts : mounts;
  for (const file of runtime.secretFiles) {
    vols.push({ name: file.volumeName, secret: { secretName: file.secretName, items: [{ key: file.key, path: file.fileName }], defaultMode: runtime.kitHealth && !runtime.bridgeInstaller ? 0o440 : 0o444 } });
    kitMounts.push({ name: file.volumeName, mountPath: file.mountPath, readOnly: true });
  }
  if (enforcesPinning(server)) {
    // Optional: a pod that starts before its baseline exists withholds every tool until it appears.
    vols.push({ name: TOOL_BASELINE_VOLUME, configMap: { name: toolBaselineName(server), optional: true, defaultMode: 0o444 } });
    kitMounts.push({ name: TOOL_BASELINE_VOLUME, mountPath: TOOL_BASELINE_DIR, readOnly: true });
  }
  if (runtime.bridgeInstaller) {
    // node (~120 MB) and the bundle (~6 MB).
    vols.push({ name: BRIDGE_VOLUME, emptyDir: { sizeLimit: '256Mi' } });
    mounts.push({ name: BRIDGE_VOLUME, mountPath: BRIDGE_DIR, readOnly: true });
  }
  vols.push(...(server.spec.volumes ?? []));
  mounts.push(...(server.spec.volumeMounts ?? []));
  return { volumes: vols, mounts, proxyMounts };
}

function restrictedContainer(): V1SecurityContext {
  return { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } };
}

/** The servers image runs as its own non-root user, whatever the pod's image runs as. */
function serversImageUser(): V1SecurityContext {
  return { ...restrictedContainer(), runAsUser: SERVERS_IMAGE_UID, runAsGroup: SERVERS_IMAGE_UID };
}

const KIT_SIDECAR_RESOURCES = { requests: { cpu: '20m', memory: '48Mi' }, limits: { memory: '192Mi' } } as const;

function proxyContainer(runtime: ServerRuntime, mounts: V1VolumeMount[]): V1Container | undefined {
  const proxy = runtime.proxy;
  if (!proxy) return undefined;
  return {
    name: PROXY_CONTAINER_NAME,
    image: proxy.image,
    ...(proxy.imagePullPolicy ? { imagePullPolicy: proxy.imagePullPolicy } : {}),
    args: ['proxy'],
    ports: [{ name: MCP_PORT_NAME, containerPort: proxy.port, protocol: 'TCP' }],
    env: proxy.env,
    resources: structuredClone(KIT_SIDECAR_RESOURCES),
    ...kitProbes(),
    // Like the server container: serve until the endpoints dropped the pod, then drain.
    lifecycle: { preStop: { sleep: { seconds: PRE_STOP_DELAY_SECONDS } } },
    volumeMounts: mounts,
    securityContext: serversImageUser(),
  };
}

function bridgeInitContainer(runtime: ServerRuntime): V1Container | undefined {
  const installer = runtime.bridgeInstaller;
  if (!installer) return undefined;
  return {
    name: BRIDGE_INIT_CONTAINER_NAME,
    image: installer.image,
    ...(installer.imagePullPolicy ? { imagePullPolicy: installer.imagePullPolicy } : {}),
    args: ['install-stdio-bridge', BRIDGE_DIR],
    resources: structuredClone(KIT_SIDECAR_RESOURCES),
    volumeMounts: [{ name: BRIDGE_VOLUME, mountPath: BRIDGE_DIR }],
    securityContext: serversImageUser(),
  };
}

/** Seconds a stopping pod keeps serving before SIGTERM, while Services stop routing to it. */
export const PRE_STOP_DELAY_SECONDS = 5;

function podSpec(server: McpServer, runtime: ServerRuntime): V1PodSpec {
  const pod = server.spec.pod;
  const { volumes: vols, mounts, proxyMounts } = volumes(server, runtime);
  const container: V1Container = {
    name: CONTAINER_NAME,
    image: runtime.image,
    ...(runtime.imagePullPolicy ? { imagePullPolicy: runtime.imagePullPolicy } : {}),
    ...(runtime.command ? { command: runtime.command } : {}),
    ...(runtime.args ? { args: runtime.args } : {}),
    ports: [{ name: runtime.proxy ? UPSTREAM_PORT_NAME : MCP_PORT_NAME, containerPort: runtime.port, protocol: 'TCP' }],
    ...(runtime.env.length > 0 ? { env: runtime.env } : {}),
    ...(server.spec.envFrom ? { envFrom: server.spec.envFrom } : {}),
    resources: canonicalResources(server.spec.resources) ?? structuredClone(DEFAULT_RESOURCES),
    ...probes(server, runtime),
    // Endpoints drop a terminating pod asynchronously; keep serving until they have, then drain.
    lifecycle: { preStop: { sleep: { seconds: PRE_STOP_DELAY_SECONDS } } },
    volumeMounts: mounts,
    securityContext: restrictedContainer(),
  };
  const proxy = proxyContainer(runtime, proxyMounts);
  const init = bridgeInitContainer(runtime);
  return {
    serviceAccountName: serviceAccountName(server),
    automountServiceAccountToken: false,
    // The preStop delay, the kit's 25 s drain and its 5 s keep-alive linger, with a margin.
    terminationGracePeriodSeconds: PRE_STOP_DELAY_SECONDS + 25 + 5 + 5,
    securityContext: {
      runAsNonRoot: true,
      ...(runtime.kitHealth && !runtime.bridgeInstaller ? { runAsUser: SERVERS_IMAGE_UID, runAsGroup: SERVERS_IMAGE_UID, fsGroup: SERVERS_IMAGE_UID } : {}),
      seccompProfile: { type: 'RuntimeDefault' },
      ...(pod?.securityContext ?? {}),
    },
    ...(init ? { initContainers: [init] } : {}),
    containers: proxy ? [container, proxy] : [container],
    volumes: vols,
    ...(pod?.nodeSelector ? { nodeSelector: pod.nodeSelector } : {}),
    ...(pod?.tolerations ? { tolerations: pod.tolerations } : {}),
    ...(pod?.affinity ? { affinity: pod.affinity } : {}),
    ...(pod?.topologySpreadConstraints ? { topologySpreadConstraints: pod.topologySpreadConstraints } : {}),
    ...(pod?.imagePullSecrets ? { imagePullSecrets: pod.imagePullSecrets } : {}),
    ...(pod?.priorityClassName ? { priorityClassName: pod.priorityClassName } : {}),
  };
}

/** Whether an autoscaler owns the replica count (then the operator never writes spec.replicas). */
export function autoscalerOwnsReplicas(server: McpServer): boolean {
  return server.spec.autoscaling?.hpa !== undefined || server.spec.autoscaling?.keda !== undefined;
}

export function buildPodTemplate(server: McpServer, ctx: BuildContext): V1PodTemplateSpec {
  const runtime = resolveRuntime(server, ctx);
  const pod = server.spec.pod;
  const identity = podIdentityAnnotations(server);
  const identityAnnotations = Object.keys(identity).length > 0 ? identity : undefined;
  const template: V1PodTemplateSpec = {
    metadata: {
      labels: { ...(pod?.labels ?? {}), ...podIdentityLabels(server), ...childLabels(server) },
      // The identity summary rolls the pods when the role or client ID changes: the identity
      // webhooks inject credentials only when a pod is created.
      ...(pod?.annotations || identityAnnotations ? { annotations: { ...(pod?.annotations ?? {}), ...identityAnnotations } } : {}),
    },
    spec: podSpec(server, runtime),
  };
  const hash = configHash(template, ctx.referencedVersions);
  template.metadata!.annotations = { ...(template.metadata!.annotations ?? {}), [ANNOTATIONS.configHash]: hash };
  return template;
}

export function buildDeployment(server: McpServer, ctx: BuildContext): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: childMetadata(server),
    spec: {
      ...(autoscalerOwnsReplicas(server) ? {} : { replicas: server.spec.replicas }),
      selector: { matchLabels: selectorLabels(server) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } },
      revisionHistoryLimit: 5,
      template: buildPodTemplate(server, ctx),
    },
  };
}
