// Runs the external programs of the release tooling (buildah, skopeo, runc, apt-get, npm, git)
// without a shell: arguments are passed as a list, output is captured, and a non-zero exit
// becomes an error that carries the program's own message.
import { execFile } from 'node:child_process';

export interface ExecOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Kills the program after this long (default 10 minutes: cold image builds are slow). */
  timeoutMs?: number;
  /** Written to the program's stdin (e.g. a password for --password-stdin). */
  input?: string;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `bin args` and resolves with its exit code and output, whatever the exit code. */
export function execTool(bin: string, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve) => {
    const child = execFile(
      bin,
      [...args],
      { cwd: options.cwd, env: { ...process.env, ...options.env }, timeout: options.timeoutMs ?? 600_000, maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr: stderr || (error !== null && typeof error.code !== 'number' ? error.message : '') });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Runs `bin args` and returns its stdout; a non-zero exit throws with the program's stderr. */
export async function execOk(bin: string, args: readonly string[], options: ExecOptions = {}): Promise<string> {
  const result = await execTool(bin, args, options);
  if (result.code !== 0) {
    throw new Error(`${bin} ${args.join(' ')} exited with ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`);
  }
  return result.stdout;
}

/** Like execOk, but returns stdout and stderr together (for tools that report on stderr). */
export async function execOkCombined(bin: string, args: readonly string[], options: ExecOptions = {}): Promise<string> {
  const result = await execTool(bin, args, options);
  if (result.code !== 0) {
    throw new Error(`${bin} ${args.join(' ')} exited with ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`);
  }
  return `${result.stdout}\n${result.stderr}`;
}
