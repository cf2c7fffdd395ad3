// `npm run images [-- --force]`: builds the operator and servers images (hack/images/build.ts)
// and prints, per image, its digest, compressed size and archive, plus the build time.
import { parseArgs } from 'node:util';
import { buildImages } from './build.ts';

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { force: { type: 'boolean', default: false } }, strict: true });
  const started = performance.now();
  const result = await buildImages({ force: values.force });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`base ${result.base.key} (${result.base.built ? 'built' : 'cached'}) ${result.base.reference}`);
  for (const image of result.images) {
    console.log(`${image.name.padEnd(9)} ${image.digest}  ${megabytes(image.compressedSize).padStart(10)}  ${image.built ? 'built ' : 'cached'}  ${image.archive}`);
  }
  console.log(`version ${result.metadata.version}, revision ${result.metadata.revision}, SOURCE_DATE_EPOCH ${result.metadata.timestamp}; ${seconds}s`);
}

main().catch((error: unknown) => {
  console.error(`npm run images: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
