// The chart as a published product: Chart.yaml metadata and Artifact Hub annotations that agree
// with the chart, the README `helm show readme` prints (generated from values.yaml, documenting
// every value), the CRD install/keep policy, image digest pins, and the `helm test` hook's check
// run for real against loopback servers.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { chartReadmeOf, valueRows } from './readme.ts';
import { CHART_DIR, REPO_ROOT, helmRunner, parseManifests } from './tools.ts';
import type { K8sObject } from './tools.ts';

const DIGEST_A = `sha256:${'a'.repeat(64)}`;
const DIGEST_B = `sha256:${'b'.repeat(64)}`;

interface ChartYaml {
  version: string;
  appVersion: string;
  home: string;
  sources: string[];
  icon: string;
  maintainers: { name: string }[];
  annotations: Record<string, string>;
}

/** Every leaf path of a values object (maps recursed, everything else a leaf). */
function leafPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || Object.keys(value).length === 0) return [prefix.replace(/\.$/, '')];
  return Object.entries(value).flatMap(([k, v]) => leafPaths(v, `${prefix}${k}.`));
}

/** Runs the test hook's container command (node -e <script>) with its env, locally. */
function runCheck(pod: K8sObject, targetUrl: string): Promise<{ code: number; output: string }> {
  const container = (pod as unknown as { spec: { containers: { command: string[]; env: { name: string; value: string }[] }[] } }).spec.containers[0]!;
  assert.equal(container.command[0], 'node');
  return new Promise((resolve) => {
    execFile(process.execPath, container.command.slice(1), { env: { ...process.env, TARGET_URL: targetUrl }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, output: stdout + stderr });
    });
  });
}

