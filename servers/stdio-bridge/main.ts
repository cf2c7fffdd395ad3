// Entry point of the stdio bridge's self-contained bundle (hack/bundle-stdio-bridge.ts): the
// operator wraps a stdio image's command with it, so the image needs no Node.js of its own.
import { runServer } from '../runServer.ts';
import { openStdioBridgeServer } from './open.ts';

runServer('stdio-bridge', openStdioBridgeServer).catch((error: unknown) => {
  process.stderr.write(`stdio-bridge: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
