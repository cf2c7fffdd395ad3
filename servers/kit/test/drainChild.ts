// Child process for the drain test: the fixture server on the real kit, with the same
// SIGTERM-to-drain wiring as servers/main.ts. Prints its URLs, then "SLOW_STARTED" whenever the
// slow tool begins, on stdout.
import { parseKitConfig } from '../config.ts';
import { startHttpKit } from '../runtime.ts';
import { fixtureServer } from './fixtures.ts';

const config = parseKitConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1' });
const kit = await startHttpKit(
  fixtureServer(undefined, { onSlowStart: () => process.stdout.write('SLOW_STARTED\n') }),
  config,
  { logStream: process.stderr },
);
process.stdout.write(`${JSON.stringify({ url: kit.url, baseUrl: kit.baseUrl })}\n`);
process.once('SIGTERM', () => {
  kit.shutdown().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
