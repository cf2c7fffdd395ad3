// The NetworkPolicy for spec.networkPolicy: ingress to the MCP port only from the selected
// peers, the ingress controller (when an Ingress exists) and the operator (it verifies the
// endpoint); egress only to the declared destinations plus cluster DNS, or anywhere when
// egressTo is unset (then the policy does not list the Egress type at all).
import type { V1NetworkPolicy, V1NetworkPolicyEgressRule, V1NetworkPolicyIngressRule, V1NetworkPolicyPeer } from '@kubernetes/client-node';
import type { McpServer } from '../api/mcpserver.ts';
import type { BuildContext } from './context.ts';
import { ALB_CLASS } from './ingress.ts';
import { childMetadata, selectorLabels } from './labels.ts';

const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

function namespacesNamed(names: string[]): V1NetworkPolicyPeer {
  const unique = [...new Set(names)].sort();
  return { namespaceSelector: { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: unique }] } };
}

/** Cluster DNS: CoreDNS/kube-dns pods in kube-system, UDP and TCP 53. */
export const DNS_EGRESS: V1NetworkPolicyEgressRule = {
  to: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
  ports: [
    { protocol: 'UDP', port: 53 },
    { protocol: 'TCP', port: 53 },
  ],
};

/** Where the ingress controller's connections come from, for the class in use. */
export function ingressControllerPeers(server: McpServer): V1NetworkPolicyPeer[] {
  const ingress = server.spec.expose.ingress;
  if (!ingress) return [];
  const custom = server.spec.networkPolicy?.ingressControllerFrom;
  if (custom) return custom;
  // An ALB (ip or instance targets) connects from its addresses inside the VPC, not from a pod.
  if (ingress.className === ALB_CLASS) return PRIVATE_RANGES.map((cidr) => ({ ipBlock: { cidr } }));
  return [namespacesNamed(['ingress-nginx', ...(ingress.className ? [ingress.className] : [])])];
}

/**
 * The proxies whose X-Forwarded-For the server trusts (TRUSTED_PROXY_CIDRS): the spec's list, or
 * by default the ipBlock ranges the ingress controller connects from (without exceptions; a
 * namespace or pod selector has no address range to trust).
 */
export function trustedProxyRanges(server: McpServer): string[] {
  const ingress = server.spec.expose.ingress;
  if (!ingress) return [];
  if (ingress.trustedProxies) return ingress.trustedProxies;
  return ingressControllerPeers(server).flatMap((peer) => (peer.ipBlock && !peer.ipBlock.except?.length ? [peer.ipBlock.cidr] : []));
}

export function buildNetworkPolicy(server: McpServer, ctx: Pick<BuildContext, 'operatorNamespace'>): V1NetworkPolicy | undefined {
  const policy = server.spec.networkPolicy;
  if (!policy?.enabled) return undefined;
  const from: V1NetworkPolicyPeer[] = [
    ...(policy.ingressFrom ?? [{ podSelector: {} }]),
    ...ingressControllerPeers(server),
    ...(ctx.operatorNamespace && ctx.operatorNamespace !== server.metadata.namespace ? [namespacesNamed([ctx.operatorNamespace])] : []),
  ];
  const egress = policy.egressTo?.map((rule) => ({ ...(rule.to ? { to: rule.to } : {}), ...(rule.ports ? { ports: rule.ports } : {}) }));
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: childMetadata(server),
    spec: {
      podSelector: { matchLabels: selectorLabels(server) },
      policyTypes: egress ? ['Ingress', 'Egress'] : ['Ingress'],
      // client-node's model names the field `_from` (from is reserved); the API's name is `from`.
      ingress: [{ from, ports: [{ protocol: 'TCP', port: server.spec.transport.port }] } as V1NetworkPolicyIngressRule],
      ...(egress ? { egress: [...egress, DNS_EGRESS] } : {}),
    },
  };
}
