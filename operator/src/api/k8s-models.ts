// The @kubernetes/client-node models the McpServer API embeds; `npm run gen` writes their
// schemas to generated/k8s-schemas.json (kept apart so the generator can run before that file exists).

/** The client-node models the API embeds; `npm run gen` writes exactly these. */
export const K8S_MODELS = [
  'V1EnvVar',
  'V1EnvFromSource',
  'V1ResourceRequirements',
  'V1Toleration',
  'V1Affinity',
  'V1TopologySpreadConstraint',
  'V1LocalObjectReference',
  'V1PodSecurityContext',
  'V1Probe',
  'V1Volume',
  'V1VolumeMount',
  'V2HorizontalPodAutoscalerBehavior',
  'V1IngressTLS',
  'V1NetworkPolicyPeer',
  'V1NetworkPolicyPort',
] as const;
export type K8sModel = (typeof K8S_MODELS)[number];
