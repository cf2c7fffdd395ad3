// `npm run release` against real servers: Debian's docker-registry on loopback receives both
// images (digests equal to the build's, read back through the registry API) and the chart as an
// OCI artifact, which `helm show` and `helm install oci://…` (against kube-sim, operator pods as
// real processes) read back; the ECR steps run against moto's ECR.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeRepositoriesCommand, ECRClient, GetLifecyclePolicyCommand } from '@aws-sdk/client-ecr';
import { parse as parseYaml } from 'yaml';
import { chartOperatorRunner } from '../chart/operator-runner.ts';
import { helmRunner, kubectlRunner } from '../chart/tools.ts';
import { buildImages } from '../images/build.ts';
import type { BuiltImage } from '../images/build.ts';
import { execTool } from '../images/exec.ts';
import { REPO_ROOT } from '../images/paths.ts';
import { startKubeSim } from '../kube-sim/src/api.ts';
import type { KubeSim } from '../kube-sim/src/api.ts';
import { LIFECYCLE_POLICY } from './ecr.ts';
import { startLocalRegistry } from './local-registry.ts';
import type { LocalRegistry } from './local-registry.ts';
import { startMoto } from './moto.ts';
import type { MotoServer } from './moto.ts';
import { release } from './release.ts';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

async function registryDigest(host: string, repository: string, reference: string): Promise<string | null> {
  const res = await fetch(`http://${host}/v2/${repository}/manifests/${reference}`, { method: 'HEAD', headers: { accept: OCI_MANIFEST } });
  return res.status === 200 ? res.headers.get('docker-content-digest') : null;
}

