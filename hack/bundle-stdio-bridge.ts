// Bundles the stdio bridge (servers/stdio-bridge/main.ts with the kit) into one ESM file that the
// servers image's own node runs inside any glibc image (see servers/README.md). Everything is
// inside, the lazily loaded DynamoDB cache client too: the image has no node_modules to fall back on.
// usage: node hack/bundle-stdio-bridge.ts [outfile]   (default dist/servers/stdio-bridge.mjs)
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function bundleStdioBridge(outfile: string): Promise<void> {
  await build({
    entryPoints: [path.join(root, 'servers/stdio-bridge/main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    // CommonJS dependencies (winston, prom-client) call require(); give the ESM bundle one.
    banner: { js: "import { createRequire as __mcpfleetRequire } from 'node:module'; const require = __mcpfleetRequire(import.meta.url);" },
    logLevel: 'warning',
    legalComments: 'none',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await bundleStdioBridge(path.resolve(process.argv[2] ?? path.join(root, 'dist/servers/stdio-bridge.mjs')));
}
