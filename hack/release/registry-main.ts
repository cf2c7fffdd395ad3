// `npm run registry [-- --port 5000]`: Debian's docker-registry on 127.0.0.1 (a free port unless
// --port is given) until Ctrl-C, for `npm run release` and `helm install oci://…` on this machine.
import { parseArgs } from 'node:util';
import { startLocalRegistry } from './local-registry.ts';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string' } }, strict: true });
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) throw new Error(`--port ${values.port}: expected 1-65535`);
  const registry = await startLocalRegistry({ ...(port !== undefined && { port }) });
  console.log(`registry on ${registry.host} (plain HTTP, storage removed on exit); Ctrl-C stops it`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await registry.stop();
}

main().catch((error: unknown) => {
  console.error(`npm run registry: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
