// The real control plane (hack/cluster) as a harness backend: one shared cluster per test run,
// reset between tests (fresh team namespaces, only the CRDs the test asks for), the operator
// under its own ServiceAccount bound by the chart's RBAC, catalog pods (kwok runs them as fakes)
// served by in-process kit servers, and request accounting read from the audit log.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { AuditAccounting } from '../../hack/cluster/src/audit.ts';
import type { LocalCluster } from '../../hack/cluster/src/cluster.ts';
import { waitForCrdEstablished } from '../../hack/cluster/src/crd.ts';
import { pollUntil } from '../../hack/cluster/src/http.ts';
import { sharedCluster } from '../../hack/cluster/src/shared.ts';
import { CHART_DIR, helmRunner, kubectlRunner, parseManifests } from '../../hack/chart/tools.ts';
import type { PodRunner, RunningPod } from '../../hack/kube-sim/src/kubelet.ts';
import type { KubeObject } from '../../hack/kube-sim/src/types.ts';
import type { EndpointResolver } from '../src/mcpserver/verifier.ts';

export const OPERATOR_NAMESPACE = 'mcpfleet-system';
/** The chart's ServiceAccount for release "mcpfleet" (helm template names it after the release). */
export const OPERATOR_SERVICE_ACCOUNT = 'mcpfleet';
export const OPERATOR_USER = `system:serviceaccount:${OPERATOR_NAMESPACE}:${OPERATOR_SERVICE_ACCOUNT}`;
const TEAM_NAMESPACES = ['team-a', 'team-b'];
const SETUP_TIMEOUT_MS = 120_000;
const MCP_CRD = 'mcpservers.mcpfleet.dev';

export interface RealBackend {
  cluster: LocalCluster;
  /** kubeconfig of the operator's own ServiceAccount token. */
  operatorKubeconfigPath: string;
  accounting: AuditAccounting;
  resolver: EndpointResolver;
  /** Stops the in-process pods; throws when the operator was refused a request or ran as another user. */
  stop(): Promise<void>;
}

interface Setup {
  workDir: string;
  kubectl: ReturnType<typeof kubectlRunner>;
  operatorKubeconfigPath: string;
  accounting: AuditAccounting;
}

let setup: Promise<Setup> | undefined;

