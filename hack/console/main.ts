// `npm run console -- --kubeconfig …`: builds the console frontend with Vite when it is missing or
// older than its sources (Vite is development tooling, so this step lives outside the operator's
// code), then runs the console's own entry point with the same arguments.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureFrontend, frontendPaths } from './frontend-build.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
await ensureFrontend(frontendPaths(repoRoot), path.join(repoRoot, 'operator/src/console/api-types.ts'), (line) => console.log(line));
await import('../../operator/src/console/main.ts');
