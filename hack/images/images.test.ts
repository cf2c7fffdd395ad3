// The images `npm run images` builds, built for real (buildah over the base made from Debian
// packages and Node 24) and run for real (Debian's runc, read-only root, the image's non-root
// user, host loopback): OCI labels, non-root user, no shell or package manager, reproducible
// digests, the operator's --version and the servers image's /healthz and MCP tools/list.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chmod, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectClient, resultText } from '../../servers/kit/testing.ts';
import { createServer as createUtilityServer } from '../../servers/utility/server.ts';
import type { KvStore } from '../../servers/utility/lib/store.ts';
import { CHART_DIR, helmRunner, parseManifests } from '../chart/tools.ts';
import { NONROOT_UID } from './base.ts';
import { REPO_ROOT } from './paths.ts';
import { IMAGE_DOCKERFILES, buildImages } from './build.ts';
import { COPIED_PATHS } from './context.ts';
import type { BuildResult, BuiltImage, ImageName } from './build.ts';
import { createBundle, runToCompletion } from './runc.ts';
import type { Bundle } from './runc.ts';
import { startKubeSim } from '../kube-sim/src/api.ts';
import { runContainer } from './runc.ts';
import { freePort } from '../cluster/src/ports.ts';
import { operatorVersionOf, startCatalogServer } from './smoke.ts';

/** Programs a distroless image must not have. */
const FORBIDDEN_PROGRAMS = ['sh', 'bash', 'dash', 'busybox', 'apt', 'apt-get', 'dpkg', 'npm', 'npx', 'corepack'];

async function executablesIn(rootfs: string): Promise<string[]> {
  const found: string[] = [];
  for (const dir of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'usr/local/bin']) {
    if (!existsSync(join(rootfs, dir))) continue;
    for (const name of await readdir(join(rootfs, dir))) found.push(`${dir}/${name}`);
  }
  return found.sort();
}

