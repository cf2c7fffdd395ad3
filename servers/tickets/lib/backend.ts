// The backend REST client: JSON over HTTP(S) with a bearer token from the TokenSource, a timeout
// per attempt, retries with backoff on 429, 5xx and network failures (POSTs carry an
// Idempotency-Key so a retried create cannot duplicate), one retry with a fresh token on 401,
// and a cap on response size. Every failure becomes a TicketsError of the taxonomy.
import { randomUUID } from 'node:crypto';
import type { BackoffPolicy } from './backoff.ts';
import { retryDelayMs, sleep } from './backoff.ts';
import { TicketsError } from './errors.ts';
import type { TokenSource } from './token.ts';

export interface BackendOptions {
  baseUrl: string;
  tokens: TokenSource;
  timeoutMs: number;
  /** Retries after the first attempt (429, 5xx, network errors). */
  maxRetries: number;
  backoff: BackoffPolicy;
  maxResponseBytes: number;
}

export interface BackendRequest {
  method: 'GET' | 'POST';
  /** Path below the base URL, already encoded, e.g. /users/u%2F1 */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
}

const RETRYABLE = new Set([429, 500, 502, 503, 504]);

class AttemptTimeout extends Error {}

export class BackendClient {
  private readonly options: BackendOptions;

  constructor(options: BackendOptions) {
    this.options = options;
  }

  url(path: string, query: BackendRequest['query'] = {}): URL {
    const url = new URL(this.options.baseUrl.replace(/\/+$/, '') + path);
    for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, String(value));
    return url;
  }

  /** The parsed JSON body of a 2xx answer. */
  async request(request: BackendRequest, signal?: AbortSignal): Promise<unknown> {
    const url = this.url(request.path, request.query);
    const idempotencyKey = request.method === 'POST' ? randomUUID() : undefined;
    let refreshedToken = false;
    for (let attempt = 0; ; attempt += 1) {
      const token = await this.options.tokens.getToken(signal);
      let response: Response;
      try {
        response = await this.attempt(url, request, token, idempotencyKey, signal);
      } catch (error) {
        if (signal?.aborted) throw new TicketsError('TIMEOUT_ERROR', 'The call was cancelled before the backend answered.', { path: request.path });
        const timedOut = error instanceof AttemptTimeout;
        if (attempt < this.options.maxRetries) {
          await this.pause(attempt + 1, null, signal);
          continue;
        }
        if (timedOut) throw new TicketsError('TIMEOUT_ERROR', `The backend did not answer within ${this.options.timeoutMs / 1000}s (${attempt + 1} attempts); retry later.`, { path: request.path, attempts: attempt + 1 });
        throw new TicketsError('SERVICE_ERROR', `The backend could not be reached (${(error as Error).message}); retry later.`, { path: request.path, attempts: attempt + 1 });
      }
      if (response.status === 401 && !refreshedToken) {
        // The token may have been revoked or rotated early: one retry with a new one.
        await response.body?.cancel();
        refreshedToken = true;
        this.options.tokens.invalidate();
        attempt -= 1;
        continue;
      }
      if (RETRYABLE.has(response.status) && attempt < this.options.maxRetries) {
        await response.body?.cancel();
        await this.pause(attempt + 1, response.headers.get('retry-after'), signal);
        continue;
      }
      const body = await this.readJson(response, request.path, signal);
      if (response.ok) return body;
      throw this.failure(response.status, body, request.path, attempt + 1);
    }
  }

  private async attempt(url: URL, request: BackendRequest, token: string, idempotencyKey: string | undefined, signal: AbortSignal | undefined): Promise<Response> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.options.timeoutMs);
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await fetch(url, {
        method: request.method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(request.body !== undefined && { 'content-type': 'application/json' }),
          ...(idempotencyKey && { 'idempotency-key': idempotencyKey }),
        },
        ...(request.body !== undefined && { body: JSON.stringify(request.body) }),
        redirect: 'error',
        signal: controller.signal,
      });
    } catch (error) {
      if (timedOut) throw new AttemptTimeout();
      throw error;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private async pause(retry: number, retryAfter: string | null, signal: AbortSignal | undefined): Promise<void> {
    try {
      await sleep(retryDelayMs(retry, this.options.backoff, retryAfter), signal);
    } catch {
      throw new TicketsError('TIMEOUT_ERROR', 'The call was cancelled while waiting to retry the backend.');
    }
  }

  /** Reads at most maxResponseBytes; an empty body is null. */
  private async readJson(response: Response, path: string, signal: AbortSignal | undefined): Promise<unknown> {
    const chunks: Uint8Array[] = [];
    let total = 0;
    const reader = response.body?.getReader();
    try {
      while (reader) {
        if (signal?.aborted) throw new TicketsError('TIMEOUT_ERROR', 'The call was cancelled while reading the backend answer.', { path });
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        if (total > this.options.maxResponseBytes) {
          await reader.cancel();
          throw new TicketsError('SERVICE_ERROR', `The backend answer is larger than ${this.options.maxResponseBytes} bytes; ask for fewer records (lower limit).`, { path });
        }
        chunks.push(value);
      }
    } catch (error) {
      if (error instanceof TicketsError) throw error;
      throw new TicketsError('SERVICE_ERROR', `The backend answer could not be read (${(error as Error).message}).`, { path });
    }
    const text = Buffer.concat(chunks).toString('utf8');
    if (text.trim() === '') return null;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new TicketsError('SERVICE_ERROR', `The backend answered HTTP ${response.status} with a body that is not JSON.`, { path, status: response.status });
    }
  }

  private failure(status: number, body: unknown, path: string, attempts: number): TicketsError {
    const said = typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string' ? (body as { message: string }).message.slice(0, 500) : undefined;
    const details = { path, status, attempts };
    if (status === 400 || status === 422) return new TicketsError('VALIDATION_ERROR', `The backend rejected the request: ${said ?? `HTTP ${status}`}`, details);
    if (status === 401 || status === 403) {
      return new TicketsError('AUTHENTICATION_ERROR', `The backend refused the server's Azure AD token (HTTP ${status}${said ? `: ${said}` : ''}); check the managed identity's app role or scope.`, details);
    }
    if (status === 404) return new TicketsError('SERVICE_ERROR', said ?? 'The backend has no such record.', details);
    return new TicketsError('SERVICE_ERROR', `The backend failed with HTTP ${status}${said ? `: ${said}` : ''}${RETRYABLE.has(status) ? ` after ${attempts} attempts; retry later` : ''}.`, details);
  }

  /** GET `path` and require a 2xx (readiness). */
  async checkHealth(path: string, signal?: AbortSignal): Promise<void> {
    const token = await this.options.tokens.getToken(signal);
    const response = await this.attempt(this.url(path), { method: 'GET', path }, token, undefined, signal).catch((error: unknown) => {
      throw new Error(`backend ${path} unreachable: ${error instanceof AttemptTimeout ? 'timeout' : (error as Error).message}`);
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`backend ${path} answered HTTP ${response.status}`);
  }
}
