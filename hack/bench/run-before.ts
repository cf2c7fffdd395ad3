import { runBigEnvCase } from './big-env-before.ts';
await runBigEnvCase(process.cwd());
