// The chart's optional web console, rendered with the real helm: absent by default; when enabled
// a Deployment (args parsed by the console's own flag parser), a Service, and a read-only
// ServiceAccount whose ClusterRole covers exactly what the console reads plus SubjectAccessReviews.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { parseConsoleConfig } from '../../operator/src/console/config.ts';
import { OWNED_KINDS } from '../../operator/src/mcpserver/children.ts';
import { CHART_DIR, helmRunner, parseManifests } from './tools.ts';
import type { K8sObject } from './tools.ts';

const NS = 'mcpfleet-system';
const VALIDATORS: Record<string, (o: K8sObject) => void> = {
  Deployment: (o) => new Deployment(o as never).validate(),
  Service: (o) => new Service(o as never).validate(),
  ServiceAccount: (o) => new ServiceAccount(o as never).validate(),
  ClusterRole: (o) => new ClusterRole(o as never).validate(),
  ClusterRoleBinding: (o) => new ClusterRoleBinding(o as never).validate(),
};

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

function consoleObjects(objects: K8sObject[]): K8sObject[] {
  return objects.filter((o) => o.metadata.labels?.['app.kubernetes.io/component'] === 'console');
}

describe('Helm chart: the optional console', function () {
  this.timeout(120_000);
  let home: string;
  let helm: ReturnType<typeof helmRunner>;
  const render = async (...args: string[]): Promise<K8sObject[]> => {
    const out = await helm(['template', 'mcpfleet', CHART_DIR, '--namespace', NS, ...args]);
    assert.equal(out.code, 0, out.stderr);
    const objects = parseManifests(out.stdout);
    for (const o of objects) VALIDATORS[o.kind]?.(o);
    return objects;
  };

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'mcpfleet-chart-console-'));
    helm = helmRunner(home);
  });
  after(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('is off by default', async () => {
    assert.deepEqual(consoleObjects(await render()), []);
  });

  it('renders a Deployment listening on loopback with the ServiceAccount identity, a Service, and read-only RBAC', async () => {
    const objects = consoleObjects(await render('--set', 'console.enabled=true'));
    assert.deepEqual(objects.map((o) => o.kind).sort(), ['ClusterRole', 'ClusterRoleBinding', 'Deployment', 'Service', 'ServiceAccount']);
    const deployment = objects.find((o) => o.kind === 'Deployment') as unknown as { spec: { selector: { matchLabels: Record<string, string> }; template: { spec: { serviceAccountName: string; containers: { command: string[]; args: string[] }[] } } } };
    const pod = deployment.spec.template.spec;
    assert.equal(pod.serviceAccountName, 'mcpfleet-console');
    assert.equal(deployment.spec.selector.matchLabels['app.kubernetes.io/component'], 'console', 'never selects the operator pods');
    const container = pod.containers[0]!;
    assert.deepEqual(container.command, ['node', '/app/operator/src/console/main.js']);
    const config = parseConsoleConfig(container.args, { KUBERNETES_SERVICE_HOST: '10.96.0.1' });
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.mode, 'service-account', 'no proxy configured: no viewer identity, no playground');
    assert.deepEqual(config.allowedHosts, ['mcpfleet-console', `mcpfleet-console.${NS}`, `mcpfleet-console.${NS}.svc`]);

    const role = objects.find((o) => o.kind === 'ClusterRole') as unknown as { rules: Rule[] };
    const allows = (group: string, resource: string, verb: string) => role.rules.some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb));
    for (const rule of role.rules) {
      const writes = rule.verbs.filter((v) => !['get', 'list', 'watch'].includes(v));
      if (writes.length > 0) assert.deepEqual({ groups: rule.apiGroups, resources: rule.resources, verbs: writes }, { groups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] }, 'read-only except access reviews');
    }
    assert.ok(allows('authorization.k8s.io', 'subjectaccessreviews', 'create'));
    for (const verb of ['get', 'list', 'watch']) assert.ok(allows('mcpfleet.dev', 'mcpservers', verb), `mcpservers ${verb}`);
    assert.ok(allows('', 'events', 'list'));
    assert.ok(allows('', 'secrets', 'get'), 'reads the API key to call a server for an authorized viewer');
    for (const kind of OWNED_KINDS) {
      const group = kind.apiVersion.includes('/') ? kind.apiVersion.split('/')[0]! : '';
      const plural = kind.path.split('/').pop()!;
      assert.ok(allows(group, plural, 'list'), `the console lists ${kind.kind} children (${group}/${plural})`);
    }
    const binding = objects.find((o) => o.kind === 'ClusterRoleBinding') as unknown as { subjects: { name: string; namespace: string }[] };
    assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'mcpfleet-console', namespace: NS }]);
  });

  it('passes the proxy headers, extra hosts and the listen address through', async () => {
    const objects = consoleObjects(
      await render('--set', 'console.enabled=true', '--set', 'console.host=0.0.0.0', '--set', 'console.port=9000', '--set', 'console.auth.userHeader=X-Forwarded-User', '--set', 'console.auth.groupsHeader=X-Forwarded-Groups', '--set', 'console.allowedHosts={console.example.com}', '--set', 'console.namespace=team-a', '--set', 'console.prometheusUrl=http://prometheus-operated.monitoring.svc:9090'),
    );
    const deployment = objects.find((o) => o.kind === 'Deployment') as unknown as { spec: { template: { spec: { containers: { args: string[]; ports: { containerPort: number }[] }[] } } } };
    const container = deployment.spec.template.spec.containers[0]!;
    const config = parseConsoleConfig(container.args, { KUBERNETES_SERVICE_HOST: '10.96.0.1' });
    assert.equal(config.mode, 'proxy');
    assert.deepEqual(config.viewerHeaders, { user: 'X-Forwarded-User', groups: 'X-Forwarded-Groups' });
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.port, 9000);
    assert.equal(config.namespace, 'team-a');
    assert.equal(config.prometheusUrl, 'http://prometheus-operated.monitoring.svc:9090');
    assert.ok(config.allowedHosts.includes('console.example.com'));
    assert.equal(container.ports[0]!.containerPort, 9000);
  });

  it('rejects bad console values with the value named', async () => {
    for (const [value, path] of [
      ['console.auth.userHeader=bad header', 'userHeader'],
      ['console.port=0', 'port'],
      ['console.allowedHosts={a/b}', 'allowedHosts'],
      ['console.unknown=1', 'unknown'],
      ['console.prometheusUrl=ftp://x', 'prometheusUrl'],
    ] as const) {
      const out = await helm(['template', 'mcpfleet', CHART_DIR, '--namespace', NS, '--set', 'console.enabled=true', '--set', value]);
      assert.notEqual(out.code, 0, `${value} should fail`);
      assert.match(out.stderr, new RegExp(path), out.stderr);
    }
  });
});
