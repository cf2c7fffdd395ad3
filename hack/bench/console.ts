// Benchmark of the web console: the shipped frontend bundle (bytes raw, gzip and brotli), and for
// fleets of N McpServers on kube-sim the fleet page in headless Chromium: navigation to first
// rows, frame times while scrolling the whole list, DOM rows, and how long a status change takes
// to reach the page. Every phase is bounded by a timeout.
//
//   npm run bench:console                 (N = 1000 and 5000)
//   BENCH_FLEETS=1000,10000 npm run bench:console
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { startKubeSim } from '../kube-sim/src/api.ts';
import { startDemoConsole } from '../demo/console.ts';
import { buildFrontend, frontendPaths } from '../console/frontend-build.ts';
import { launchBrowser } from '../../operator/src/console/test/browser.ts';
import { FLEET_NAMESPACES, measureLiveUpdate, measureRender, measureScroll, seedFleet } from '../../operator/src/console/test/fleet-fixture.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FLEETS = (process.env.BENCH_FLEETS ?? '1000,5000').split(',').map(Number).filter((n) => n > 0 && n <= 20_000);
const PHASE_TIMEOUT_MS = 120_000;

const paths = frontendPaths(repoRoot);
await buildFrontend(paths);
const assets = path.join(paths.outDir, 'assets');
console.log('frontend bundle (dist/console):');
let total = { raw: 0, gzip: 0, brotli: 0 };
for (const file of ['index.html', ...readdirSync(assets).map((f) => `assets/${f}`)]) {
  const bytes = readFileSync(path.join(paths.outDir, file));
  const sizes = { raw: statSync(path.join(paths.outDir, file)).size, gzip: gzipSync(bytes, { level: 9 }).length, brotli: brotliCompressSync(bytes).length };
  total = { raw: total.raw + sizes.raw, gzip: total.gzip + sizes.gzip, brotli: total.brotli + sizes.brotli };
  console.log(`  ${file.padEnd(32)} ${String(sizes.raw).padStart(7)} B   gzip ${String(sizes.gzip).padStart(6)} B   brotli ${String(sizes.brotli).padStart(6)} B`);
}
console.log(`  ${'total'.padEnd(32)} ${String(total.raw).padStart(7)} B   gzip ${String(total.gzip).padStart(6)} B   brotli ${String(total.brotli).padStart(6)} B`);

const browser = await launchBrowser();
try {
  console.log('\nfleet page (headless chromium, 1400x900):');
  console.log('  N        first rows   DOM rows   scroll frames   p95 frame   max frame   live update');
  for (const count of FLEETS) {
    const sim = await startKubeSim({ log: () => undefined, namespaces: Array.from({ length: FLEET_NAMESPACES }, (_, i) => `team-${i}`) });
    const web = await startDemoConsole({ repoRoot, sim });
    try {
      await seedFleet(sim, repoRoot, count);
      const page = await browser.context.newPage();
      const render = await measureRender(page, web.url, count, PHASE_TIMEOUT_MS);
      const scroll = await measureScroll(page);
      const live = await measureLiveUpdate(page, sim, count - 1, PHASE_TIMEOUT_MS);
      await page.close();
      console.log(
        `  ${String(count).padEnd(8)} ${`${render.renderMs} ms`.padStart(10)}   ${String(render.domRows).padStart(8)}   ${String(scroll.frames).padStart(13)}   ${`${scroll.p95Ms.toFixed(1)} ms`.padStart(9)}   ${`${scroll.maxMs.toFixed(1)} ms`.padStart(9)}   ${`${live} ms`.padStart(11)}`,
      );
    } finally {
      await web.stop();
      await sim.stop();
    }
  }
} finally {
  await browser.close();
}
