// Probes of the /metrics authorizer: token guessing stays bounded in memory and never floods the
// API for a token already refused; decisions expire.
import assert from 'node:assert/strict';
import type { KubeClient } from '../kube/client.ts';
import { MetricsAuthorizer } from './metrics-auth.ts';

/** A KubeClient stand-in that answers the two reviews and counts them. */
function reviewingClient(allowedToken: string): { client: KubeClient; calls: () => number } {
  let calls = 0;
  const client = {
    create: (path: string, body: { spec: { token?: string; user?: string } }) => {
      calls++;
      if (path.endsWith('/tokenreviews')) {
        const ok = body.spec.token === allowedToken || body.spec.token?.startsWith('user-');
        return Promise.resolve({ ...body, status: ok ? { authenticated: true, user: { username: body.spec.token === allowedToken ? 'prometheus' : 'someone' } } : { authenticated: false } });
      }
      return Promise.resolve({ ...body, status: { allowed: body.spec.user === 'prometheus' } });
    },
  } as unknown as KubeClient;
  return { client, calls: () => calls };
}

describe('MetricsAuthorizer', () => {
  it('answers 401 for a missing or malformed Authorization header without asking the API', async () => {
    const { client, calls } = reviewingClient('good');
    const auth = new MetricsAuthorizer({ client });
    for (const header of [undefined, '', 'Basic Zm9vOmJhcg==', 'Bearer', 'Bearer a b']) assert.equal((await auth.authorize(header, '/metrics')).status, 401, String(header));
    assert.equal(calls(), 0);
  });

  it('caches a refusal, so 200 guesses of one token cost one review; 2,000 distinct guesses stay within maxEntries', async () => {
    const { client, calls } = reviewingClient('good');
    let now = 0;
    const auth = new MetricsAuthorizer({ client, maxEntries: 100, now: () => now });
    for (let i = 0; i < 200; i++) assert.equal((await auth.authorize('Bearer guess', '/metrics')).status, 401);
    assert.equal(calls(), 1);
    for (let i = 0; i < 2_000; i++) await auth.authorize(`Bearer user-${i}`, '/metrics');
    assert.ok((auth as unknown as { cache: Map<string, unknown> }).cache.size <= 100, 'bounded cache');
    // The refusal expires after the deny TTL, an allow after the (longer) allow TTL.
    assert.equal((await auth.authorize('Bearer good', '/metrics')).status, 200);
    const before = calls();
    now += 60_000;
    assert.equal((await auth.authorize('Bearer good', '/metrics')).status, 200);
    assert.equal(calls(), before, 'an allow is trusted for minutes');
    now += 300_000;
    await auth.authorize('Bearer good', '/metrics');
    assert.equal(calls(), before + 2, 'then reviewed again (TokenReview + SubjectAccessReview)');
  });
});
