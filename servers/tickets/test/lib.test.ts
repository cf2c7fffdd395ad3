// Unit tests of the tickets lib pieces that need a controlled clock or failure: the token cache
// (reuse, refresh before expiry, one request for concurrent callers, fallback while still valid),
// retry timing, and INTERNAL_ERROR for unexpected failures.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { createLogger } from '../../kit/logger.ts';
import { ToolError } from '../../kit/tool.ts';
import { parseRetryAfterMs, retryDelayMs } from '../lib/backoff.ts';
import { TicketsError } from '../lib/errors.ts';
import { CachedTokenSource } from '../lib/token.ts';
import { withTaxonomy } from '../tools/errors.ts';

class FakeCredential implements TokenCredential {
  calls = 0;
  fail = false;
  hang = false;
  lifetimeMs = 3_600_000;
  now: () => number;
  constructor(now: () => number) {
    this.now = now;
  }
  async getToken(_scope: string | string[], options?: { abortSignal?: AbortSignal }): Promise<AccessToken> {
    this.calls += 1;
    if (this.hang) {
      await new Promise((_resolve, reject) => options?.abortSignal?.addEventListener('abort', () => reject(new Error('aborted'))));
    }
    await new Promise((resolve) => setImmediate(resolve));
    if (this.fail) throw Object.assign(new Error('AADSTS7000215: Invalid client secret provided.\nTrace ID: x'), { name: 'AuthenticationError' });
    return { token: `token-${this.calls}`, expiresOnTimestamp: this.now() + this.lifetimeMs };
  }
}

describe('tickets token cache', () => {
  it('reuses a token, refreshes it five minutes before expiry, and asks once for concurrent callers', async () => {
    let now = 1_000_000;
    const credential = new FakeCredential(() => now);
    const tokens = new CachedTokenSource(credential, 'api://x/.default', { timeoutMs: 1000, now: () => now });
    assert.deepEqual(await Promise.all([tokens.getToken(), tokens.getToken(), tokens.getToken()]), ['token-1', 'token-1', 'token-1']);
    assert.equal(credential.calls, 1);
    now += 3_600_000 - 5 * 60_000 - 1;
    assert.equal(await tokens.getToken(), 'token-1');
    now += 2;
    assert.equal(await tokens.getToken(), 'token-2', 'refreshed inside the margin');
    tokens.invalidate();
    assert.equal(await tokens.getToken(), 'token-3');
  });

  it('keeps serving a still-valid token when a refresh fails, and maps failures to AUTHENTICATION_ERROR', async () => {
    let now = 0;
    const credential = new FakeCredential(() => now);
    const tokens = new CachedTokenSource(credential, 'api://x/.default', { timeoutMs: 1000, now: () => now });
    await tokens.getToken();
    now += 3_600_000 - 60_000;
    credential.fail = true;
    assert.equal(await tokens.getToken(), 'token-1');
    now += 50_000;
    await assert.rejects(tokens.getToken(), (error: unknown) => error instanceof TicketsError && error.category === 'AUTHENTICATION_ERROR' && /Invalid client secret provided\.$/.test(error.message));
  });

  it('bounds token acquisition with a timeout', async () => {
    const credential = new FakeCredential(Date.now);
    credential.hang = true;
    const tokens = new CachedTokenSource(credential, 'api://x/.default', { timeoutMs: 50 });
    await assert.rejects(tokens.getToken(), (error: unknown) => error instanceof TicketsError && error.category === 'TIMEOUT_ERROR');
  });
});

describe('tickets retry timing and taxonomy', () => {
  it('backs off exponentially with jitter, honours Retry-After, and caps both', () => {
    const policy = { baseMs: 200, capMs: 5000 };
    assert.equal(retryDelayMs(1, policy, null, () => 0), 100);
    assert.equal(retryDelayMs(3, policy, null, () => 1), 800);
    assert.equal(retryDelayMs(10, policy, null, () => 1), 5000);
    assert.equal(retryDelayMs(1, policy, '2', () => 1), 2000);
    assert.equal(retryDelayMs(1, policy, '3600', () => 1), 5000);
    assert.equal(parseRetryAfterMs(new Date(10_000).toUTCString(), 4000), 6000);
    assert.equal(parseRetryAfterMs('soon'), undefined);
  });

  it('turns unexpected failures into INTERNAL_ERROR with the request id and logs the detail', async () => {
    const sink = new PassThrough();
    let logged = '';
    sink.on('data', (chunk: Buffer) => {
      logged += chunk.toString();
    });
    const logger = createLogger({ level: 'error', stream: sink });
    const context = { signal: new AbortController().signal, requestId: 'req-42' };
    await assert.rejects(
      withTaxonomy(logger, 'list_users', context, async () => {
        throw new TypeError('internal detail xyz');
      }),
      (error: unknown) => {
        assert.ok(error instanceof ToolError);
        const body = JSON.parse(error.message) as { error: string; message: string; details: { request_id: string } };
        assert.equal(body.error, 'INTERNAL_ERROR');
        assert.equal(body.details.request_id, 'req-42');
        assert.ok(!error.message.includes('internal detail xyz'));
        return true;
      },
    );
    await new Promise((resolve) => setImmediate(resolve));
    assert.match(logged, /internal detail xyz/);
  });
});
