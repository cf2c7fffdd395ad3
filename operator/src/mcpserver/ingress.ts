// The Ingress for spec.expose.ingress, any class. For className alb the AWS Load Balancer
// Controller annotations are rendered from the typed spec.expose.ingress.alb fields; the user's
// annotations are merged on top so anything the typed fields do not cover stays possible.
import type { V1Ingress } from '@kubernetes/client-node';
import { HEALTH_PATHS } from '../api/constants.ts';
import type { McpServer } from '../api/mcpserver.ts';
import { childMetadata } from './labels.ts';

export const ALB_CLASS = 'alb';
export const ALB_PREFIX = 'alb.ingress.kubernetes.io';
/** Shorter than the ALB default of 300 s so rollouts drain fast; the kit drains in 25 s. */
export const DEFAULT_DEREGISTRATION_DELAY_SECONDS = 30;

type Ingress = NonNullable<McpServer['spec']['expose']['ingress']>;
type AlbSettings = NonNullable<Ingress['alb']>;

/** The HTTP path the pods report readiness on, or undefined when readiness is a TCP check. */
export function readinessPath(server: McpServer): string | undefined {
  const custom = server.spec.probes?.readiness;
  if (custom) return custom.httpGet?.path;
  return server.spec.catalog !== undefined ? HEALTH_PATHS.readiness : undefined;
}

export function isAlb(ingress: Ingress | undefined): boolean {
  return ingress?.className === ALB_CLASS;
}

function listenPorts(alb: AlbSettings): { protocol: 'HTTP' | 'HTTPS'; port: number }[] {
  if (alb.listenPorts && alb.listenPorts.length > 0) return alb.listenPorts;
  return alb.certificateArn ? [{ protocol: 'HTTPS', port: 443 }] : [{ protocol: 'HTTP', port: 80 }];
}

/** AWS Load Balancer Controller annotations from the typed fields. */
export function albAnnotations(server: McpServer, alb: AlbSettings = { scheme: 'internal', targetType: 'ip' }): Record<string, string> {
  const ports = listenPorts(alb);
  const a: Record<string, string> = {
    [`${ALB_PREFIX}/scheme`]: alb.scheme,
    [`${ALB_PREFIX}/target-type`]: alb.targetType,
    [`${ALB_PREFIX}/backend-protocol`]: 'HTTP',
    // The controller's format: a JSON list of one-entry objects, e.g. [{"HTTPS":443}].
    [`${ALB_PREFIX}/listen-ports`]: JSON.stringify(ports.map((p) => ({ [p.protocol]: p.port }))),
    [`${ALB_PREFIX}/target-group-attributes`]: `deregistration_delay.timeout_seconds=${alb.deregistrationDelaySeconds ?? DEFAULT_DEREGISTRATION_DELAY_SECONDS}`,
  };
  const healthPath = alb.healthcheckPath ?? readinessPath(server);
  if (healthPath) {
    a[`${ALB_PREFIX}/healthcheck-path`] = healthPath;
  } else {
    // No HTTP readiness endpoint (an image server with a TCP probe): check the MCP endpoint,
    // which answers a plain GET with 4xx when healthy (405/406), never 5xx.
    a[`${ALB_PREFIX}/healthcheck-path`] = server.spec.transport.path;
    a[`${ALB_PREFIX}/success-codes`] = '200-499';
  }
  if (alb.certificateArn) a[`${ALB_PREFIX}/certificate-arn`] = alb.certificateArn;
  if (alb.groupName) a[`${ALB_PREFIX}/group.name`] = alb.groupName;
  const https = ports.find((p) => p.protocol === 'HTTPS');
  if (https && ports.some((p) => p.protocol === 'HTTP')) a[`${ALB_PREFIX}/ssl-redirect`] = String(https.port);
  return a;
}

export function buildIngress(server: McpServer): V1Ingress | undefined {
  const ingress = server.spec.expose.ingress;
  if (!ingress) return undefined;
  const generated = isAlb(ingress) ? albAnnotations(server, ingress.alb) : {};
  const annotations = { ...generated, ...(ingress.annotations ?? {}) };
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { ...childMetadata(server), ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
    spec: {
      ...(ingress.className ? { ingressClassName: ingress.className } : {}),
      rules: [
        {
          ...(ingress.host ? { host: ingress.host } : {}),
          http: {
            paths: [{ path: ingress.path, pathType: ingress.pathType, backend: { service: { name: server.metadata.name!, port: { number: server.spec.expose.service.port } } } }],
          },
        },
      ],
      ...(ingress.tls ? { tls: ingress.tls } : {}),
    },
  };
}

/** The load balancer's address once the ingress controller has published one. */
export function ingressAddress(live: V1Ingress | undefined): string | undefined {
  const first = live?.status?.loadBalancer?.ingress?.[0];
  return first?.hostname || first?.ip || undefined;
}

/**
 * status.externalUrl: the MCP endpoint through the Ingress, once it has an address. The host
 * clients use is spec host when set (DNS points it at the balancer), else the balancer itself.
 */
export function externalUrl(server: McpServer, live: V1Ingress | undefined): string | undefined {
  const ingress = server.spec.expose.ingress;
  const address = ingressAddress(live);
  if (!ingress || !address) return undefined;
  const alb = isAlb(ingress) ? ingress.alb : undefined;
  const tls = (ingress.tls?.length ?? 0) > 0 || (alb !== undefined && listenPorts(alb).some((p) => p.protocol === 'HTTPS'));
  const host = ingress.host ?? address;
  const portsOfScheme = alb ? listenPorts(alb).filter((p) => p.protocol === (tls ? 'HTTPS' : 'HTTP')).map((p) => p.port) : [];
  const port = portsOfScheme[0];
  const defaultPort = tls ? 443 : 80;
  const hostPort = port !== undefined && port !== defaultPort ? `${host}:${port}` : host;
  return `${tls ? 'https' : 'http'}://${hostPort}${server.spec.transport.path}`;
}
