import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { ApiKeyAuthenticator, matchApiKey, protectedResourceMetadataUrl } from '../auth.ts';
import { MemoryResultCache, cacheKey, canonicalJson } from '../cache.ts';
import { KitConfigError, parseKitConfig } from '../config.ts';
import { isHostAllowed, isOriginAllowed, parseHostHeader } from '../hostOrigin.ts';
import { REDACTED, createLogger, redact, scrubText } from '../logger.ts';
import { TokenBucketLimiter } from '../rateLimit.ts';
import { createHash } from 'node:crypto';

describe('kit config', () => {
  it('applies the documented defaults', () => {
    const config = parseKitConfig({});
    assert.equal(config.port, 8080);
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.mcpPath, '/mcp');
    assert.equal(config.transport, 'http');
    assert.equal(config.maxBodyBytes, 1_048_576);
    assert.equal(config.httpTimeoutMs, 5000);
    assert.equal(config.toolTimeoutMs, 30_000);
    assert.equal(config.drainTimeoutMs, 25_000);
    assert.equal(config.logLevel, 'info');
    assert.equal(config.rateLimit, undefined);
    assert.equal(config.cache, undefined);
    assert.equal(config.oauth, undefined);
    assert.deepEqual(config.apiKeys, []);
  });

  it('parses lists, rate limits, cache and OAuth settings', () => {
    const config = parseKitConfig({
      ALLOWED_HOSTS: 'svc, svc.ns.svc.cluster.local:8080,*.example.com',
      API_KEYS: 'k1,k2',
      RATE_LIMIT_RPS: '10',
      RATE_LIMIT_BURST: '5',
      CACHE_TTL_SECONDS: '60',
      CACHE_BACKEND: 'redis',
      REDIS_URL: 'redis://redis:6379',
      OAUTH_ISSUER: 'https://issuer.example.com',
      OAUTH_JWKS_URI: 'https://issuer.example.com/jwks',
      OAUTH_REQUIRED_SCOPES: 'mcp:read, mcp:write',
      OAUTH_RESOURCE_URL: 'https://mcp.example.com/mcp',
    });
    assert.deepEqual(config.allowedHosts, ['svc', 'svc.ns.svc.cluster.local:8080', '*.example.com']);
    assert.deepEqual(config.apiKeys, ['k1', 'k2']);
    assert.deepEqual(config.rateLimit, { ratePerSecond: 10, burst: 5 });
    assert.deepEqual(config.cache, { ttlSeconds: 60, backend: 'redis', maxBytes: 32 * 1024 * 1024 });
    assert.equal(config.authFailuresPerMinute, 20);
    assert.deepEqual(parseKitConfig({ RATE_LIMIT_RPS: '10', RATE_LIMIT_BURST: '5', RATE_LIMIT_DAILY_QUOTA: '1000' }).rateLimit, { ratePerSecond: 10, burst: 5, dailyQuota: 1000 });
    assert.throws(() => parseKitConfig({ RATE_LIMIT_DAILY_QUOTA: '1000' }), /RATE_LIMIT_DAILY_QUOTA is set without RATE_LIMIT_RPS/);
    assert.equal(config.oauth?.audience, 'https://mcp.example.com/mcp');
    assert.deepEqual(config.oauth?.requiredScopes, ['mcp:read', 'mcp:write']);
  });

  it('reads API keys from a file, ignoring blanks and comments', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kit-keys-'));
    const file = join(dir, 'keys');
    writeFileSync(file, '# rotated monthly\nfile-key-1\n\n  file-key-2  \n');
    assert.deepEqual(parseKitConfig({ API_KEYS_FILE: file, API_KEYS: 'env-key' }).apiKeys, ['env-key', 'file-key-1', 'file-key-2']);
    assert.throws(() => parseKitConfig({ API_KEYS_FILE: join(dir, 'absent') }), /API_KEYS_FILE: cannot read/);
  });

  it('names every bad variable', () => {
    assert.throws(() => parseKitConfig({ PORT: 'eighty', MCP_TRANSPORT: 'grpc', LOG_LEVEL: 'loud' }), (error: unknown) => {
      assert.ok(error instanceof KitConfigError);
      assert.match(error.message, /PORT/);
      assert.match(error.message, /MCP_TRANSPORT/);
      assert.match(error.message, /LOG_LEVEL/);
      return true;
    });
    assert.throws(() => parseKitConfig({ OAUTH_ISSUER: 'https://i' }), /OAUTH_JWKS_URI is required/);
    assert.throws(() => parseKitConfig({ RATE_LIMIT_BURST: '5' }), /RATE_LIMIT_BURST is set without RATE_LIMIT_RPS/);
    assert.throws(() => parseKitConfig({ CACHE_TTL_SECONDS: '5', CACHE_BACKEND: 'redis' }), /needs REDIS_URL/);
    assert.throws(() => parseKitConfig({ MCP_PATH: 'mcp' }), /MCP_PATH/);
  });
});

