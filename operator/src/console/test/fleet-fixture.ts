// A large fleet on kube-sim and the browser measurements of the fleet page, shared by the scale
// test (which asserts bounds) and `npm run bench:console` (which prints the figures).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { KubeSim } from '../../../../hack/kube-sim/src/api.ts';

export const FLEET_NAMESPACES = 10;

function status(i: number, ready: boolean): Record<string, unknown> {
  const at = '2026-01-01T00:00:00Z';
  return {
    replicas: 1,
    readyReplicas: ready ? 1 : 0,
    toolCount: 6,
    url: `http://s${i}.team-${i % FLEET_NAMESPACES}.svc.cluster.local/mcp`,
    conditions: [
      { type: 'Accepted', status: 'True', reason: 'SpecValid', message: 'the spec is valid', lastTransitionTime: at },
      { type: 'Available', status: ready ? 'True' : 'False', reason: ready ? 'DeploymentAvailable' : 'DeploymentUnavailable', message: ready ? '1/1 replicas available' : '0/1 replicas available', lastTransitionTime: at },
      { type: 'Ready', status: ready ? 'True' : 'False', reason: ready ? 'ServerReady' : 'ServerNotReady', message: ready ? 'ok' : 'waiting for the Deployment', lastTransitionTime: at },
    ],
  };
}

/** Writes a McpServer's status through the status subresource, as the operator would. */
export async function setServerStatus(sim: KubeSim, i: number, ready: boolean): Promise<void> {
  const response = await fetch(`${sim.url}/apis/mcpfleet.dev/v1alpha1/namespaces/team-${i % FLEET_NAMESPACES}/mcpservers/s${i}/status`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/merge-patch+json' },
    body: JSON.stringify({ status: status(i, ready) }),
  });
  if (response.status !== 200) throw new Error(`status of s${i}: HTTP ${response.status}`);
}

/** `count` McpServers in namespaces team-0..9; every third one is not Ready. */
export async function seedFleet(sim: KubeSim, repoRoot: string, count: number): Promise<void> {
  sim.applyManifests(readFileSync(path.join(repoRoot, 'crds/mcpservers.mcpfleet.dev.yaml'), 'utf8'));
  for (let i = 0; i < count; i++) {
    sim.applyManifests(JSON.stringify({ apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', metadata: { name: `s${i}`, namespace: `team-${i % FLEET_NAMESPACES}` }, spec: { catalog: 'utility' } }));
  }
  for (let i = 0; i < count; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, count - i) }, (_, j) => setServerStatus(sim, i + j, (i + j) % 3 !== 0)));
  }
}

export interface RenderFigures {
  renderMs: number;
  domRows: number;
}

/** Navigation to the fleet page until every server is counted and the first rows are drawn. */
export async function measureRender(page: Page, url: string, count: number, timeoutMs: number): Promise<RenderFigures> {
  const started = Date.now();
  await page.goto(url);
  await page.locator('[data-testid="fleet-count"]', { hasText: String(count) }).waitFor({ timeout: timeoutMs });
  await page.locator('[role="row"][data-key]').first().waitFor({ timeout: timeoutMs });
  return { renderMs: Date.now() - started, domRows: await page.locator('[role="row"][data-key]').count() };
}

export interface ScrollFigures {
  frames: number;
  p95Ms: number;
  maxMs: number;
}

/** Scrolls the whole list 600 px per animation frame and times the frames. */
export async function measureScroll(page: Page): Promise<ScrollFigures> {
  // (Runs in the page; a string because this file is type-checked without the DOM library.)
  const frames = (await page.evaluate(`(async () => {
    const viewport = document.querySelector('.virtual-viewport');
    const times = [];
    let last = performance.now();
    while (viewport.scrollTop + viewport.clientHeight < viewport.scrollHeight - 1 && times.length < 20000) {
      viewport.scrollTop += 600;
      await new Promise((resolve) => requestAnimationFrame(resolve));
      const now = performance.now();
      times.push(now - last);
      last = now;
    }
    return times;
  })()`)) as number[];
  const sorted = [...frames].sort((a, b) => a - b);
  return { frames: frames.length, p95Ms: sorted[Math.floor(sorted.length * 0.95)] ?? 0, maxMs: sorted[sorted.length - 1] ?? 0 };
}

/** A status change written to the API until the fleet page shows it (no reload). */
export async function measureLiveUpdate(page: Page, sim: KubeSim, i: number, timeoutMs: number): Promise<number> {
  const key = `team-${i % FLEET_NAMESPACES}/s${i}`;
  await page.getByLabel('Search').fill(key);
  const row = page.locator(`[role="row"][data-key="${key}"]`);
  await row.waitFor({ timeout: timeoutMs });
  const wasReady = (await row.locator('[data-testid="ready"]').innerText()) === 'Ready';
  const started = Date.now();
  await setServerStatus(sim, i, !wasReady);
  await row.locator('[data-testid="ready"]', { hasText: wasReady ? 'Not ready' : /^Ready$/ }).waitFor({ timeout: timeoutMs });
  return Date.now() - started;
}
