// The operator process of the operator benchmark: the real Operator, with verification routed
// to the benchmark's shared MCP server (there is no cluster DNS here). Answers snapshots over
// IPC (its metrics and memory), so the figures are the operator's alone.
import { parseConfig } from '../../operator/src/config/config.ts';
import { createLogger } from '../../operator/src/observability/logger.ts';
import { Operator } from '../../operator/src/operator.ts';
import { PassThrough } from 'node:stream';

const endpoint = process.env.BENCH_MCP_ENDPOINT;
if (!endpoint) throw new Error('BENCH_MCP_ENDPOINT is required');
const config = parseConfig(process.argv.slice(2), process.env);
const operator = new Operator({
  config,
  logger: createLogger({ level: 'error', stream: new PassThrough() }),
  endpointResolver: { endpoints: () => [endpoint] },
});
await operator.start();
process.on('message', (message: unknown) => {
  if (message === 'stop') {
    void operator.stop().then(() => process.exit(0));
  } else if (typeof message === 'object' && message !== null && (message as { snapshot?: unknown }).snapshot !== undefined) {
    const { snapshot: id, gc } = message as { snapshot: number; gc?: boolean };
    if (gc) globalThis.gc?.();
    void operator.metrics.registry.getMetricsAsJSON().then((metrics) => {
      const { heapUsed, rss } = process.memoryUsage();
      // maxRSS is the kernel's high-water mark (KiB): the true peak, not the sample.
      process.send?.({ snapshot: id, metrics, heapUsed, rss, maxRss: process.resourceUsage().maxRSS * 1024 });
    });
  }
});
// The benchmark died (Ctrl-C, a crash): no operator is left behind writing to its cluster.
process.on('disconnect', () => void operator.stop().then(() => process.exit(0)));
process.send?.('started');
