// A private buildah storage (vfs driver, its own root and runroot) for one build: nothing is read
// from or left in the machine's container storage, so a build depends only on its inputs, and
// removing the directory removes every layer it made.
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execOk } from './exec.ts';

export interface BudOptions {
  dockerfile: string;
  context: string;
  tag: string;
  buildArgs?: Record<string, string>;
  /** Seconds since the epoch: the created time of the image and the mtime of every file in it. */
  timestamp: number;
}

export class BuildahStorage {
  readonly dir: string;

  private constructor(dir: string) {
    this.dir = dir;
  }

  static async create(dir: string): Promise<BuildahStorage> {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    return new BuildahStorage(dir);
  }

  private globalArgs(): string[] {
    return ['--root', join(this.dir, 'root'), '--runroot', join(this.dir, 'run'), '--storage-driver', 'vfs'];
  }

  run(args: readonly string[]): Promise<string> {
    return execOk('buildah', [...this.globalArgs(), ...args]);
  }

  /** `buildah bud` of a Dockerfile; one layer per build (no --layers), reproducible by --timestamp. */
  async bud(options: BudOptions): Promise<void> {
    const buildArgs = Object.entries(options.buildArgs ?? {}).flatMap(([key, value]) => ['--build-arg', `${key}=${value}`]);
    await this.run([
      'bud',
      '--quiet',
      '--format', 'oci',
      '--timestamp', String(options.timestamp),
      '--identity-label=false',
      ...buildArgs,
      '-f', options.dockerfile,
      '-t', options.tag,
      options.context,
    ]);
  }

  /**
   * Writes an image to an OCI archive (gzip layers) and returns its manifest digest. `refName`
   * (e.g. the version) becomes the index's org.opencontainers.image.ref.name, which containerd's
   * `ctr images import --base-name` and skopeo read; the manifest digest does not depend on it.
   */
  async pushToArchive(tag: string, archive: string, refName?: string): Promise<string> {
    await rm(archive, { force: true });
    const digestFile = join(this.dir, 'digest');
    await this.run(['push', '--quiet', '--format', 'oci', '--digestfile', digestFile, tag, `oci-archive:${archive}${refName === undefined ? '' : `:${refName}`}`]);
    return (await readFile(digestFile, 'utf8')).trim();
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
