// The console end to end against the demo's stack (kube-sim + operator + the real catalog
// servers as local processes), in headless Chromium, plus the backend's guards probed over HTTP.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { pollUntil } from '../../../../hack/cluster/src/http.ts';
import { startDemo, type Demo } from '../../../../hack/demo/demo.ts';
import { startDemoConsole } from '../../../../hack/demo/console.ts';
import { kubectlPath } from '../../../../hack/kube-sim/test/helpers.ts';
import type { RunningConsole } from '../console.ts';
import { CSRF_HEADER } from '../security.ts';
import { axeViolations } from './a11y.ts';
import { launchBrowser, screenshotDir, type Browser } from './browser.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const shots = screenshotDir(repoRoot);

describe('console against the demo', function () {
  this.timeout(240_000);
  let demo: Demo;
  let web: RunningConsole;
  /** The same console behind an "authenticating proxy": the viewer comes from headers. */
  let proxied: RunningConsole;
  let browser: Browser;
  let workDir: string;
  let kubectl: (...args: string[]) => Promise<string>;

  before(async function () {
    this.timeout(240_000);
    mkdirSync(shots, { recursive: true });
    workDir = await mkdtemp(path.join(os.tmpdir(), 'mcpfleet-console-e2e-'));
    demo = await startDemo({ repoRoot, workDir, log: () => undefined, logLevel: 'error' });
    const { ready, notReady } = await demo.waitUntilReady(150_000);
    assert.ok(ready, `demo not Ready: ${notReady.join(', ')}`);
    web = await startDemoConsole({ repoRoot, sim: demo.sim });
    proxied = await startDemoConsole({ repoRoot, sim: demo.sim, args: ['--user-header', 'X-Forwarded-User', '--groups-header', 'X-Forwarded-Groups'] });
    // viewer: may see McpServers everywhere, may read no Secret. keyholder: may also read the database key.
    demo.sim.applyManifests(JSON.stringify({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'mcp-viewer' }, rules: [{ apiGroups: ['mcpfleet.dev'], resources: ['mcpservers'], verbs: ['get', 'list', 'watch'] }] }));
    demo.sim.applyManifests(JSON.stringify({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'mcp-viewers' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'mcp-viewer' }, subjects: [{ kind: 'Group', name: 'viewers' }] }));
    demo.sim.applyManifests(JSON.stringify({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'db-key', namespace: 'default' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['database-api-keys'] }] }));
    demo.sim.applyManifests(JSON.stringify({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'keyholder-db-key', namespace: 'default' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'db-key' }, subjects: [{ kind: 'User', name: 'keyholder' }] }));
    kubectl = async (...args) => (await promisify(execFile)(kubectlPath(), ['--kubeconfig', demo.sim.kubeconfigPath, ...args], { timeout: 30_000 })).stdout;
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await proxied?.stop();
    await web?.stop();
    await demo?.stop();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  async function openFleet(page: Page, url: string): Promise<void> {
    await page.goto(url);
    await page.locator('[role="row"][data-key="default/utility"]').waitFor({ timeout: 60_000 });
  }

  it('lists the demo servers with their status on the fleet page', async () => {
    const page = await browser.context.newPage();
    await openFleet(page, web.url);
    for (const key of ['default/utility', 'default/database']) {
      const row = page.locator(`[role="row"][data-key="${key}"]`);
      await row.locator('[data-testid="ready"]', { hasText: 'Ready' }).waitFor({ timeout: 60_000 });
      assert.match(await row.innerText(), /1\/1/);
    }
    assert.match(await page.locator('.live').innerText(), /live/);
    await page.screenshot({ path: path.join(shots, 'fleet.png'), fullPage: true });
    await page.close();
  });

  it('shows a server page with its tools and their schemas', async () => {
    const page = await browser.context.newPage();
    await openFleet(page, web.url);
    // Keyboard: focus the grid, move to the utility row, open it with Enter.
    await page.locator('[role="grid"]').focus();
    const keys = await page.locator('[role="row"][data-key]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')));
    for (let i = 0; i < keys.indexOf('default/utility'); i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/servers\/default\/utility$/);
    const tools = page.locator('[data-testid="tools"]');
    await tools.locator('code', { hasText: 'kv_set' }).waitFor({ timeout: 60_000 });
    assert.match(await tools.innerText(), /kv_get/);
    await tools.locator('summary', { hasText: 'kv_set' }).click();
    assert.match(await tools.innerText(), /"properties"/);
    assert.match(await page.locator('dl.facts').innerText(), /MCP \d{4}-\d{2}-\d{2}/);
    await page.screenshot({ path: path.join(shots, 'server.png'), fullPage: true });
    await page.close();
  });

  it('calls a tool from the playground and shows the real result', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${web.url}#/servers/default/utility`);
    await page.locator('#tool-select').selectOption('kv_set', { timeout: 60_000 });
    await page.getByLabel('key', { exact: false }).first().fill('console-e2e');
    await page.locator('#field-value').fill('hello from the console');
    await page.getByRole('button', { name: 'Call tool' }).click();
    await page.locator('[data-testid="call-result"]', { hasText: 'success' }).waitFor({ timeout: 60_000 });
    await page.locator('#tool-select').selectOption('kv_get');
    await page.locator('#field-key').fill('console-e2e');
    await page.getByRole('button', { name: 'Call tool' }).click();
    await page
      .locator('[data-testid="structured"]', { hasText: 'hello from the console' })
      .waitFor({ timeout: 60_000 })
      .catch(async (error: unknown) => {
        // Say what the page showed instead, so a failure explains itself.
        const shown = await page.locator('[data-testid="call-result"]').innerText({ timeout: 1_000 }).catch(() => '(no call result)');
        throw new Error(`${String(error)}\nthe playground showed: ${shown}`);
      });
    assert.match(await page.locator('[data-testid="call-duration"]').innerText(), /^\d+$/);
    assert.match(await page.locator('.history summary').innerText(), /2 calls/);
    // The charts fill from the servers' /metrics: the calls above show up as a kv_get series.
    await page.locator('[data-testid="charts"] .legend', { hasText: 'kv_get' }).first().waitFor({ timeout: 60_000 });
    await page.screenshot({ path: path.join(shots, 'playground.png'), fullPage: true });
    await page.close();
  });

  it('keeps what the user typed in the playground while the server\'s details reload', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${web.url}#/servers/default/utility`);
    await page.locator('#tool-select').selectOption('kv_get', { timeout: 60_000 });
    await page.locator('#field-key').fill('typed-before-the-reload');
    // A status change reloads the page's details, with new objects for the same tools.
    const replicas = await kubectl('get', 'mcp', 'utility', '-n', 'default', '-o', 'jsonpath={.status.replicas}');
    const reloaded = page.waitForResponse((r) => r.request().method() === 'GET' && new URL(r.url()).pathname.endsWith('/api/servers/default/utility'), { timeout: 60_000 });
    await kubectl('patch', 'mcp', 'utility', '-n', 'default', '--subresource', 'status', '--type', 'merge', '-p', JSON.stringify({ status: { replicas: Number(replicas) + 6 } }));
    await reloaded;
    // Let the reload render and anything scheduled after paint run.
    await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 100))))');
    assert.equal(await page.locator('#field-key').inputValue(), 'typed-before-the-reload');
    await kubectl('patch', 'mcp', 'utility', '-n', 'default', '--subresource', 'status', '--type', 'merge', '-p', JSON.stringify({ status: { replicas: Number(replicas) } }));
    await page.locator('[data-testid="server-ready"]', { hasText: /^Ready$/ }).waitFor({ timeout: 60_000 });
    await page.locator('.page-header p', { hasText: `${replicas}/${replicas} replicas ·` }).waitFor({ timeout: 60_000 });
    assert.equal(await page.locator('#field-key').inputValue(), 'typed-before-the-reload');
    await page.close();
  });

  it('shows a status change made with kubectl without a reload', async () => {
    const page = await browser.context.newPage();
    await openFleet(page, web.url);
    await page.evaluate('window.notReloaded = true');
    const row = page.locator('[role="row"][data-key="default/utility"]');
    await kubectl('patch', 'mcp', 'utility', '-n', 'default', '--type', 'merge', '-p', '{"spec":{"config":{"notAnOption":true}}}');
    await row.locator('[data-testid="ready"]', { hasText: 'Not ready' }).waitFor({ timeout: 60_000 });
    assert.match(await row.innerText(), /InvalidCatalogConfig/);
    await kubectl('patch', 'mcp', 'utility', '-n', 'default', '--type', 'json', '-p', '[{"op":"remove","path":"/spec/config"}]');
    await row.locator('[data-testid="ready"]', { hasText: /^Ready$/ }).waitFor({ timeout: 60_000 });
    assert.equal(await page.evaluate('window.notReloaded'), true, 'the page was not reloaded');
    await page.close();
  });

  it('refuses the playground to a viewer who may not read the API-key Secret, and says why', async () => {
    const page = await browser.context.newPage();
    await page.setExtraHTTPHeaders({ 'X-Forwarded-User': 'viewer', 'X-Forwarded-Groups': 'viewers' });
    await page.goto(`${proxied.url}#/servers/default/database`);
    const refused = page.locator('[data-testid="playground-refused"]');
    await refused.waitFor({ timeout: 60_000 });
    assert.match(await refused.innerText(), /user "viewer" may not read Secret default\/database-api-keys/);
    await page.close();
    // The same page for a viewer who holds the key: the playground works.
    const allowed = await browser.context.newPage();
    await allowed.setExtraHTTPHeaders({ 'X-Forwarded-User': 'keyholder', 'X-Forwarded-Groups': 'viewers' });
    await allowed.goto(`${proxied.url}#/servers/default/database`);
    await allowed.locator('#tool-select').selectOption('list_tables', { timeout: 60_000 });
    await allowed.getByRole('button', { name: 'Call tool' }).click();
    await allowed.locator('[data-testid="call-result"]', { hasText: 'users' }).waitFor({ timeout: 60_000 });
    await allowed.close();
  });

  it('passes the axe-core WCAG 2.1 A/AA checks on the fleet, server and playground pages', async () => {
    const page = await browser.context.newPage();
    await openFleet(page, web.url);
    const fleet = await axeViolations(page);
    await page.goto(`${web.url}#/servers/default/utility`);
    await page.locator('#tool-select').selectOption('kv_get', { timeout: 60_000 });
    await page.locator('#field-key').fill('never-set');
    await page.getByRole('button', { name: 'Call tool' }).click();
    await page
      .locator('[data-testid="call-result"]', { hasText: 'tool error' })
      .waitFor({ timeout: 60_000 })
      .catch(async (error: unknown) => {
        const shown = await page.locator('[data-testid="call-result"]').innerText({ timeout: 1_000 }).catch(() => '(no call result)');
        throw new Error(`${String(error)}\nthe playground showed: ${shown}`);
      });
    const server = await axeViolations(page);
    await page.close();
    assert.deepEqual({ fleet, server }, { fleet: [], server: [] });
  });

  it('shows the pinned tool surface, its drift and withheld tools, and copies the approval snippet', async () => {
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const page = await browser.context.newPage();
    await page.goto(`${web.url}#/servers/default/pinned-utility`);
    const surface = page.locator('[data-testid="tool-surface"]');
    // Trust on first use: the first verified surface is the baseline, nothing is withheld once it reached the pod.
    await surface.locator('dd', { hasText: 'adopted at the first verification' }).waitFor({ timeout: 120_000 });
    await surface.locator('[data-testid="surface-withheld"]', { hasText: /^none$/ }).waitFor({ timeout: 120_000 });
    const current = JSON.parse(await kubectl('get', 'mcp', 'pinned-utility', '-n', 'default', '-o', 'jsonpath={.status.toolSurface.tools}')) as Record<string, string>;
    assert.ok(current.kv_get && current.kv_delete);
    await page.getByRole('button', { name: 'Copy approved digests (YAML)' }).click();
    await page.locator('[data-testid="surface-copied"]', { hasText: 'Copied the snippet to the clipboard.' }).waitFor({ timeout: 10_000 });
    const copied = String(await page.evaluate('navigator.clipboard.readText()'));
    assert.equal(copied, await page.locator('[data-testid="surface-snippet"]').innerText());
    assert.match(copied, new RegExp(`"kv_get": "${current.kv_get}"`));
    assert.match(copied, /mode: enforce/);

    // An approval that does not match what the server declares (as if kv_delete had changed since): withheld.
    const approved = { ...current, kv_delete: `sha256:${'0'.repeat(64)}` };
    await kubectl('patch', 'mcp', 'pinned-utility', '-n', 'default', '--type', 'merge', '-p', JSON.stringify({ spec: { tools: { pinning: { mode: 'enforce', approved } } } }));
    await surface.locator('[data-testid="surface-withheld"]', { hasText: 'kv_delete' }).waitFor({ timeout: 120_000 });
    const row = surface.locator('tr[data-tool="kv_delete"]');
    assert.match(await row.innerText(), /changed since approved/);
    assert.match(await row.innerText(), /withheld until approved/);
    assert.match(await surface.locator('tr[data-tool="kv_get"]').innerText(), /unchanged/);
    await page.screenshot({ path: path.join(shots, 'tool-surface.png'), fullPage: true });
    assert.deepEqual(await axeViolations(page), []);
    await page.close();
  });

  describe('backend guards', () => {
    async function viewerToken(base: string, headers: Record<string, string> = {}): Promise<string> {
      const response = await fetch(new URL('api/viewer', base), { headers });
      return ((await response.json()) as { csrfToken: string }).csrfToken;
    }

    it('sends a Content-Security-Policy without inline scripts, and no credential in any page', async () => {
      const response = await fetch(web.url);
      assert.equal(response.status, 200);
      const csp = response.headers.get('content-security-policy') ?? '';
      assert.match(csp, /script-src 'self'/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      assert.match(csp, /frame-ancestors 'none'/);
      const html = await response.text();
      assert.doesNotMatch(html, /<script>(?!<)/, 'no inline script');
      const database = demo.servers().find((s) => s.catalog === 'database')!;
      const detail = await (await fetch(new URL('api/servers/default/database', web.url))).text();
      assert.ok(!detail.includes(database.apiKey!), 'the API key never reaches the browser');
      assert.match(detail, /list_tables/);
    });

    it('refuses foreign Host headers (DNS rebinding)', async () => {
      const { request } = await import('node:http');
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(new URL('api/viewer', web.url), { headers: { host: 'evil.example.com' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
      assert.equal(status, 421);
    });

    it('refuses playground calls without the CSRF token or from another origin', async () => {
      const url = new URL('api/servers/default/utility/call', web.url);
      const body = JSON.stringify({ tool: 'kv_get', arguments: { key: 'x' } });
      const noToken = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      assert.equal(noToken.status, 403);
      const token = await viewerToken(web.url);
      const crossSite = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://evil.example.com', [CSRF_HEADER]: token }, body });
      assert.equal(crossSite.status, 403);
      const wrongToken = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', [CSRF_HEADER]: `${token}x` }, body });
      assert.equal(wrongToken.status, 403);
      const ok = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', origin: new URL(web.url).origin, [CSRF_HEADER]: token }, body });
      assert.equal(ok.status, 200);
    });

    it('answers bad playground input with clear errors and MCP tool errors, never a crash', async () => {
      const token = await viewerToken(web.url);
      const post = (pathName: string, body: string) => fetch(new URL(pathName, web.url), { method: 'POST', headers: { 'content-type': 'application/json', [CSRF_HEADER]: token }, body });
      assert.equal((await post('api/servers/default/utility/call', '{not json')).status, 400);
      assert.equal((await post('api/servers/default/utility/call', JSON.stringify({ tool: '', arguments: {} }))).status, 400);
      assert.equal((await post('api/servers/default/utility/call', JSON.stringify({ tool: 'kv_get', arguments: [1] }))).status, 400);
      assert.equal((await post('api/servers/default/utility/call', JSON.stringify({ tool: 'x'.repeat(300) }))).status, 400);
      assert.equal((await post('api/servers/default/utility/call', JSON.stringify({ tool: 'kv_get', arguments: { key: 'k', pad: 'x'.repeat(2_000_000) } }))).status, 413);
      assert.equal((await post('api/servers/default/nope/call', JSON.stringify({ tool: 'kv_get', arguments: {} }))).status, 404);
      const unknown = (await (await post('api/servers/default/utility/call', JSON.stringify({ tool: 'no_such_tool', arguments: {} }))).json()) as { ok: boolean; isError?: boolean; error?: string };
      assert.ok(unknown.isError === true || unknown.ok === false, JSON.stringify(unknown));
      const invalid = (await (await post('api/servers/default/utility/call', JSON.stringify({ tool: 'kv_get', arguments: { key: 42 } }))).json()) as { isError?: boolean; ok: boolean };
      assert.ok(invalid.isError === true || invalid.ok === false, JSON.stringify(invalid));
      // Still serving.
      assert.equal((await fetch(new URL('healthz', web.url))).status, 200);
    });

    it('does not serve files outside the bundle', async () => {
      for (const probe of ['..%2f..%2fpackage.json', '%2e%2e/%2e%2e/package.json', 'assets/..%2f..%2f..%2fpackage.json']) {
        const response = await fetch(new URL(probe, web.url));
        const text = await response.text();
        assert.ok(!text.includes('"devDependencies"'), `${probe} leaked a file`);
      }
    });

    it('behind the proxy, refuses requests without a viewer and shows viewers only namespaces they may list', async () => {
      assert.equal((await fetch(new URL('api/viewer', proxied.url))).status, 401);
      const stranger = await fetch(new URL('api/servers/default/utility', proxied.url), { headers: { 'x-forwarded-user': 'stranger' } });
      assert.equal(stranger.status, 404);
      const viewer = await fetch(new URL('api/servers/default/utility', proxied.url), { headers: { 'x-forwarded-user': 'viewer', 'x-forwarded-groups': 'viewers' } });
      assert.equal(viewer.status, 200);
      const token = await viewerToken(proxied.url, { 'x-forwarded-user': 'viewer', 'x-forwarded-groups': 'viewers' });
      const call = await fetch(new URL('api/servers/default/database/call', proxied.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-user': 'viewer', 'x-forwarded-groups': 'viewers', [CSRF_HEADER]: token },
        body: JSON.stringify({ tool: 'list_tables', arguments: {} }),
      });
      assert.equal(call.status, 403);
      assert.match(((await call.json()) as { error: string }).error, /may not read Secret/);
      // A CSRF token is bound to its viewer: the viewer's token does not work for the keyholder.
      const borrowed = await fetch(new URL('api/servers/default/database/call', proxied.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-user': 'keyholder', [CSRF_HEADER]: token },
        body: JSON.stringify({ tool: 'list_tables', arguments: {} }),
      });
      assert.equal(borrowed.status, 403);
      assert.match(((await borrowed.json()) as { error: string }).error, /x-csrf-token/);
      // Writes anywhere but the API are refused.
      assert.equal((await fetch(proxied.url, { method: 'POST', headers: { 'x-forwarded-user': 'viewer' } })).status, 405);
    });

    it('streams the fleet as Server-Sent Events, starting with a snapshot', async () => {
      const controller = new AbortController();
      const response = await fetch(new URL('api/fleet/events', web.url), { signal: controller.signal });
      assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
      const reader = response.body!.getReader();
      let text = '';
      const first = await pollUntil('a snapshot event', async () => {
        const { value } = await reader.read();
        text += new TextDecoder().decode(value);
        const line = text.split('\n').find((l) => l.startsWith('data: '));
        return line ? (JSON.parse(line.slice(6)) as { type: string; rows: { key: string }[] }) : undefined;
      }, 60_000);
      controller.abort();
      assert.equal(first.type, 'snapshot');
      assert.deepEqual(first.rows.map((r) => r.key).sort(), ['default/database', 'default/pinned-utility', 'default/utility']);
    });
  });
});
