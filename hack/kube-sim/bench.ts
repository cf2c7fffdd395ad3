// kube-sim benchmark: how many objects it holds, how many simple writes per second it sustains
// over HTTP, and how fast a watch fans out to 10 watchers. Prints figures; asserts nothing.
//   node hack/kube-sim/bench.ts [--objects 10000] [--writes 3000] [--watchers 10]
import { request, Agent } from 'node:http';
import { get as httpGet } from 'node:http';
import { parseArgs } from 'node:util';
import { startKubeSim } from './src/api.ts';

const { values } = parseArgs({ options: { objects: { type: 'string' }, writes: { type: 'string' }, watchers: { type: 'string' }, concurrency: { type: 'string' } } });
const OBJECTS = Number(values.objects ?? 10000);
const WRITES = Number(values.writes ?? 3000);
const WATCHERS = Number(values.watchers ?? 10);
const CONCURRENCY = Number(values.concurrency ?? 16);

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function post(base: string, path: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const text = JSON.stringify(body);
    const req = request(`${base}${path}`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'user-agent': 'kube-sim-bench/1' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(text);
  });
}

async function runPool(count: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

const sim = await startKubeSim({ log: () => {}, watchWindow: 20000 });
try {
  const mem0 = process.memoryUsage().heapUsed;
  let t = performance.now();
  for (let i = 0; i < OBJECTS; i++) {
    sim.service.create(sim.registry.lookup('', 'v1', 'configmaps')!, 'default', { metadata: { name: `hold-${i}`, labels: { bench: 'hold' } }, data: { i: String(i) } }, { manager: 'bench' });
  }
  const loadMs = performance.now() - t;
  const heapMb = (process.memoryUsage().heapUsed - mem0) / 1024 / 1024;
  console.log(`objects held: ${sim.store.count()} (loaded ${OBJECTS} ConfigMaps in-process in ${loadMs.toFixed(0)} ms, ~${heapMb.toFixed(0)} MiB heap)`);

  t = performance.now();
  const list = await fetch(`${sim.url}/api/v1/namespaces/default/configmaps?labelSelector=bench%3Dhold`);
  const items = ((await list.json()) as { items: unknown[] }).items.length;
  console.log(`list of ${items} objects over HTTP: ${(performance.now() - t).toFixed(0)} ms`);

  // Watch fan-out: WATCHERS streams on secrets, each must see every write.
  let received = 0;
  const target = WATCHERS * WRITES;
  let fanoutDone: () => void = () => {};
  const allReceived = new Promise<void>((resolve) => (fanoutDone = resolve));
  const watchReqs = Array.from({ length: WATCHERS }, () =>
    httpGet(`${sim.url}/api/v1/namespaces/default/secrets?watch=1&resourceVersion=${sim.store.currentRv()}`, { agent: false }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        for (const c of chunk) if (c === '\n') received++;
        if (received >= target) fanoutDone();
      });
    }),
  );
  while (sim.faults.activeWatchCount() < WATCHERS) await new Promise((r) => setTimeout(r, 10));

  t = performance.now();
  let failures = 0;
  await runPool(WRITES, async (i) => {
    const code = await post(sim.url, '/api/v1/namespaces/default/secrets', { metadata: { name: `w-${i}` }, stringData: { k: 'v' } });
    if (code !== 201) failures++;
  });
  const writeMs = performance.now() - t;
  const timeout = setTimeout(fanoutDone, 30000);
  await allReceived;
  clearTimeout(timeout);
  const fanMs = performance.now() - t;
  console.log(`writes: ${WRITES} creates over HTTP (concurrency ${CONCURRENCY}) in ${writeMs.toFixed(0)} ms = ${((WRITES / writeMs) * 1000).toFixed(0)} writes/s, ${failures} failed`);
  console.log(`watch fan-out: ${received}/${target} events delivered to ${WATCHERS} watchers within ${fanMs.toFixed(0)} ms = ${((received / fanMs) * 1000).toFixed(0)} events/s`);
  for (const r of watchReqs) r.destroy();
} finally {
  agent.destroy();
  await sim.stop();
}
