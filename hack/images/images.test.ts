// The images `npm run images` builds, built for real (buildah over the base made from Debian
// packages and Node 24) and run for real (Debian's runc, read-only root, the image's non-root
// user, host loopback): OCI labels, non-root user, no shell or package manager, reproducible
// digests, the operator's --version and the servers image's /healthz and MCP tools/list.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectClient, resultText } from '../../servers/kit/testing.ts';
import { createServer as createUtilityServer } from '../../servers/utility/server.ts';
import type { KvStore } from '../../servers/utility/lib/store.ts';
import { CHART_DIR, helmRunner, parseManifests } from '../chart/tools.ts';
import { NONROOT_UID } from './base.ts';
import { buildImages } from './build.ts';
import type { BuildResult, BuiltImage, ImageName } from './build.ts';
import { createBundle, runToCompletion } from './runc.ts';
import type { Bundle } from './runc.ts';
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
      const again = await buildImages({ force: true, outDir, names: ['operator'] });
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
      assert.equal(await operatorVersionOf(bundle), `mcpfleet-operator ${result.metadata.version}`);
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
