// Reads the OCI archives `npm run images` writes (an OCI image layout in a tar): the manifest
// and its digest, the image config (user, entrypoint, labels), and the root filesystem unpacked
// layer by layer for runc.
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execOk } from './exec.ts';

export interface OciDescriptor {
  mediaType: string;
  digest: string;
  size: number;
}

export interface OciManifest {
  schemaVersion: number;
  mediaType?: string;
  config: OciDescriptor;
  layers: OciDescriptor[];
}

export interface OciImageConfig {
  created?: string;
  architecture: string;
  os: string;
  config: {
    User?: string;
    Env?: string[];
    Entrypoint?: string[];
    Cmd?: string[];
    WorkingDir?: string;
    Labels?: Record<string, string>;
    ExposedPorts?: Record<string, object>;
  };
  rootfs: { type: string; diff_ids: string[] };
}

export interface OciImage {
  /** sha256:… of the manifest: what a registry reports and what `image@digest` pins. */
  digest: string;
  manifest: OciManifest;
  config: OciImageConfig;
  /** Bytes a pull transfers: the manifest's config and (compressed) layers. */
  compressedSize: number;
}

function blobPath(digest: string): string {
  const [algorithm, hex] = digest.split(':');
  if (algorithm !== 'sha256' || hex === undefined || !/^[0-9a-f]{64}$/.test(hex)) throw new Error(`unexpected digest ${digest}`);
  return `blobs/sha256/${hex}`;
}

async function member(archive: string, path: string): Promise<string> {
  return execOk('tar', ['-xOf', archive, path]);
}

export async function readOciArchive(archive: string): Promise<OciImage> {
  const index = JSON.parse(await member(archive, 'index.json')) as { manifests: OciDescriptor[] };
  if (index.manifests.length !== 1) throw new Error(`${archive}: expected one manifest, found ${index.manifests.length}`);
  const digest = index.manifests[0]!.digest;
  const manifest = JSON.parse(await member(archive, blobPath(digest))) as OciManifest;
  const config = JSON.parse(await member(archive, blobPath(manifest.config.digest))) as OciImageConfig;
  const compressedSize = manifest.config.size + manifest.layers.reduce((sum, layer) => sum + layer.size, 0);
  return { digest, manifest, config, compressedSize };
}

/** Unpacks every layer in order into `rootfs` (which must exist), owners and modes preserved. */
export async function unpackRootfs(archive: string, rootfs: string): Promise<OciImage> {
  const image = await readOciArchive(archive);
  const blobs = await mkdtemp(join(rootfs, '..', 'blobs-'));
  try {
    for (const layer of image.manifest.layers) {
      await execOk('tar', ['-xf', archive, '-C', blobs, blobPath(layer.digest)]);
      await execOk('tar', ['--same-owner', '--same-permissions', '-xf', join(blobs, blobPath(layer.digest)), '-C', rootfs]);
      await rm(join(blobs, blobPath(layer.digest)));
    }
  } finally {
    await rm(blobs, { recursive: true, force: true });
  }
  return image;
}
