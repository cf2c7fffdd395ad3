// Why the fleet is empty, said on the page: a cluster without the McpServer CRD gets a problem
// event naming the fix, and installing the CRD clears it once the watch syncs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKubeSim, type KubeSim } from '../../../../hack/kube-sim/src/api.ts';
import { createLogger } from '../../observability/logger.ts';
import type { FleetEvent } from '../api-types.ts';
import { parseConsoleConfig } from '../config.ts';
import { startConsole, type RunningConsole } from '../console.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** Reads SSE `data:` events until `until` is satisfied or the timeout passes. */
async function readEvents(url: string, until: (events: FleetEvent[]) => boolean, timeoutMs: number, onOpen?: () => void): Promise<FleetEvent[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const events: FleetEvent[] = [];
  try {
    const response = await fetch(url, { signal: controller.signal });
    onOpen?.();
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    while (!until(events)) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        for (const line of block.split('\n')) if (line.startsWith('data: ')) events.push(JSON.parse(line.slice(6)) as FleetEvent);
      }
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return events;
}

describe('console fleet problems', function () {
  this.timeout(60_000);
  let sim: KubeSim;
  let web: RunningConsole;

  before(async () => {
    sim = await startKubeSim({ log: () => undefined });
    web = await startConsole(parseConsoleConfig(['--kubeconfig', sim.kubeconfigPath, '--port', '0', '--log-level', 'error'], {}), { logger: createLogger({ level: 'error' }) });
  });
  after(async () => {
    await web?.stop();
    await sim?.stop();
  });

  it('says the McpServer API is missing, and clears that once the CRD is installed', async () => {
    const url = new URL('api/fleet/events', web.url).toString();
    const first = await readEvents(url, (events) => events.some((e) => e.type === 'problem'), 20_000);
    const problem = first.find((e) => e.type === 'problem');
    assert.ok(problem && problem.type === 'problem' && /install the CRD/.test(problem.message ?? ''), JSON.stringify(first));

    const later = await readEvents(url, (events) => events.some((e) => e.type === 'problem' && e.message === undefined) && events.some((e) => e.type === 'upsert'), 45_000, () => {
      sim.applyManifests(readFileSync(path.join(repoRoot, 'crds/mcpservers.mcpfleet.dev.yaml'), 'utf8'));
      sim.applyManifests(JSON.stringify({ apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', metadata: { name: 'late', namespace: 'default' }, spec: { catalog: 'utility' } }));
    });
    assert.ok(later.some((e) => e.type === 'problem' && e.message === undefined), `problem cleared: ${JSON.stringify(later)}`);
    assert.ok(later.some((e) => e.type === 'upsert' && e.row.key === 'default/late'));
  });
});
