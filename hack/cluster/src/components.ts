// Command lines of the control-plane components. Pure: paths and ports in, argv out.

export interface Layout {
  dir: string;
  etcdClientPort: number;
  etcdPeerPort: number;
  apiserverPort: number;
  controllerManagerPort: number;
  schedulerPort: number;
  kwokPort: number;
}

export const file = (l: Layout, name: string) => `${l.dir}/${name}`;

export function etcdArgs(l: Layout): string[] {
  const client = `http://127.0.0.1:${l.etcdClientPort}`;
  const peer = `http://127.0.0.1:${l.etcdPeerPort}`;
  return [
    '--name=default',
    `--data-dir=${file(l, 'etcd-data')}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=default=${peer}`,
    // A throw-away test cluster: durability on power loss buys nothing and fsync is slow on a busy disk.
    '--unsafe-no-fsync',
    '--quota-backend-bytes=4294967296',
    '--log-level=warn',
  ];
}

export const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

export function apiserverArgs(l: Layout): string[] {
  return [
    `--etcd-servers=http://127.0.0.1:${l.etcdClientPort}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${l.apiserverPort}`,
    // No --tls-cert-file: the API server writes a self-signed CA and serving cert for 127.0.0.1 here.
    `--cert-dir=${file(l, 'apiserver-certs')}`,
    `--token-auth-file=${file(l, 'tokens.csv')}`,
    '--authorization-mode=RBAC',
    '--enable-admission-plugins=NamespaceLifecycle,LimitRanger,ServiceAccount,PodSecurity,DefaultTolerationSeconds,OwnerReferencesPermissionEnforcement,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ValidatingAdmissionPolicy,ResourceQuota',
    `--service-account-issuer=${SERVICE_ACCOUNT_ISSUER}`,
    `--service-account-key-file=${file(l, 'sa.pub')}`,
    `--service-account-signing-key-file=${file(l, 'sa.key')}`,
    '--service-cluster-ip-range=10.96.0.0/16',
    `--audit-policy-file=${file(l, 'audit-policy.yaml')}`,
    `--audit-log-path=${file(l, 'audit.log')}`,
    '--audit-log-maxsize=0',
    '--profiling=false',
    '--v=0',
  ];
}

export function controllerManagerArgs(l: Layout): string[] {
  return [
    `--kubeconfig=${file(l, 'controller-manager.kubeconfig')}`,
    `--authentication-kubeconfig=${file(l, 'controller-manager.kubeconfig')}`,
    `--authorization-kubeconfig=${file(l, 'controller-manager.kubeconfig')}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${l.controllerManagerPort}`,
    `--cert-dir=${file(l, 'controller-manager-certs')}`,
    '--leader-elect=false',
    `--service-account-private-key-file=${file(l, 'sa.key')}`,
    `--root-ca-file=${file(l, 'apiserver-certs/apiserver.crt')}`,
    // Nodes are kwok's fakes: no IPAM, no cloud, no volumes to attach.
    '--controllers=*,-nodeipam,-cloud-node-lifecycle,-service-lb-controller,-route,-attachdetach,-persistentvolume-binder,-persistentvolume-expander,-ttl',
    '--concurrent-gc-syncs=20',
    // How long a Node may go without a heartbeat (its Lease) before the node-lifecycle controller
    // marks it NotReady and its Pods not ready. The default 50 s is shorter than a restart of
    // kube-apiserver or etcd on a busy 2-core machine (down, up, then every client's watch backoff);
    // like an operator who upgrades a single control plane in place, cover the restart.
    '--node-monitor-grace-period=2m',
    '--v=0',
  ];
}

export function schedulerArgs(l: Layout): string[] {
  return [
    `--kubeconfig=${file(l, 'scheduler.kubeconfig')}`,
    `--authentication-kubeconfig=${file(l, 'scheduler.kubeconfig')}`,
    `--authorization-kubeconfig=${file(l, 'scheduler.kubeconfig')}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${l.schedulerPort}`,
    `--cert-dir=${file(l, 'scheduler-certs')}`,
    '--leader-elect=false',
    '--v=0',
  ];
}

export const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';

export function kwokArgs(l: Layout, stagesFile: string): string[] {
  return [
    `--kubeconfig=${file(l, 'kwok.kubeconfig')}`,
    `--config=${stagesFile}`,
    '--manage-all-nodes=false',
    `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION}=fake`,
    `--server-address=127.0.0.1:${l.kwokPort}`,
    '--node-ip=127.0.0.1',
    // The Nodes' heartbeat: a Lease renewed every 10 s (a quarter of its duration), as the kubelet
    // does. Without the flag kwok holds no Lease (the default lives only in a KwokConfiguration,
    // which --config here does not carry) and the heartbeat stage refreshes the Node status only
    // every 10–20 minutes, so the node-lifecycle controller marked the Node NotReady once per grace
    // period and every Pod on it not ready; kwok set the Node Ready again but never the Pods.
    '--node-lease-duration-seconds=40',
    '--cidr=10.244.0.0/16',
  ];
}

/** Only what tests count: requests of people and of the operator, not of the control plane itself. */
export const AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: None
    users: [system:kube-controller-manager, system:kube-scheduler, system:kwok, system:apiserver]
  - level: None
    nonResourceURLs: ['/healthz*', '/readyz*', '/livez*', '/version', '/openapi*', '/api', '/apis', '/apis/*']
  - level: Metadata
`;
