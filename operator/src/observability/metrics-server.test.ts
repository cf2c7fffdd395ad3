// The operator's /metrics: promtool-clean, on its own port, HTTPS, and only for scrapers whose
// token passes a TokenReview and whose user passes a SubjectAccessReview for get /metrics. The
// API side is a loopback server speaking the two review APIs' wire format.
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { promtoolCheckMetrics } from '../../../hack/promtool/check-metrics.ts';
import { KubeClient } from '../kube/client.ts';
import { captureLogs } from '../kube/test/helpers.ts';
import type { HttpEndpoint } from './http-endpoint.ts';
import { createMetrics } from './metrics.ts';
import { MetricsAuthorizer } from './metrics-auth.ts';
import { startMetricsServer } from './metrics-server.ts';
import { loadServingCert } from './serving-cert.ts';

interface Review {
  kind: string;
  spec: Record<string, unknown>;
}

/** TokenReview + SubjectAccessReview: token "scraper" is prometheus (allowed), "intruder" is someone else (denied). */
async function startReviewApi(): Promise<{ url: string; reviews: Review[]; failing: { on: boolean }; close(): Promise<void> }> {
  const reviews: Review[] = [];
  const failing = { on: false };
  const users: Record<string, { username: string; uid: string; groups: string[] }> = {
    scraper: { username: 'system:serviceaccount:monitoring:prometheus', uid: 'u-1', groups: ['system:serviceaccounts', 'system:authenticated'] },
    intruder: { username: 'system:serviceaccount:team-a:default', uid: 'u-2', groups: ['system:authenticated'] },
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const review = JSON.parse(body) as Review;
      reviews.push(review);
      if (failing.on) {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 503, message: 'unavailable' }));
        return;
      }
      let status: Record<string, unknown>;
      if (req.url === '/apis/authentication.k8s.io/v1/tokenreviews' && review.kind === 'TokenReview') {
        const user = users[String(review.spec.token)];
        status = user ? { authenticated: true, user } : { authenticated: false, error: 'invalid bearer token' };
      } else if (req.url === '/apis/authorization.k8s.io/v1/subjectaccessreviews' && review.kind === 'SubjectAccessReview') {
        const attrs = review.spec.nonResourceAttributes as { path: string; verb: string } | undefined;
        status = { allowed: review.spec.user === users.scraper!.username && attrs?.path === '/metrics' && attrs.verb === 'get', reason: 'RBAC' };
      } else {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ...review, status }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    reviews,
    failing,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function clientFor(url: string): KubeClient {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: url, skipTLSVerify: true }],
    users: [{ name: 'operator', token: 'operator-token' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'operator' }],
    currentContext: 'x',
  });
  return new KubeClient({ kc, userAgent: 'mcpfleet-operator/test', requestTimeoutMs: 5_000 });
}

describe('operator /metrics', function () {
  this.timeout(60_000);
  let api: Awaited<ReturnType<typeof startReviewApi>>;
  let endpoint: HttpEndpoint | undefined;
  // The certificate is self-signed, as when no --metrics-cert-path is given (Prometheus scrapes
  // it with insecureSkipVerify).
  const scrape = (token?: string) =>
    new Promise<{ status: number; text: () => Promise<string> }>((resolve, reject) => {
      const req = https.get(`${endpoint!.url}/metrics`, { rejectUnauthorized: false, headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: () => Promise.resolve(body) }));
      });
      req.on('error', reject);
    });

  before(async () => {
    api = await startReviewApi();
  });
  after(async () => {
    await endpoint?.close();
    await api.close();
  });

  it('passes `promtool check metrics` with the default process and Node.js metrics', async () => {
    const metrics = createMetrics();
    metrics.reconcileTotal.inc({ controller: 'mcpserver', result: 'success' });
    metrics.setMcpServersByReady({ True: 1 });
    const result = promtoolCheckMetrics(await metrics.registry.metrics());
    assert.ok(result.ok, result.output);
  });

  it('serves HTTPS and asks TokenReview then SubjectAccessReview (non-resource get /metrics): 401 without or with a bad token, 403 when not allowed, 200 when allowed', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.leaderStatus.set({ lease: 'mcpfleet-operator' }, 1);
    const cert = await loadServingCert(undefined, ['mcpfleet-metrics.mcpfleet-system.svc']);
    assert.equal(cert.source, 'self-signed');
    endpoint = await startMetricsServer({ host: '127.0.0.1', port: 0, registry: metrics.registry, tls: cert, authorizer: new MetricsAuthorizer({ client: clientFor(api.url) }), logger: captureLogs().logger });
    assert.match(endpoint.url, /^https:\/\/127\.0\.0\.1:\d+$/);

    const none = await scrape();
    assert.equal(none.status, 401);
    assert.equal(api.reviews.length, 0, 'no token, no review');
    assert.equal((await scrape('guessed')).status, 401);
    const denied = await scrape('intruder');
    assert.equal(denied.status, 403);
    assert.match(await denied.text(), /user "system:serviceaccount:team-a:default" may not get \/metrics/);
    const allowed = await scrape('scraper');
    assert.equal(allowed.status, 200);
    assert.match(await allowed.text(), /mcpfleet_leader_election_status\{lease="mcpfleet-operator"\} 1/);

    const access = api.reviews.filter((r) => r.kind === 'SubjectAccessReview').at(-1)!;
    assert.deepEqual(access.spec, {
      user: 'system:serviceaccount:monitoring:prometheus',
      uid: 'u-1',
      groups: ['system:serviceaccounts', 'system:authenticated'],
      nonResourceAttributes: { path: '/metrics', verb: 'get' },
    });
    // A scrape every 15 s costs no review once allowed (cached by the token's hash).
    const before = api.reviews.length;
    for (let i = 0; i < 5; i++) assert.equal((await scrape('scraper')).status, 200);
    assert.equal(api.reviews.length, before);
    // Plain HTTP is refused by the TLS listener: the token never travels in clear.
    await assert.rejects(fetch(endpoint.url.replace('https:', 'http:') + '/metrics'));
  });

  it('answers 500 (and caches nothing) when the review API fails, then recovers', async () => {
    await endpoint?.close();
    const metrics = createMetrics({ defaultMetrics: false });
    const cert = await loadServingCert(undefined, []);
    endpoint = await startMetricsServer({ host: '127.0.0.1', port: 0, registry: metrics.registry, tls: cert, authorizer: new MetricsAuthorizer({ client: clientFor(api.url) }), logger: captureLogs().logger });
    api.failing.on = true;
    const failed = await scrape('scraper');
    assert.equal(failed.status, 500);
    assert.match(await failed.text(), /authorization check failed/);
    api.failing.on = false;
    assert.equal((await scrape('scraper')).status, 200);
  });
});