describe('npm run release (docker-registry, skopeo, helm, moto ECR)', function () {
  this.timeout(900_000);
  let registry: LocalRegistry;
  let images: BuiltImage[];
  let work: string;

  before(async () => {
    registry = await startLocalRegistry();
    images = (await buildImages()).images;
    work = await mkdtemp(join(tmpdir(), 'mcpfleet-release-'));
  });

  after(async () => {
    await registry?.stop();
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  const releaseCli = (...args: string[]) => execTool(process.execPath, [join(REPO_ROOT, 'hack', 'release', 'main.ts'), ...args], { cwd: REPO_ROOT, timeoutMs: 600_000 });

  it('pushes both images and prints the digests the registry stores', async () => {
    const out = await releaseCli('--registry', `${registry.host}/mcpfleet`, '--tag', '0.1.0-test.1');
    assert.equal(out.code, 0, out.stderr);
    for (const image of images) {
      const line = `${registry.host}/mcpfleet/${image.name}:0.1.0-test.1@${image.digest}`;
      assert.ok(out.stdout.includes(line), `${out.stdout} lacks ${line}`);
      assert.equal(await registryDigest(registry.host, `mcpfleet/${image.name}`, '0.1.0-test.1'), image.digest);
    }
  });

  it('refuses a registry with a scheme and a tag with a path, pushing nothing', async () => {
    const scheme = await releaseCli('--registry', `http://${registry.host}`, '--tag', 'ok');
    assert.equal(scheme.code, 1);
    assert.match(scheme.stderr, /expected host\[:port\]\[\/path\] in lower case, without a scheme/);
    const tag = await releaseCli('--registry', `${registry.host}/evil`, '--tag', '../x');
    assert.equal(tag.code, 1);
    assert.match(tag.stderr, /--tag \.\.\/x: a tag is/);
    assert.equal(await registryDigest(registry.host, 'evil/operator', 'ok'), null);
    const usage = await releaseCli('--tag', 'only');
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /usage: npm run release/);
  });

  describe('ECR (moto)', () => {
    let moto: MotoServer;
    let ecr: ECRClient;
    const saved: Record<string, string | undefined> = {};
    const env: Record<string, string> = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'eu-west-1' };

    before(async () => {
      moto = await startMoto();
      env.AWS_ENDPOINT_URL_ECR = moto.endpoint;
      for (const [key, value] of Object.entries(env)) {
        saved[key] = process.env[key];
        process.env[key] = value;
      }
      ecr = new ECRClient({ region: 'eu-west-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    });

    after(async () => {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      ecr?.destroy();
      await moto?.stop();
    });

    it('creates the missing repositories (scan on push, immutable tags, lifecycle policy), logs in with the token and pushes', async () => {
      const first = await release({ registry: `${registry.host}/team`, tag: '0.1.0-ecr', chart: true, ecr: true, images: async () => images });
      assert.deepEqual(first.repositories.map((r) => [r.name, r.created]), [['team/operator', true], ['team/servers', true], ['team/charts/mcpfleet', true]]);
      // The chart went up with the ECR token too (helm registry login, then helm push).
      assert.equal(first.chart?.reference, `oci://${registry.host}/team/charts/mcpfleet`);
      const described = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['team/operator', 'team/servers', 'team/charts/mcpfleet'] }));
      assert.equal(described.repositories?.length, 3);
      for (const repo of described.repositories ?? []) {
        assert.equal(repo.imageScanningConfiguration?.scanOnPush, true);
        assert.equal(repo.imageTagMutability, 'IMMUTABLE');
        const policy = await ecr.send(new GetLifecyclePolicyCommand({ repositoryName: repo.repositoryName }));
        assert.deepEqual(JSON.parse(policy.lifecyclePolicyText ?? '{}'), LIFECYCLE_POLICY);
      }
      for (const image of images) assert.equal(await registryDigest(registry.host, `team/${image.name}`, '0.1.0-ecr'), image.digest);

      const second = await release({ registry: `${registry.host}/team`, tag: '0.1.0-ecr.2', chart: false, ecr: true, images: async () => images });
      assert.deepEqual(second.repositories.map((r) => r.created), [false, false]);
    });

    it('fails with the ECR error when the API refuses, before pushing anything', async () => {
      process.env.AWS_ENDPOINT_URL_ECR = 'http://127.0.0.1:9';
      try {
        await assert.rejects(release({ registry: `${registry.host}/refused`, tag: 'x', chart: false, ecr: true, images: async () => images }), /ECONNREFUSED|connect/);
        assert.equal(await registryDigest(registry.host, 'refused/operator', 'x'), null);
      } finally {
        process.env.AWS_ENDPOINT_URL_ECR = moto.endpoint;
      }
    });
  });

  describe('the chart as an OCI artifact', () => {
    let sim: KubeSim;
    let runner: ReturnType<typeof chartOperatorRunner>;
    let chartRef: string;
    let helm: ReturnType<typeof helmRunner>;

    before(async () => {
      const result = await release({ registry: `${registry.host}/mcpfleet`, tag: '0.1.0', chart: true, ecr: false, images: async () => images });
      assert.ok(result.chart);
      chartRef = result.chart.reference;
      const kubeconfigPath = join(work, 'kubeconfig');
      runner = chartOperatorRunner({ imageRepository: `${registry.host}/mcpfleet/operator`, kubeconfigPath });
      sim = await startKubeSim({ kubeconfigPath, kubeletDelayMs: 20, runners: [runner], log: () => {} });
      helm = helmRunner(join(work, 'helm'), kubeconfigPath);
    });

    after(async () => {
      await sim?.stop();
      await runner?.stopAll();
    });

    it('is pushed with its values pinning the pushed images by digest', async () => {
      assert.equal(chartRef, `oci://${registry.host}/mcpfleet/charts/mcpfleet`);
      const shown = await helm(['show', 'values', chartRef, '--version', '0.1.0', '--plain-http']);
      assert.equal(shown.code, 0, shown.stderr);
      const values = parseYaml(shown.stdout) as { image: { repository: string; digest: string }; serversImage: { repository: string; digest: string } };
      const digestOf = (name: string) => images.find((i) => i.name === name)?.digest;
      assert.deepEqual(values.image, { ...values.image, repository: `${registry.host}/mcpfleet/operator`, digest: digestOf('operator') });
      assert.deepEqual(values.serversImage, { ...values.serversImage, repository: `${registry.host}/mcpfleet/servers`, digest: digestOf('servers') });
      const readme = await helm(['show', 'readme', chartRef, '--version', '0.1.0', '--plain-http']);
      assert.equal(readme.code, 0, readme.stderr);
      assert.match(readme.stdout, /^# MCP Fleet Helm chart/m);
    });

    it('installs from oci:// and runs the pinned operator image, which passes the pinned servers image on', async () => {
      const install = await helm(['install', 'mcpfleet', chartRef, '--version', '0.1.0', '--plain-http', '--namespace', 'mcpfleet-system', '--create-namespace', '--wait', '--timeout', '180s']);
      assert.equal(install.code, 0, `${install.stdout}\n${install.stderr}`);
      assert.match(install.stdout, /STATUS: deployed/);
      const kubectl = kubectlRunner(join(work, 'kubeconfig'), join(work, 'kube-cache'));
      const got = await kubectl(['get', 'deployment', 'mcpfleet', '-n', 'mcpfleet-system', '-o', 'json']);
      assert.equal(got.code, 0, got.stderr);
      const deployment = JSON.parse(got.stdout) as { spec: { template: { spec: { containers: { image: string; args: string[] }[] } } }; status: { readyReplicas?: number } };
      const container = deployment.spec.template.spec.containers[0]!;
      const digestOf = (name: string) => images.find((i) => i.name === name)?.digest ?? '';
      assert.equal(container.image, `${registry.host}/mcpfleet/operator@${digestOf('operator')}`);
      assert.ok(container.args.includes(`--servers-image-tag=0.1.0@${digestOf('servers')}`), container.args.join(' '));
      assert.equal(deployment.status.readyReplicas, 2);
    });
  });
});
