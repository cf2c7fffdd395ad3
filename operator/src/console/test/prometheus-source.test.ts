// The console's Prometheus mode against a real Prometheus (Debian's prometheus package, the one
// that ships promtool) scraping a real utility server: the PromQL finds the kit's series by the
// namespace/service labels the Prometheus Operator adds, and the points carry real numbers.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { pollUntil } from '../../../../hack/cluster/src/http.ts';
import { freePort } from '../../../../hack/cluster/src/ports.ts';
import os from 'node:os';
import path from 'node:path';
import { connectClient, startTestServer, type TestServer } from '../../../../servers/kit/testing.ts';
import { MemoryKvStore } from '../../../../servers/utility/lib/store.ts';
import { createServer } from '../../../../servers/utility/server.ts';
import { pointsFrom, prometheusSource, promQueries } from '../metrics/prometheus-source.ts';
import { MetricsWatcher } from '../metrics/watcher.ts';
import type { MetricsPoint } from '../api-types.ts';

const PROMETHEUS = '/usr/bin/prometheus';

describe('console metrics from Prometheus', function () {
  this.timeout(180_000);
  let server: TestServer;
  let prometheus: ChildProcess | undefined;
  let dir: string;
  let url: string;

  before(async function () {
    if (!existsSync(PROMETHEUS)) throw new Error(`${PROMETHEUS} is missing: apt-get install prometheus (.ci/run does)`);
    dir = await mkdtemp(path.join(os.tmpdir(), 'mcpfleet-console-prom-'));
    server = await startTestServer(createServer({ store: new MemoryKvStore({ maxKeys: 100 }), maxValueBytes: 1024 }));
    const target = new URL(server.baseUrl).host;
    await writeFile(
      path.join(dir, 'prometheus.yml'),
      `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: mcp\n    static_configs:\n      - targets: ["${target}"]\n        labels: { namespace: default, service: utility }\n`,
    );
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    prometheus = spawn(PROMETHEUS, [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], { stdio: 'ignore' });
    await pollUntil('Prometheus ready', async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined), 90_000, 500);
  });

  after(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus!.once('exit', resolve));
      prometheus.kill('SIGTERM');
      await exited;
    }
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('charts calls per tool, error rate and p99 latency of the kit series', async () => {
    // rate() counts increases between scrapes: keep calling while Prometheus scrapes.
    const client = await connectClient(server.url);
    const source = prometheusSource({ url, rateWindow: '30s', backfillSeconds: 60, stepSeconds: 1, timeoutMs: 10_000 });
    let round = 0;
    const point = await pollUntil('a point with calls', async () => {
      round++;
      for (let i = 0; i < 4; i++) await client.callTool({ name: 'kv_set', arguments: { key: `k${round}-${i}`, value: 'v' } });
      await client.callTool({ name: 'kv_get', arguments: { key: 'missing' } });
      const p = await source.sample('default/utility');
      return p && (p.callsPerTool.kv_set ?? 0) > 0 && (p.callsPerTool.kv_get ?? 0) > 0 && p.errorRate > 0 ? p : undefined;
    }, 90_000, 500);
    await client.close();
    assert.ok(point.errorRate > 0 && point.errorRate < 1, `error rate ${point.errorRate}`);
    assert.ok(point.p99Seconds !== undefined && point.p99Seconds > 0 && point.p99Seconds < 30, `p99 ${point.p99Seconds}`);
    const history = await source.backfill!('default/utility');
    assert.ok(history.some((p) => (p.callsPerTool.kv_set ?? 0) > 0), 'the recent past comes from query_range');

    // Through the watcher the console uses: history first, then points.
    const watcher = new MetricsWatcher(source, { intervalMs: 1000, historySize: 100 });
    const seen: MetricsPoint[] = [];
    let historyEvents = 0;
    const stop = watcher.watch('default/utility', (event) => {
      if ('history' in event) historyEvents++;
      if ('point' in event) seen.push(event.point);
    });
    await pollUntil('watched points', async () => (seen.length >= 2 ? true : undefined), 30_000, 500);
    stop();
    watcher.stopAll();
    assert.equal(historyEvents, 1);
  });

  it('answers an unknown server with empty points and a bad query with the Prometheus error', async () => {
    const source = prometheusSource({ url, rateWindow: '30s', backfillSeconds: 60, stepSeconds: 1, timeoutMs: 10_000 });
    const empty = await source.sample('nowhere/none');
    assert.deepEqual(empty?.callsPerTool, {});
    const broken = prometheusSource({ url, rateWindow: 'not-a-window', backfillSeconds: 60, stepSeconds: 1, timeoutMs: 10_000 });
    await assert.rejects(broken.sample('default/utility'), /Prometheus query: /);
  });

  it('escapes label values and assembles points by time', () => {
    assert.match(promQueries('a"b', 'c\\d', '1m').calls, /namespace="a\\"b",service="c\\\\d"/);
    const points = pointsFrom(
      [{ metric: { tool: 't' }, values: [[2, '1'], [1, '0.5']] }],
      [{ metric: {}, values: [[1, 'NaN'], [2, '0.25']] }],
      [{ metric: {}, values: [[2, '0.1']] }],
    );
    assert.deepEqual(points, [
      { at: 1000, callsPerTool: { t: 0.5 }, errorRate: 0 },
      { at: 2000, callsPerTool: { t: 1 }, errorRate: 0.25, p99Seconds: 0.1 },
    ]);
  });
});
