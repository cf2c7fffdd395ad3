// `npm run images`: the operator and servers images from Dockerfile.operator and
// Dockerfile.server, built by buildah over the base of base.ts, written as OCI archives to
// .cache/images and described in .cache/images/images.json (digest, size, labels). Reproducible:
// every file and the image get the commit's time (SOURCE_DATE_EPOCH), so one commit gives one
// digest. An image whose inputs (base, Dockerfile, build arguments, every file of the context)
// are unchanged is not rebuilt.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureBaseImage } from './base.ts';
import type { BaseImage } from './base.ts';
import { BuildahStorage } from './buildah.ts';
import { prepareContext, treeDigest } from './context.ts';
import { execTool } from './exec.ts';
import { readOciArchive } from './oci-archive.ts';
import type { OciImage } from './oci-archive.ts';
import { IMAGES_OUT_DIR, REPO_ROOT, sha256Hex } from './paths.ts';

export type ImageName = 'operator' | 'servers';

export const IMAGE_DOCKERFILES: Record<ImageName, string> = {
  operator: 'Dockerfile.operator',
  servers: 'Dockerfile.server',
};

export interface BuiltImage {
  name: ImageName;
  archive: string;
  digest: string;
  compressedSize: number;
  labels: Record<string, string>;
  user: string;
  /** The cache key of the inputs; equal keys give equal digests. */
  key: string;
  /** false when the archive of an earlier build with the same inputs was reused. */
  built: boolean;
}

export interface BuildMetadata {
  version: string;
  revision: string;
  source: string;
  /** Seconds since the epoch: SOURCE_DATE_EPOCH, else the commit's time. */
  timestamp: number;
}

export interface BuildOptions {
  /** Build even when an archive with the same inputs exists (the reproducibility check). */
  force?: boolean;
  /** Where the archives go (default .cache/images). */
  outDir?: string;
  names?: readonly ImageName[];
  /** Version, revision, source and time to build with (default: this checkout's). */
  metadata?: BuildMetadata;
}

export interface BuildResult {
  base: BaseImage;
  images: BuiltImage[];
  metadata: BuildMetadata;
}

async function git(args: string[]): Promise<string | undefined> {
  const result = await execTool('git', args, { cwd: REPO_ROOT });
  return result.code === 0 ? result.stdout.trim() : undefined;
}

/** Version, revision, source and timestamp of this checkout (the OCI labels' values). */
export async function buildMetadata(env: NodeJS.ProcessEnv = process.env): Promise<BuildMetadata> {
  const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string; repository?: { url?: string } };
  const epoch = env.SOURCE_DATE_EPOCH ?? (await git(['log', '-1', '--format=%ct']));
  const timestamp = Number(epoch ?? '0');
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new Error(`SOURCE_DATE_EPOCH must be whole seconds, got ${epoch}`);
  return {
    version: pkg.version,
    revision: (await git(['rev-parse', 'HEAD'])) ?? 'unknown',
    source: (pkg.repository?.url ?? 'unknown').replace(/^git\+/, '').replace(/\.git$/, ''),
    timestamp,
  };
}

export function buildArgs(base: BaseImage, metadata: BuildMetadata): Record<string, string> {
  return {
    BASE: base.reference,
    VERSION: metadata.version,
    REVISION: metadata.revision,
    SOURCE: metadata.source,
    CREATED: new Date(metadata.timestamp * 1000).toISOString().replace(/\.000Z$/, 'Z'),
  };
}

interface ImagesIndex {
  images: Partial<Record<ImageName, BuiltImage>>;
}

export const IMAGES_INDEX = join(IMAGES_OUT_DIR, 'images.json');

/** Bumped when the archive's layout changes (e.g. its ref name), so older archives are rebuilt. */
const ARCHIVE_LAYOUT = 2;

export async function readImagesIndex(path = IMAGES_INDEX): Promise<ImagesIndex> {
  if (!existsSync(path)) return { images: {} };
  return JSON.parse(await readFile(path, 'utf8')) as ImagesIndex;
}

function describe(name: ImageName, archive: string, image: OciImage, key: string, built: boolean): BuiltImage {
  return {
    name,
    archive,
    digest: image.digest,
    compressedSize: image.compressedSize,
    labels: image.config.config.Labels ?? {},
    user: image.config.config.User ?? '',
    key,
    built,
  };
}

export async function buildImages(options: BuildOptions = {}): Promise<BuildResult> {
  const outDir = options.outDir ?? IMAGES_OUT_DIR;
  await mkdir(outDir, { recursive: true });
  const base = await ensureBaseImage();
  const metadata = options.metadata ?? (await buildMetadata());
  const args = buildArgs(base, metadata);
  const context = await prepareContext();
  const contextDigest = await treeDigest(context);
  const indexPath = join(outDir, 'images.json');
  const index = await readImagesIndex(indexPath);
  const images: BuiltImage[] = [];
  let storage: BuildahStorage | undefined;
  try {
    for (const name of options.names ?? (['operator', 'servers'] as const)) {
      const dockerfile = join(REPO_ROOT, IMAGE_DOCKERFILES[name]);
      const key = sha256Hex(JSON.stringify({ layout: ARCHIVE_LAYOUT, base: base.key, dockerfile: await readFile(dockerfile, 'utf8'), args, contextDigest, timestamp: metadata.timestamp }));
      const archive = join(outDir, `${name}.oci.tar`);
      const previous = index.images[name];
      if (options.force !== true && previous?.key === key && existsSync(archive)) {
        images.push(describe(name, archive, await readOciArchive(archive), key, false));
        continue;
      }
      storage ??= await BuildahStorage.create(join(outDir, 'storage'));
      const tag = `localhost/mcpfleet/${name}:${metadata.version}`;
      await storage.bud({ dockerfile, context, tag, buildArgs: args, timestamp: metadata.timestamp });
      await storage.pushToArchive(tag, `${archive}.partial`, metadata.version);
      await rename(`${archive}.partial`, archive);
      images.push(describe(name, archive, await readOciArchive(archive), key, true));
    }
  } finally {
    await storage?.remove();
  }
  const merged: ImagesIndex = { images: { ...index.images } };
  for (const image of images) merged.images[image.name] = image;
  await writeFile(indexPath, `${JSON.stringify(merged, null, 2)}\n`);
  return { base, images, metadata };
}
