// The operator process of the operator benchmark: the real Operator, with verification routed
// to the benchmark's shared MCP server (there is no cluster DNS here). Reports its memory over
// IPC when asked, so the figures are the operator's alone.
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
  if (message === 'memory') {
    globalThis.gc?.();
    const m = process.memoryUsage();
    process.send?.({ heapUsed: m.heapUsed, rss: m.rss });
  } else if (message === 'stop') {
    void operator.stop().then(() => process.exit(0));
  }
});
process.send?.('started');
