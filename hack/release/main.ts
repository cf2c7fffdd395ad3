// `npm run release -- --registry <host[:port][/path]> --tag <tag> [--chart] [--ecr] [--ecr-region r]`
// Pushes both images (and the chart with --chart) and prints every digest; see release.ts.
import { parseArgs } from 'node:util';
import { release } from './release.ts';

const USAGE = 'usage: npm run release -- --registry <host[:port][/path]> --tag <tag> [--chart] [--ecr] [--ecr-region <region>]';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      registry: { type: 'string' },
      tag: { type: 'string' },
      chart: { type: 'boolean', default: false },
      ecr: { type: 'boolean', default: false },
      'ecr-region': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  if (values.registry === undefined || values.tag === undefined) {
    console.error(USAGE);
    return 2;
  }
  const username = process.env.REGISTRY_USERNAME;
  const password = process.env.REGISTRY_PASSWORD;
  const result = await release({
    registry: values.registry,
    tag: values.tag,
    chart: values.chart === true,
    ecr: values.ecr === true,
    ...(values['ecr-region'] !== undefined && { ecrRegion: values['ecr-region'] }),
    ...(username !== undefined && password !== undefined && username !== '' && { credentials: { username, password } }),
  });
  for (const repo of result.repositories) console.log(`ecr       ${repo.name} ${repo.created ? 'created' : 'exists'} (scan on push, immutable tags, lifecycle policy)`);
  for (const image of result.images) console.log(`${image.name.padEnd(9)} ${image.repository}:${image.tag}@${image.digest}`);
  if (result.chart !== undefined) console.log(`chart     ${result.chart.reference}:${result.chart.version}@${result.chart.digest}`);
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(`npm run release: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