describe('Host and Origin allow-lists', () => {
  const allowed = ['utility', 'utility.tools.svc.cluster.local:8080', '*.example.com'];

  it('parses host headers', () => {
    assert.deepEqual(parseHostHeader('[::1]:8080'), { hostname: '[::1]', port: '8080' });
    assert.deepEqual(parseHostHeader('Example.COM'), { hostname: 'example.com', port: undefined });
    assert.equal(parseHostHeader('a:b:c'), undefined);
    assert.equal(parseHostHeader('evil.com/path'), undefined);
  });

  it('accepts loopback, names, name:port and wildcard suffixes', () => {
    for (const host of ['localhost:8080', '127.0.0.1', '[::1]:80', 'utility', 'utility:8080', 'utility.tools.svc.cluster.local:8080', 'mcp.example.com', 'a.b.example.com:443']) {
      assert.ok(isHostAllowed(host, allowed), host);
    }
  });

  it('refuses unknown hosts, wrong ports and the bare wildcard suffix', () => {
    for (const host of [undefined, '', 'evil.com', 'utility.tools.svc.cluster.local:9090', 'example.com', 'notexample.com', 'utility.evil.com']) {
      assert.ok(!isHostAllowed(host, allowed), String(host));
    }
  });

  it('allows a missing Origin and listed origins only', () => {
    const origins = ['https://app.example.com', 'console.example.org', '*.corp.example'];
    assert.ok(isOriginAllowed(undefined, origins));
    assert.ok(isOriginAllowed('https://app.example.com', origins));
    assert.ok(isOriginAllowed('http://console.example.org:3000', origins));
    assert.ok(isOriginAllowed('https://x.corp.example', origins));
    assert.ok(!isOriginAllowed('http://app.example.com', origins));
    assert.ok(!isOriginAllowed('https://evil.com', origins));
    assert.ok(!isOriginAllowed('null', origins));
    assert.ok(!isOriginAllowed('not a url', origins));
  });
});

describe('token bucket', () => {
  it('allows the burst, refuses with Retry-After, refills over time, per identity', () => {
    let now = 0;
    const limiter = new TokenBucketLimiter({ ratePerSecond: 10, burst: 5, now: () => now });
    for (let i = 0; i < 5; i += 1) assert.ok(limiter.take('a').allowed);
    const refused = limiter.take('a');
    assert.equal(refused.allowed, false);
    assert.equal(refused.retryAfterSeconds, 1);
    assert.ok(limiter.take('b').allowed, 'other identities have their own bucket');
    now += 100; // one token at 10/s
    assert.ok(limiter.take('a').allowed);
    assert.equal(limiter.take('a').allowed, false);
    now += 10_000;
    for (let i = 0; i < 5; i += 1) assert.ok(limiter.take('a').allowed, 'refills to the burst, not beyond');
    assert.equal(limiter.take('a').allowed, false);
  });

  it('reports longer waits for slow rates', () => {
    const limiter = new TokenBucketLimiter({ ratePerSecond: 0.1, burst: 1, now: () => 0 });
    assert.ok(limiter.take('x').allowed);
    assert.equal(limiter.take('x').retryAfterSeconds, 10);
  });
});

