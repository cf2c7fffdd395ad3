// The approved tool surface in enforce mode (TOOL_BASELINE_FILE): a JSON file the operator keeps in
// a ConfigMap it owns, mounted into the pod. The operator rewrites it when digests are approved in
// the spec or the first verified surface is adopted; the kubelet swaps the mounted file in place,
// and this reader re-reads it every few seconds, so neither needs a rollout.
// Fail closed: a missing, unreadable, oversized, non-regular or malformed file is "no baseline",
// and with no baseline every tool is withheld. Reading never throws into a request and never blocks:
// the file is opened non-blocking and checked to be a regular file before it is read (a FIFO put
// at the path cannot stall the event loop), and reads happen on a timer, not on the request path.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { z } from 'zod';
import type { Logger } from './logger.ts';

/** A baseline holds at most this many bytes (a few thousand tools' digests). */
export const MAX_BASELINE_BYTES = 1024 * 1024;

const baselineSchema = z.strictObject({
  approved: z.record(z.string().min(1).max(128), z.string().regex(/^sha256:[0-9a-f]{64}$/)).optional(),
});

export type ApprovedDigests = Readonly<Record<string, string>>;

export type BaselineRead = { ok: true; approved: ApprovedDigests | undefined } | { ok: false; error: string };

/** Parses the file's text. `approved` absent means the operator has nothing approved yet (first verification pending). */
export function parseBaseline(text: string): BaselineRead {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  const parsed = baselineSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join('.') || '(baseline)'}: ${i.message}`).join('; ') };
  return { ok: true, approved: parsed.data.approved };
}

export async function readBaselineFile(path: string): Promise<BaselineRead> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return { ok: false, error: (error as NodeJS.ErrnoException).code ?? (error as Error).message };
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return { ok: false, error: 'not a regular file' };
    if (stat.size > MAX_BASELINE_BYTES) return { ok: false, error: `larger than ${MAX_BASELINE_BYTES} bytes` };
    const buffer = Buffer.alloc(Math.min(stat.size + 1, MAX_BASELINE_BYTES + 1));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > MAX_BASELINE_BYTES) return { ok: false, error: `larger than ${MAX_BASELINE_BYTES} bytes` };
    return parseBaseline(buffer.subarray(0, bytesRead).toString('utf8'));
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Where enforcement points get the approved digests from; undefined: nothing is approved (withhold every tool). */
export interface BaselineSource {
  approved(): ApprovedDigests | undefined;
}

export const DEFAULT_BASELINE_REFRESH_MS = 2_000;

/** The baseline file, re-read on a timer; `approved()` answers from memory. */
export class BaselineFile implements BaselineSource {
  private current: ApprovedDigests | undefined;
  private lastError: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> | undefined;
  private readonly path: string;
  private readonly logger: Logger | undefined;

  private constructor(path: string, logger: Logger | undefined) {
    this.path = path;
    this.logger = logger;
  }

  /** Reads the file once (so the first request already sees it), then every `refreshMs`. */
  static async open(path: string, options: { logger?: Logger; refreshMs?: number } = {}): Promise<BaselineFile> {
    const file = new BaselineFile(path, options.logger);
    await file.refresh();
    file.timer = setInterval(() => void file.refresh(), options.refreshMs ?? DEFAULT_BASELINE_REFRESH_MS);
    file.timer.unref();
    return file;
  }

  approved(): ApprovedDigests | undefined {
    return this.current;
  }

  /** Re-reads now (one read at a time). */
  refresh(): Promise<void> {
    this.reading ??= this.readOnce().finally(() => (this.reading = undefined));
    return this.reading;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async readOnce(): Promise<void> {
    const read = await readBaselineFile(this.path);
    if (read.ok) {
      if (this.lastError !== undefined) this.logger?.info('tool baseline readable again', { file: this.path });
      this.lastError = undefined;
      this.current = read.approved;
      return;
    }
    this.current = undefined;
    if (read.error !== this.lastError) this.logger?.warn('tool baseline unreadable: every tool is withheld until it can be read', { file: this.path, error: read.error });
    this.lastError = read.error;
  }
}
