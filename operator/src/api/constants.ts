// Names that the operator, the CRD, the Helm chart and the tests must agree on.

export const GROUP = 'mcpfleet.dev';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;
export const KIND = 'McpServer';
export const LIST_KIND = 'McpServerList';
export const PLURAL = 'mcpservers';
export const SINGULAR = 'mcpserver';
export const SHORT_NAMES = ['mcp'] as const;
export const CATEGORIES = ['mcpfleet'] as const;
export const CRD_NAME = `${PLURAL}.${GROUP}`;

/** The one server-side-apply field manager for every write the operator makes. */
export const FIELD_MANAGER = 'mcpfleet-operator';

/** Recommended labels (https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/). */
export const LABELS = {
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  component: 'app.kubernetes.io/component',
  managedBy: 'app.kubernetes.io/managed-by',
  partOf: 'app.kubernetes.io/part-of',
} as const;
export const MANAGED_BY = 'mcpfleet-operator';
export const COMPONENT = 'mcp-server';

export const ANNOTATIONS = {
  /** Hash of the rendered pod configuration; a change rolls the Deployment. */
  configHash: `${GROUP}/config-hash`,
} as const;

export const CONDITION_TYPES = {
  accepted: 'Accepted',
  available: 'Available',
  verified: 'Verified',
  ready: 'Ready',
  degraded: 'Degraded',
} as const;
export type ConditionType = (typeof CONDITION_TYPES)[keyof typeof CONDITION_TYPES];

/** CamelCase reasons, as Kubernetes conventions require. */
export const REASONS = {
  specValid: 'SpecValid',
  invalidSpec: 'InvalidSpec',
  unknownCatalog: 'UnknownCatalogServer',
  invalidConfig: 'InvalidCatalogConfig',
  /** A field the kind of server cannot enforce: refused rather than silently ignored. */
  notEnforced: 'FieldNotEnforced',
  deploymentAvailable: 'DeploymentAvailable',
  deploymentUnavailable: 'DeploymentUnavailable',
  deploymentProgressing: 'DeploymentProgressing',
  scaledToZero: 'ScaledToZero',
  missingReference: 'MissingReference',
  mcpVerified: 'McpHandshakeSucceeded',
  mcpVerifyFailed: 'McpHandshakeFailed',
  verificationPending: 'VerificationPending',
  ready: 'ServerReady',
  notReady: 'ServerNotReady',
  reconcileError: 'ReconcileError',
  asExpected: 'AsExpected',
} as const;

/** Transport defaults shared by the schema, the builders and the servers' kit. */
export const DEFAULT_PORT = 8080;
export const DEFAULT_MCP_PATH = '/mcp';
export const HEALTH_PATHS = { liveness: '/healthz', readiness: '/readyz', metrics: '/metrics' } as const;

/** Cloud identity (IRSA, EKS Pod Identity, Azure Workload Identity). */
export const IDENTITY = {
  /** The condition that says what identity binding was done, or what is missing. */
  condition: 'IdentityReady',
  /** Holds a McpServer until its EKS Pod Identity association is deleted. */
  podIdentityFinalizer: `${GROUP}/pod-identity`,
  /** On the McpServer: "<cluster>/<associationId>" of the association the operator created. */
  associationAnnotation: `${GROUP}/eks-pod-identity-association`,
  /** On the pod template: the identity the pods were created for (a change rolls them). */
  podAnnotation: `${GROUP}/cloud-identity`,
  /** Tags on EKS associations naming the McpServer that owns them. */
  ownerUidTag: `${GROUP}/owner-uid`,
  ownerTag: `${GROUP}/owner`,
} as const;