async function serve(handler: http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/readyz`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

describe('Helm chart as a product', function () {
  this.timeout(120_000);
  let home: string;
  let helm: ReturnType<typeof helmRunner>;
  let chart: ChartYaml;
  const render = async (...args: string[]): Promise<K8sObject[]> => {
    const out = await helm(['template', 'mcpfleet', CHART_DIR, '--namespace', 'mcpfleet-system', ...args]);
    assert.equal(out.code, 0, out.stderr);
    return parseManifests(out.stdout);
  };

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'mcpfleet-chart-product-'));
    helm = helmRunner(home);
    chart = parseYaml(await readFile(join(CHART_DIR, 'Chart.yaml'), 'utf8')) as ChartYaml;
  });
  after(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('has home, sources, icon, maintainers and Artifact Hub annotations that agree with the chart', async () => {
    const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { homepage: string; license: string };
    assert.equal(chart.home, pkg.homepage);
    assert.deepEqual(chart.sources, [pkg.homepage]);
    assert.match(chart.icon, /^https:\/\/.+\.svg$/);
    assert.ok(chart.maintainers.length > 0);
    assert.equal(chart.annotations['artifacthub.io/license'], pkg.license);
    const values = parseYaml(await readFile(join(CHART_DIR, 'values.yaml'), 'utf8')) as { image: { repository: string }; serversImage: { repository: string } };
    const images = parseYaml(chart.annotations['artifacthub.io/images'] ?? '') as { name: string; image: string }[];
    assert.deepEqual(images.map((i) => i.image), [`${values.image.repository}:${chart.appVersion}`, `${values.serversImage.repository}:${chart.appVersion}`]);
    const crd = parseYaml(await readFile(join(CHART_DIR, 'generated', 'crds.yaml'), 'utf8')) as { metadata: { name: string }; spec: { names: { kind: string }; versions: { name: string }[] } };
    const crds = parseYaml(chart.annotations['artifacthub.io/crds'] ?? '') as { kind: string; version: string; name: string }[];
    assert.deepEqual(crds.map((c) => [c.kind, c.version, c.name]), [[crd.spec.names.kind, crd.spec.versions[0]!.name, crd.metadata.name]]);
    const changes = parseYaml(chart.annotations['artifacthub.io/changes'] ?? '') as { kind: string; description: string }[];
    for (const change of changes) assert.ok(['added', 'changed', 'deprecated', 'removed', 'fixed', 'security'].includes(change.kind), change.kind);
  });

  it('helm show readme prints the README generated from values.yaml, which documents every value', async () => {
    const shown = await helm(['show', 'readme', CHART_DIR]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.equal(shown.stdout.trimEnd(), (await chartReadmeOf(CHART_DIR)).trimEnd(), 'run npm run gen: charts/mcpfleet/README.md is stale');
    const valuesYaml = await readFile(join(CHART_DIR, 'values.yaml'), 'utf8');
    const documented = valueRows(valuesYaml).map((r) => r.key);
    for (const leaf of leafPaths(parseYaml(valuesYaml))) {
      assert.ok(documented.some((key) => leaf === key || leaf.startsWith(`${key}.`)), `${leaf} is not in the README`);
      assert.ok(shown.stdout.includes('| `' + documented.find((key) => leaf === key || leaf.startsWith(`${key}.`)) + '`'), leaf);
    }
  });

  it('refuses to generate a README for an undocumented value', () => {
    assert.throws(() => valueRows('# -- Documented.\na: 1\nb: 2\n'), /no comment documents b/);
    assert.deepEqual(valueRows('section:\n  # -- The knob.\n  knob: true\n  # -- A map passed through as one value.\n  extra: {x: 1}\n').map((r) => [r.key, r.type, r.default]), [
      ['section.knob', 'boolean', 'true'],
      ['section.extra', 'object', '{"x":1}'],
    ]);
  });

  it('installs the CRD with the keep policy by default, without it on crds.keep=false, not at all on crds.install=false', async () => {
    const crdOf = (objects: K8sObject[]) => objects.find((o) => o.kind === 'CustomResourceDefinition');
    const kept = crdOf(await render());
    assert.equal(kept?.metadata.name, 'mcpservers.mcpfleet.dev');
    assert.equal(kept?.metadata.annotations?.['helm.sh/resource-policy'], 'keep');
    const notKept = crdOf(await render('--set', 'crds.keep=false'));
    assert.ok(notKept);
    assert.equal(notKept.metadata.annotations?.['helm.sh/resource-policy'], undefined);
    assert.equal(crdOf(await render('--set', 'crds.install=false')), undefined);
    const notes = await helm(['install', 'x', CHART_DIR, '--dry-run=client', '--namespace', 'n', '--set', 'crds.install=false']);
    assert.match(notes.stdout, /crds.install is false: this release does not manage the McpServer CRD/);
  });

  it('pins both images by digest', async () => {
    const objects = await render('--set', `image.digest=${DIGEST_A}`, '--set', `serversImage.digest=${DIGEST_B}`, '--set', 'serversImage.tag=1.2.3');
    const deployment = objects.find((o) => o.kind === 'Deployment') as unknown as { spec: { template: { spec: { containers: { image: string; args: string[] }[] } } } };
    const container = deployment.spec.template.spec.containers[0]!;
    assert.equal(container.image, `ghcr.io/mcpfleet/operator@${DIGEST_A}`);
    assert.ok(container.args.includes(`--servers-image-tag=1.2.3@${DIGEST_B}`));
    const bad = await helm(['template', 'x', CHART_DIR, '--set', 'serversImage.digest=sha256:nothex']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /serversImage\/digest/);
  });

  describe('helm test hook', () => {
    let pod: K8sObject;
    before(async () => {
      const objects = await render();
      const found = objects.find((o) => o.kind === 'Pod');
      assert.ok(found);
      pod = found;
    });

    it('is a restricted test pod the operator Service does not select, aimed at the Service /readyz', () => {
      assert.equal(pod.metadata.annotations?.['helm.sh/hook'], 'test');
      assert.equal(pod.metadata.labels?.['app.kubernetes.io/component'], 'test');
      const spec = (pod as unknown as { spec: { restartPolicy: string; containers: { image: string; env: { name: string; value: string }[]; securityContext: Record<string, unknown> }[] } }).spec;
      assert.equal(spec.restartPolicy, 'Never');
      assert.equal(spec.containers[0]?.image, 'ghcr.io/mcpfleet/operator:0.1.0');
      assert.equal(spec.containers[0]?.securityContext.readOnlyRootFilesystem, true);
      assert.deepEqual(spec.containers[0]?.env, [{ name: 'TARGET_URL', value: 'http://mcpfleet-metrics.mcpfleet-system.svc:8081/readyz' }]);
    });

    it('passes when the operator answers 200 and fails on 503, a closed port and a server that never answers', async () => {
      const ok = await serve((_req, res) => res.end('ok'));
      const unready = await serve((_req, res) => {
        res.statusCode = 503;
        res.end();
      });
      const silent = await serve(() => {});
      try {
        assert.equal((await runCheck(pod, ok.url)).code, 0);
        assert.equal((await runCheck(pod, unready.url)).code, 1);
        const closedUrl = ok.url;
        await ok.close();
        const closed = await runCheck(pod, closedUrl);
        assert.equal(closed.code, 1);
        assert.match(closed.output, /ECONNREFUSED/);
        const hung = await runCheck(pod, silent.url);
        assert.equal(hung.code, 1, hung.output);
      } finally {
        await unready.close();
        await silent.close();
      }
    });
  });
});