describe('result cache keys and memory cache', () => {
  it('canonicalises argument order at every level', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } }), '{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}');
    assert.equal(cacheKey('s', 't', { a: 1, b: 2 }), cacheKey('s', 't', { b: 2, a: 1 }));
    assert.notEqual(cacheKey('s', 't', { a: 1 }), cacheKey('s', 'other', { a: 1 }));
    assert.notEqual(cacheKey('s', 't', { a: [1, 2] }), cacheKey('s', 't', { a: [2, 1] }));
  });

  it('expires entries after the TTL and bounds its size', async () => {
    let now = 1_000;
    const cache = new MemoryResultCache({ maxEntries: 2, now: () => now });
    await cache.set('k1', { v: 1 }, 10);
    assert.deepEqual(await cache.get('k1'), { v: 1 });
    now = 11_001;
    assert.equal(await cache.get('k1'), undefined);
    await cache.set('a', 1, 100);
    await cache.set('b', 2, 100);
    await cache.set('c', 3, 100);
    assert.equal(cache.size, 2);
    assert.equal(await cache.get('a'), undefined, 'oldest evicted');
  });

  it('bounds its memory by bytes, not entries: 300 one-MiB results stay within the budget', async () => {
    const cache = new MemoryResultCache({ maxBytes: 16 * 1024 * 1024 });
    const mib = 'x'.repeat(1024 * 1024);
    for (let i = 0; i < 300; i += 1) await cache.set(`k${i}`, { content: mib }, 100);
    assert.ok(cache.bytes <= 16 * 1024 * 1024, `holds ${cache.bytes} bytes`);
    assert.ok(cache.size >= 7 && cache.size <= 8, `keeps the most recent entries (${cache.size})`);
    assert.deepEqual(await cache.get('k299'), { content: mib });
    assert.equal(await cache.get('k0'), undefined);
    // An entry bigger than a quarter of the budget is never cached.
    await cache.set('huge', { content: 'y'.repeat(3 * 1024 * 1024) }, 100);
    assert.equal(await cache.get('huge'), undefined);
  });

  it('returns copies so callers cannot mutate cached results', async () => {
    const cache = new MemoryResultCache();
    await cache.set('k', { list: [1] }, 10);
    const first = (await cache.get('k')) as { list: number[] };
    first.list.push(2);
    assert.deepEqual(await cache.get('k'), { list: [1] });
  });
});

describe('secret redaction', () => {
  it('scrubs bearer tokens, URL passwords and known keys from text', () => {
    assert.equal(scrubText('redis://:hunter2@redis:6379/0'), `redis://:${REDACTED}@redis:6379/0`);
    assert.equal(scrubText('redis://user:p%40ss@host'), `redis://user:${REDACTED}@host`);
    assert.equal(scrubText('Authorization: Bearer eyJabc.def.ghi'), `Authorization: Bearer ${REDACTED}`);
    assert.equal(scrubText('key sk-live-1234 leaked', ['sk-live-1234']), `key ${REDACTED} leaked`);
  });

  it('masks secret-named fields at any depth', () => {
    const out = redact({ headers: { authorization: 'Bearer x', 'x-api-key': 'k', accept: 'json' }, REDIS_URL: 'redis://h', nested: [{ password: 'p' }] }) as Record<string, unknown>;
    assert.deepEqual(out, { headers: { authorization: REDACTED, 'x-api-key': REDACTED, accept: 'json' }, REDIS_URL: REDACTED, nested: [{ password: REDACTED }] });
  });

  it('writes JSON lines without the secrets', async () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const logger = createLogger({ stream, knownSecrets: ['super-secret-key'] });
    logger.info('connecting to redis://:pw123@r:6379 with super-secret-key', { token: 'abc', error: new Error('Bearer abc.def failed') });
    await new Promise((resolve) => setImmediate(resolve));
    const line = JSON.parse(text.trim()) as Record<string, unknown>;
    assert.equal(line.level, 'info');
    assert.ok(!text.includes('pw123'));
    assert.ok(!text.includes('super-secret-key'));
    assert.ok(!text.includes('abc.def'));
    assert.equal(line.token, REDACTED);
  });
});

describe('API key matching', () => {
  it('matches configured keys only, from x-api-key or Bearer', async () => {
    const digests = ['k1', 'k2'].map((key) => createHash('sha256').update(key).digest());
    assert.ok(matchApiKey('k2', digests));
    assert.ok(!matchApiKey('k3', digests));
    const auth = new ApiKeyAuthenticator(['k1']);
    assert.ok((await auth.authenticate({ 'x-api-key': 'k1' })).ok);
    assert.ok((await auth.authenticate({ authorization: 'Bearer k1' })).ok);
    const wrong = await auth.authenticate({ 'x-api-key': 'nope' });
    assert.ok(!wrong.ok && wrong.refusal.status === 401 && wrong.refusal.error === 'invalid_token');
    const missing = await auth.authenticate({});
    // No Bearer challenge without OAuth: MCP clients would start OAuth discovery on it.
    assert.ok(!missing.ok && missing.refusal.wwwAuthenticate === 'ApiKey realm="mcp", header="x-api-key"');
    assert.ok(!wrong.ok && !wrong.refusal.wwwAuthenticate.startsWith('Bearer'));
  });

  it('builds the RFC 9728 metadata URL', () => {
    assert.equal(protectedResourceMetadataUrl('https://api.example.com/mcp'), 'https://api.example.com/.well-known/oauth-protected-resource/mcp');
    assert.equal(protectedResourceMetadataUrl('https://api.example.com/'), 'https://api.example.com/.well-known/oauth-protected-resource');
  });
});
