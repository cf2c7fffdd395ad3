// Pushes an OCI archive to a registry with skopeo (no daemon, no engine) and returns the
// manifest digest the registry stores. Layers are copied as they are, so the digest pushed is
// the digest `npm run images` printed.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execOk } from '../images/exec.ts';
import type { RegistryCredentials } from './ecr.ts';

export interface PushTarget {
  /** registry host[:port]/path/name, without tag. */
  repository: string;
  tag: string;
  credentials?: RegistryCredentials;
  /** Plain HTTP / unverified TLS: only for loopback registries in tests and development. */
  insecure: boolean;
}

/** Loopback registries speak plain HTTP (the local docker-registry of the tests). */
export function isLoopbackRegistry(host: string): boolean {
  return /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(host);
}

export async function pushArchive(archive: string, target: PushTarget): Promise<string> {
  const work = await mkdtemp(join(tmpdir(), 'mcpfleet-push-'));
  try {
    const digestFile = join(work, 'digest');
    const args = ['copy', '--quiet', '--retry-times', '2', '--digestfile', digestFile, `--dest-tls-verify=${String(!target.insecure)}`];
    if (target.credentials !== undefined) {
      // Through a file, not argv, so the password never shows in a process listing.
      const authFile = join(work, 'auth.json');
      const host = target.repository.split('/')[0]!;
      const auth = Buffer.from(`${target.credentials.username}:${target.credentials.password}`).toString('base64');
      await writeFile(authFile, JSON.stringify({ auths: { [host]: { auth } } }), { mode: 0o600 });
      args.push('--dest-authfile', authFile);
    }
    args.push(`oci-archive:${archive}`, `docker://${target.repository}:${target.tag}`);
    await execOk('skopeo', args, { timeoutMs: 900_000 });
    return (await readFile(digestFile, 'utf8')).trim();
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
