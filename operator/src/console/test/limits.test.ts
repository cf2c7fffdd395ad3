// Floods and shutdown: the console caps open streams and playground calls in flight (clear 503 /
// 429 answers, never unbounded load), and a SIGTERM with streams open ends the process cleanly.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKubeSim, type KubeSim } from '../../../../hack/kube-sim/src/api.ts';
import { createLogger } from '../../observability/logger.ts';
import { parseConsoleConfig } from '../config.ts';
import { startConsole, type RunningConsole } from '../console.ts';
import { CSRF_HEADER } from '../security.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

async function pollUntil(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('console limits and shutdown', function () {
  this.timeout(120_000);
  let sim: KubeSim;
  let web: RunningConsole;
  /** An "MCP server" that never answers until released: calls pile up in flight. */
  let hanging: Server;
  let release: () => void = () => undefined;
  const held: ServerResponse[] = [];

  before(async () => {
    sim = await startKubeSim({ log: () => undefined });
    sim.applyManifests(readFileSync(path.join(repoRoot, 'crds/mcpservers.mcpfleet.dev.yaml'), 'utf8'));
    sim.applyManifests(JSON.stringify({ apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', metadata: { name: 'slow', namespace: 'default' }, spec: { catalog: 'utility' } }));
    hanging = createServer((req, res) => {
      req.resume();
      held.push(res);
    });
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const port = (hanging.address() as { port: number }).port;
    release = () => {
      for (const res of held.splice(0)) res.writeHead(503).end();
    };
    const config = parseConsoleConfig(['--kubeconfig', sim.kubeconfigPath, '--port', '0', '--mcp-timeout', '30s'], {});
    web = await startConsole(config, {
      logger: createLogger({ level: 'error' }),
      resolver: { endpoints: () => [`http://127.0.0.1:${port}/mcp`] },
      limits: { streams: 3, calls: 4, details: 4 },
    });
    await pollUntil('the console has listed the fleet', async () => ((await (await fetch(new URL('healthz', web.url))).json()) as { synced: boolean }).synced);
  });

  after(async () => {
    release();
    await web?.stop();
    hanging?.closeAllConnections();
    await new Promise<void>((resolve) => hanging?.close(() => resolve()));
    await sim?.stop();
  });

  it('refuses event streams beyond the limit with 503 and Retry-After, and frees the slot when one closes', async () => {
    const controllers = [new AbortController(), new AbortController(), new AbortController()];
    const open = await Promise.all(controllers.map((c) => fetch(new URL('api/fleet/events', web.url), { signal: c.signal })));
    assert.deepEqual(open.map((r) => r.status), [200, 200, 200]);
    const refused = await fetch(new URL('api/fleet/events', web.url));
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get('retry-after'), '5');
    controllers[0]!.abort();
    await pollUntil('a free stream slot', async () => {
      const again = await fetch(new URL('api/fleet/events', web.url));
      const ok = again.status === 200;
      await again.body?.cancel();
      return ok;
    });
    for (const c of controllers) c.abort();
  });

  it('answers a flood of playground calls beyond the limit with 429 at once', async () => {
    const token = ((await (await fetch(new URL('api/viewer', web.url))).json()) as { csrfToken: string }).csrfToken;
    const call = () => fetch(new URL('api/servers/default/slow/call', web.url), { method: 'POST', headers: { 'content-type': 'application/json', [CSRF_HEADER]: token }, body: JSON.stringify({ tool: 'kv_get', arguments: { key: 'k' } }) });
    const first = Array.from({ length: 4 }, call);
    await pollUntil('four calls held by the server', async () => held.length >= 4);
    const flood = await Promise.all(Array.from({ length: 40 }, call));
    assert.deepEqual([...new Set(flood.map((r) => r.status))], [429]);
    release();
    const settled = await Promise.all(first);
    for (const response of settled) {
      assert.equal(response.status, 200);
      const body = (await response.json()) as { ok: boolean; error?: string };
      assert.equal(body.ok, false, 'the server failed: a clear error, not a hang');
    }
    // Slots are free again.
    const after = call();
    await pollUntil('a new call reaches the server', async () => held.length >= 1);
    release();
    assert.equal((await after).status, 200);
  });

  it('exits cleanly on SIGTERM with streams open', async () => {
    const staticDir = await mkdtemp(path.join(os.tmpdir(), 'mcpfleet-console-static-'));
    await writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>console</title>');
    const child = spawn(process.execPath, [path.join(repoRoot, 'operator/src/console/main.ts'), '--kubeconfig', sim.kubeconfigPath, '--port', '0', '--static-dir', staticDir, '--log-level', 'error'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await pollUntil('the console URL', async () => /console: http:\/\/127\.0\.0\.1:\d+\//.test(output), 60_000);
      const url = /console: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)![1]!;
      const streams = await Promise.all(Array.from({ length: 10 }, () => fetch(new URL('api/fleet/events', url))));
      assert.ok(streams.every((s) => s.status === 200));
      assert.match(await (await fetch(url)).text(), /<title>console<\/title>/);
      const ended = streams.map(async (s) => {
        const reader = s.body!.getReader();
        for (;;) if ((await reader.read().catch(() => ({ done: true }))).done) return true;
      });
      child.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise<string>((resolve) => setTimeout(() => resolve('timeout'), 20_000))]);
      assert.equal(code, 0, `exit ${String(code)}: ${output}`);
      assert.deepEqual(await Promise.all(ended), Array(10).fill(true));
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await rm(staticDir, { recursive: true, force: true });
    }
  });
});