async function pollUntil(what: string, check: () => Promise<boolean>, diagnostics: () => string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what}: ${diagnostics()}`);
}

describe('images (npm run images, buildah + runc)', function () {
  // A cold build (base, production node_modules, both images) takes minutes on a busy machine.
  this.timeout(900_000);
  let result: BuildResult;
  const image = (name: ImageName): BuiltImage => {
    const found = result.images.find((i) => i.name === name);
    assert.ok(found, `${name} was not built`);
    return found;
  };

  before(async () => {
    result = await buildImages();
  });

  it('labels both images with source, revision and version, and runs them as the non-root user', () => {
    for (const name of ['operator', 'servers'] as const) {
      const built = image(name);
      assert.equal(built.labels['org.opencontainers.image.version'], result.metadata.version);
      assert.equal(built.labels['org.opencontainers.image.revision'], result.metadata.revision);
      assert.match(built.labels['org.opencontainers.image.source'] ?? '', /^https:\/\/github\.com\//);
      assert.equal(built.user, `${NONROOT_UID}:${NONROOT_UID}`);
      assert.match(built.digest, /^sha256:[0-9a-f]{64}$/);
    }
  });

  it('is reproducible: a second build of the commit in fresh storage gives the same digest', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'mcpfleet-images-'));
    try {
      // The same commit: the metadata of the first build (a commit landing meanwhile changes the revision label).
      const again = await buildImages({ force: true, outDir, names: ['operator'], metadata: result.metadata });
      assert.equal(again.images[0]?.built, true);
      assert.equal(again.images[0]?.digest, image('operator').digest);
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  });

  describe('operator image under runc', () => {
    let bundle: Bundle;
    before(async () => {
      bundle = await createBundle(image('operator').archive);
    });
    after(async () => {
      await bundle?.remove();
    });

    it('has node and no shell or package manager', async () => {
      const programs = await executablesIn(join(bundle.dir, 'rootfs'));
      assert.deepEqual(programs, ['usr/local/bin/node']);
      for (const name of FORBIDDEN_PROGRAMS) assert.ok(!programs.some((p) => p.endsWith(`/${name}`)), name);
    });

    it('prints its version', async () => {
      assert.ok((await operatorVersionOf(bundle)).startsWith(`mcpfleet-operator ${result.metadata.version} `), 'the operator image prints its version');
    });

    it('runs the operator against a Kubernetes API (kube-sim): /readyz answers and it reconciles an McpServer', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'mcpfleet-operator-image-'));
      const sim = await startKubeSim({ kubeconfigPath: join(dir, 'kubeconfig'), crdDirs: [join(REPO_ROOT, 'crds')], log: () => {} });
      // The container runs as 65532: it must be able to read the (test-only) kubeconfig.
      await chmod(dir, 0o755);
      await chmod(join(dir, 'kubeconfig'), 0o644);
      const port = await freePort();
      const container = await runContainer(bundle, {
        args: ['--kubeconfig=/config/kubeconfig', '--metrics-bind-address=0', `--health-probe-bind-address=127.0.0.1:${port}`, '--no-leader-elect'],
        readOnlyBinds: [{ source: dir, destination: '/config' }],
      });
      try {
        await pollUntil(`operator /readyz on ${port}`, async () => (await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2_000) })).status === 200, () => container.output());
        sim.applyManifests(await readFile(join(REPO_ROOT, 'examples', 'quickstart.yaml'), 'utf8'));
        await pollUntil('the Deployment the operator creates', async () => sim.store.get('deployments.apps', 'default', 'utility') !== undefined, () => container.output());
      } finally {
        await container.stop();
        await sim.stop();
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('runs as 65532 on a read-only root filesystem with a writable /tmp', async () => {
      const probe = [
        "const fs = require('node:fs');",
        "let rootWrite = 'written'; try { fs.writeFileSync('/app/probe', 'x'); } catch (e) { rootWrite = e.code; }",
        "fs.writeFileSync('/tmp/probe', 'x');",
        'console.log(JSON.stringify({ uid: process.getuid(), gid: process.getgid(), rootWrite }));',
      ].join(' ');
      const { code, output } = await runToCompletion(bundle, { entrypoint: ['/usr/local/bin/node', '-e', probe] });
      assert.equal(code, 0, output);
      assert.deepEqual(JSON.parse(output.trim()), { uid: NONROOT_UID, gid: NONROOT_UID, rootWrite: 'EROFS' });
    });
  });

  describe('the chart\'s helm test hook in the operator image', () => {
    let bundle: Bundle;
    let home: string;
    before(async () => {
      bundle = await createBundle(image('operator').archive);
      home = await mkdtemp(join(tmpdir(), 'mcpfleet-hook-'));
    });
    after(async () => {
      await bundle?.remove();
      if (home !== undefined) await rm(home, { recursive: true, force: true });
    });

    it('runs its check (command, env) in the image: exit 0 when /readyz answers 200, 1 on 503', async () => {
      const rendered = await helmRunner(home)(['template', 'mcpfleet', CHART_DIR, '--show-only', 'templates/tests/operator-answers.yaml']);
      assert.equal(rendered.code, 0, rendered.stderr);
      const pod = parseManifests(rendered.stdout)[0] as unknown as { spec: { containers: { command: string[] }[] } };
      const command = pod.spec.containers[0]!.command;
      let status = 200;
      const server = http.createServer((_req, res) => {
        res.statusCode = status;
        res.end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`;
      try {
        const ready = await runToCompletion(bundle, { entrypoint: command, env: { TARGET_URL: url } });
        assert.equal(ready.code, 0, ready.output);
        assert.match(ready.output, /\/readyz: 200/);
        status = 503;
        const unready = await runToCompletion(bundle, { entrypoint: command, env: { TARGET_URL: url } });
        assert.equal(unready.code, 1, unready.output);
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });

  describe('servers image under runc', () => {
    let bundle: Bundle;
    before(async () => {
      bundle = await createBundle(image('servers').archive);
    });
    after(async () => {
      await bundle?.remove();
    });

    it('serves utility: /healthz and MCP tools/list and tools/call through a real client', async () => {
      const server = await startCatalogServer(bundle, 'utility');
      try {
        const client = await connectClient(`${server.baseUrl}/mcp`);
        try {
          const expected = createUtilityServer({ store: {} as KvStore, maxValueBytes: 1 }).tools.map((t) => t.name).sort();
          const listed = (await client.listTools()).tools.map((t) => t.name).sort();
          assert.deepEqual(listed, expected);
          const time = await client.callTool({ name: 'get_time', arguments: { timezone: 'Asia/Tokyo' } });
          assert.notEqual(time.isError, true, JSON.stringify(time));
          assert.match(resultText(time), /Asia\/Tokyo/);
        } finally {
          await client.close();
        }
      } finally {
        await server.container.stop();
      }
    });

    it('fails the smoke check when the image is broken (its dependencies removed)', async () => {
      await rm(join(bundle.dir, 'rootfs', 'app', 'node_modules', '@modelcontextprotocol'), { recursive: true });
      await assert.rejects(startCatalogServer(bundle, 'utility', 60_000), /exited with 1/);
    });
  });
});

describe('images: one definition', () => {
  it('the image cache key covers every path the Dockerfiles COPY, and they only COPY', async () => {
    for (const dockerfile of Object.values(IMAGE_DOCKERFILES)) {
      const text = await readFile(join(REPO_ROOT, dockerfile), 'utf8');
      const instructions = text.split('\n').filter((l) => /^[A-Z]+\s/.test(l)).map((l) => l.split(/\s/)[0]);
      assert.deepEqual([...new Set(instructions)].filter((i) => !['ARG', 'FROM', 'LABEL', 'WORKDIR', 'ENV', 'COPY', 'USER', 'EXPOSE', 'ENTRYPOINT'].includes(i!)), [], `${dockerfile} may only COPY (no RUN)`);
      for (const line of text.split('\n').filter((l) => l.startsWith('COPY '))) {
        const source = line.split(/\s+/)[1]!;
        // A file under a copied path (the operator takes one module of dist/servers) is covered by it.
        assert.ok((COPIED_PATHS as readonly string[]).some((covered) => source === covered || source.startsWith(`${covered}/`)), `${dockerfile} copies ${source}, which COPIED_PATHS does not cover`);
      }
    }
  });
});