async function must(what: string, result: Promise<{ code: number; stdout: string; stderr: string }>): Promise<string> {
  const r = await result;
  if (r.code !== 0) throw new Error(`${what} failed (${r.code}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

async function checked<T>(what: string, response: Promise<{ status: number; body: T }>, ok: number[] = [200, 201]): Promise<T> {
  const r = await response;
  if (!ok.includes(r.status)) throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Once per run: the McpServer CRD, the operator namespace, and the chart's ServiceAccount and RBAC. */
async function setUpOnce(cluster: LocalCluster, repoRoot: string): Promise<Setup> {
  const workDir = await mkdtemp(path.join(tmpdir(), 'mcpfleet-real-'));
  const kubectl = kubectlRunner(cluster.kubeconfigPath, path.join(workDir, 'kube-cache'));
  await checked('create namespace', cluster.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: OPERATOR_NAMESPACE } }), [201, 409]);
  await must('apply the McpServer CRD', kubectl(['apply', '--server-side', '--force-conflicts', '-f', path.join(repoRoot, 'crds/mcpservers.mcpfleet.dev.yaml')]));
  await waitForCrdEstablished(cluster, MCP_CRD);

  // The identity the chart gives the operator, rendered by the real helm from the chart.
  const helm = helmRunner(path.join(workDir, 'helm'));
  const rendered = await must('helm template', helm(['template', 'mcpfleet', CHART_DIR, '--namespace', OPERATOR_NAMESPACE, '--show-only', 'templates/rbac.yaml', '--show-only', 'templates/serviceaccount.yaml']));
  const rbacFile = path.join(workDir, 'operator-rbac.yaml');
  await writeFile(rbacFile, rendered);
  await must('apply the chart RBAC', kubectl(['apply', '--server-side', '--force-conflicts', '-n', OPERATOR_NAMESPACE, '-f', rbacFile]));
  const accounts = parseManifests(rendered).filter((o) => o.kind === 'ServiceAccount').map((o) => o.metadata.name);
  if (!accounts.includes(OPERATOR_SERVICE_ACCOUNT)) throw new Error(`the chart renders ServiceAccount(s) ${accounts.join(', ')}, not ${OPERATOR_SERVICE_ACCOUNT}`);

  const tokenRequest = await checked<{ status: { token: string } }>(
    'TokenRequest for the operator',
    cluster.request('POST', `/api/v1/namespaces/${OPERATOR_NAMESPACE}/serviceaccounts/${OPERATOR_SERVICE_ACCOUNT}/token`, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 86_400 } }),
  );
  const operatorKubeconfigPath = path.join(workDir, 'operator.kubeconfig');
  await writeFile(operatorKubeconfigPath, cluster.kubeconfigFor(tokenRequest.status.token, OPERATOR_SERVICE_ACCOUNT, OPERATOR_NAMESPACE), { mode: 0o600 });
  return { workDir, kubectl, operatorKubeconfigPath, accounting: new AuditAccounting(cluster.auditLogPath, { userAgent: 'mcpfleet-operator', username: OPERATOR_USER, excusedRefusalAt: (at) => cluster.restartingAt(at) }) };
}

function crdNames(yamlText: string): string[] {
  return parseAllDocuments(yamlText)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o?.kind === 'CustomResourceDefinition')
    .map((o) => o.metadata.name!);
}

/** Deletes every McpServer in the cluster, stripping finalizers first: the operator of the last test is gone. */
async function deleteAllMcpServers(cluster: LocalCluster): Promise<void> {
  const all = '/apis/mcpfleet.dev/v1alpha1/mcpservers';
  const list = await checked<{ items: KubeObject[] }>('list McpServers', cluster.request('GET', all));
  for (const item of list.items) {
    const one = `/apis/mcpfleet.dev/v1alpha1/namespaces/${item.metadata.namespace}/mcpservers/${item.metadata.name}`;
    if (item.metadata.finalizers?.length) await cluster.request('PATCH', one, { metadata: { finalizers: null } }, 'application/merge-patch+json');
    await cluster.request('DELETE', one);
  }
  await pollUntil('every McpServer gone', async () => (await checked<{ items: unknown[] }>('list', cluster.request('GET', all))).items.length === 0, SETUP_TIMEOUT_MS);
}

/** A clean slate for one test: fresh team namespaces, no McpServers in default, no leftover Leases. */
async function resetCluster(cluster: LocalCluster, s: Setup, repoRoot: string, manifests: string[]): Promise<void> {
  await deleteAllMcpServers(cluster);
  // Both namespaces at once: the namespace controller finalizes them in parallel.
  for (const ns of TEAM_NAMESPACES) await cluster.request('DELETE', `/api/v1/namespaces/${ns}`);
  for (const ns of TEAM_NAMESPACES) {
    await pollUntil(`namespace ${ns} deleted`, async () => (await cluster.request('GET', `/api/v1/namespaces/${ns}`)).status === 404, SETUP_TIMEOUT_MS, 250);
  }
  await cluster.request('DELETE', `/apis/coordination.k8s.io/v1/namespaces/${OPERATOR_NAMESPACE}/leases`);
  for (const ns of TEAM_NAMESPACES) await checked(`create namespace ${ns}`, cluster.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }));
  // Pods need the namespace's "default" ServiceAccount (ServiceAccount admission) before they can be created.
  for (const ns of TEAM_NAMESPACES) await pollUntil(`default ServiceAccount in ${ns}`, async () => (await cluster.request('GET', `/api/v1/namespaces/${ns}/serviceaccounts/default`)).status === 200, SETUP_TIMEOUT_MS);

  const wanted = new Set<string>();
  for (const file of manifests) {
    const full = path.isAbsolute(file) ? file : path.join(repoRoot, file);
    const names = crdNames(await readFile(full, 'utf8'));
    for (const name of names) wanted.add(name);
    await must(`apply ${file}`, s.kubectl(['apply', '--server-side', '--force-conflicts', '-f', full]));
    for (const name of names) await waitForCrdEstablished(cluster, name);
  }
  // Only the CRDs this test asked for besides McpServer's (another suite may have registered more).
  const crds = await checked<{ items: KubeObject[] }>('list CRDs', cluster.request('GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions'));
  for (const name of crds.items.map((c) => c.metadata.name!).filter((n) => n !== MCP_CRD && !wanted.has(n))) {
    await must(`delete crd ${name}`, s.kubectl(['delete', 'crd', name, '--ignore-not-found', '--wait=true', '--timeout=120s']));
  }
}

interface PodList {
  items: (KubeObject & { status?: { conditions?: { type: string; status: string }[] } })[];
}

/**
 * The verifier's endpoints on the real backend: kwok fakes the Pods, so each Ready Pod of a server
 * gets an in-process catalog server (started on first sight, stopped when the Pod is gone).
 */
function podServingResolver(cluster: LocalCluster, runner: PodRunner): { resolver: EndpointResolver; stopAll(): Promise<void> } {
  // Pod uid → its server ("namespace/name") and the in-process server serving it.
  const running = new Map<string, { owner: string; pod: Promise<RunningPod> }>();
  const stop = async (uid: string) => {
    const entry = running.get(uid);
    running.delete(uid);
    await (await entry?.pod.catch(() => undefined))?.stop();
  };
  return {
    resolver: {
      async endpoints(server) {
        const ns = server.metadata.namespace!;
        const owner = `${ns}/${server.metadata.name}`;
        const selector = encodeURIComponent(`app.kubernetes.io/instance=${server.metadata.name},app.kubernetes.io/component=mcp-server`);
        const pods = await checked<PodList>('list pods', cluster.request('GET', `/api/v1/namespaces/${ns}/pods?labelSelector=${selector}`));
        const ready = pods.items.filter((p) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') && runner.matches(p, p));
        const live = new Set(ready.map((p) => p.metadata.uid!));
        for (const [uid, entry] of running) if (entry.owner === owner && !live.has(uid)) await stop(uid);
        const addresses: string[] = [];
        for (const pod of ready) {
          const uid = pod.metadata.uid!;
          if (!running.has(uid)) running.set(uid, { owner, pod: runner.start(pod) });
          addresses.push((await running.get(uid)!.pod).address);
        }
        return addresses.sort();
      },
    },
    async stopAll() {
      for (const uid of [...running.keys()]) await stop(uid);
    },
  };
}

export async function startRealBackend(repoRoot: string, manifests: string[], runner: PodRunner | undefined): Promise<RealBackend> {
  const cluster = await sharedCluster();
  setup ??= setUpOnce(cluster, repoRoot).catch((error: unknown) => {
    setup = undefined;
    throw error;
  });
  const s = await setup;
  await resetCluster(cluster, s, repoRoot, manifests);
  // The audit log spans the run: count only what happens from this test on.
  s.accounting.reset();
  const violationsBefore = s.accounting.violations().length;
  const pods = runner ? podServingResolver(cluster, runner) : undefined;
  return {
    cluster,
    operatorKubeconfigPath: s.operatorKubeconfigPath,
    accounting: s.accounting,
    resolver: pods?.resolver ?? { endpoints: () => [] },
    async stop() {
      await pods?.stopAll();
      // Least privilege, enforced: a request the chart's RBAC does not allow fails the test that made it.
      const violations = s.accounting.violations().slice(violationsBefore);
      if (violations.length > 0) throw new Error(`the operator's ServiceAccount was refused or bypassed:\n${violations.slice(0, 20).join('\n')}`);
    },
  };
}
