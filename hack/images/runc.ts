// Runs a built image the way a locked-down kubelet would, with Debian's runc and no container
// engine: the OCI archive unpacked into a bundle, the image's own user, entrypoint, working
// directory and environment, a read-only root filesystem with /tmp on a tmpfs, no capabilities,
// no new privileges, and the host's network namespace (so the container reaches, and is reached
// on, loopback only when its program binds 127.0.0.1).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execOk, execTool } from './exec.ts';
import { unpackRootfs } from './oci-archive.ts';
import type { OciImageConfig } from './oci-archive.ts';

export interface Bundle {
  dir: string;
  image: OciImageConfig;
  remove(): Promise<void>;
}

export interface RunSpec {
  /** Appended to the image's entrypoint (like a pod's args). */
  args?: string[];
  env?: Record<string, string>;
  /** Replaces the image's entrypoint (like a pod's command), e.g. for a probe script. */
  entrypoint?: string[];
  /** Host files or directories bound read-only into the container (like a mounted Secret). */
  readOnlyBinds?: { source: string; destination: string }[];
}

/** Unpacks `archive` into a fresh bundle directory (removed by bundle.remove()). */
export async function createBundle(archive: string): Promise<Bundle> {
  const dir = await mkdtemp(join(tmpdir(), 'mcpfleet-runc-'));
  const rootfs = join(dir, 'rootfs');
  await mkdir(rootfs);
  const image = await unpackRootfs(archive, rootfs);
  return { dir, image: image.config, remove: () => rm(dir, { recursive: true, force: true }) };
}

function parseUser(user: string | undefined): { uid: number; gid: number } {
  const match = /^(\d+)(?::(\d+))?$/.exec(user ?? '');
  if (match === null) throw new Error(`the image's User must be numeric uid[:gid] to run as non-root, got "${user ?? ''}"`);
  const uid = Number(match[1]);
  return { uid, gid: match[2] === undefined ? uid : Number(match[2]) };
}

/** The runtime spec: a pure function of the image config and the run request. */
export function runtimeSpec(image: OciImageConfig, run: RunSpec): Record<string, unknown> {
  const env = [...(image.config.Env ?? []).filter((e) => !Object.hasOwn(run.env ?? {}, e.split('=')[0]!)), ...Object.entries(run.env ?? {}).map(([k, v]) => `${k}=${v}`)];
  const args = [...(run.entrypoint ?? image.config.Entrypoint ?? []), ...(run.args ?? (run.entrypoint === undefined ? image.config.Cmd : undefined) ?? [])];
  if (args.length === 0) throw new Error('the image has no entrypoint');
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: parseUser(image.config.User),
      args,
      env,
      cwd: image.config.WorkingDir ?? '/',
      capabilities: { bounding: [], effective: [], inheritable: [], permitted: [], ambient: [] },
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }],
      noNewPrivileges: true,
    },
    root: { path: 'rootfs', readonly: true },
    hostname: 'mcpfleet',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620'] },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
      { destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'mode=1777', 'size=65536k'] },
      // The host's resolver files, read-only, as a kubelet provides them.
      { destination: '/etc/hosts', type: 'bind', source: '/etc/hosts', options: ['rbind', 'ro'] },
      ...(run.readOnlyBinds ?? []).map((b) => ({ destination: b.destination, type: 'bind', source: b.source, options: ['rbind', 'ro'] })),
    ],
    linux: {
      // No network namespace: the host's, so loopback is shared with the test.
      namespaces: [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }],
      maskedPaths: ['/proc/kcore', '/proc/keys', '/proc/timer_list', '/sys/firmware'],
      readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    },
  };
}

export interface RunningContainer {
  id: string;
  process: ChildProcess;
  /** Everything the container wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code when the container's process ends. */
  exited: Promise<number>;
  /** Kills the container (SIGKILL) and deletes its runc state; idempotent. */
  stop(): Promise<void>;
}

let sequence = 0;

/** Starts the bundle's container with `runc run` in the foreground of a child process. */
export async function runContainer(bundle: Bundle, run: RunSpec = {}): Promise<RunningContainer> {
  await writeFile(join(bundle.dir, 'config.json'), JSON.stringify(runtimeSpec(bundle.image, run), null, 2));
  const stateRoot = join(bundle.dir, 'state');
  await mkdir(stateRoot, { recursive: true });
  const id = `mcpfleet-${process.pid}-${++sequence}`;
  const child = spawn('runc', ['--root', stateRoot, 'run', '--bundle', bundle.dir, id], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number>((resolve) => {
    child.once('error', (error) => {
      output += error.message;
      resolve(127);
    });
    child.once('exit', (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
  });
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      await execTool('runc', ['--root', stateRoot, 'kill', id, 'KILL'], { timeoutMs: 30_000 });
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
      await execTool('runc', ['--root', stateRoot, 'delete', '--force', id], { timeoutMs: 30_000 });
    })());
  return { id, process: child, output: () => output, exited, stop };
}

/** Runs the container to completion and returns its exit code and output (bounded by timeoutMs). */
export async function runToCompletion(bundle: Bundle, run: RunSpec, timeoutMs = 60_000): Promise<{ code: number; output: string }> {
  const container = await runContainer(bundle, run);
  const timer = setTimeout(() => void container.stop(), timeoutMs);
  try {
    const code = await container.exited;
    return { code, output: container.output() };
  } finally {
    clearTimeout(timer);
    await container.stop();
  }
}

/** runc is present and can run containers here (root, or a runc that works rootless). */
export async function runcVersion(): Promise<string> {
  return (await execOk('runc', ['--version'])).split('\n')[0] ?? '';
}
