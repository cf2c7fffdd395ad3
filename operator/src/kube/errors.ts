// Errors the kube layer throws. Callers branch on them (404 → absent, 409 → retry, 410 →
// relist), so they carry the HTTP code and the API's own Status instead of a bare message.
import type { KubeStatus } from './types.ts';

export class KubeApiError extends Error {
  readonly statusCode: number;
  readonly reason: string | undefined;
  readonly status: KubeStatus | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly method: string;
  readonly path: string;

  constructor(opts: {
    statusCode: number;
    method: string;
    path: string;
    status?: KubeStatus | undefined;
    bodyText?: string | undefined;
    retryAfterSeconds?: number | undefined;
  }) {
    const detail = opts.status?.message ?? opts.bodyText?.slice(0, 500) ?? '';
    super(`${opts.method} ${opts.path}: HTTP ${opts.statusCode}${opts.status?.reason ? ` ${opts.status.reason}` : ''}${detail ? `: ${detail}` : ''}`);
    this.name = 'KubeApiError';
    this.statusCode = opts.statusCode;
    this.method = opts.method;
    this.path = opts.path;
    this.status = opts.status;
    this.reason = opts.status?.reason;
    this.retryAfterSeconds = opts.retryAfterSeconds ?? opts.status?.details?.retryAfterSeconds;
  }
}

/** Thrown by every write when this replica does not hold the leader lease. */
export class NotLeaderError extends Error {
  constructor(action: string) {
    super(`refusing to ${action}: this replica is not the leader`);
    this.name = 'NotLeaderError';
  }
}

/** The watch or list asked for a resourceVersion the server no longer has: relist. */
export class ResourceExpiredError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResourceExpiredError';
  }
}

export function isNotFound(err: unknown): boolean {
  return err instanceof KubeApiError && err.statusCode === 404;
}

export function isConflict(err: unknown): boolean {
  return err instanceof KubeApiError && err.statusCode === 409;
}

export function isAlreadyExists(err: unknown): boolean {
  return err instanceof KubeApiError && err.statusCode === 409 && err.reason === 'AlreadyExists';
}

export function isGone(err: unknown): boolean {
  return err instanceof ResourceExpiredError || (err instanceof KubeApiError && err.statusCode === 410);
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
