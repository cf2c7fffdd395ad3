// The tickets server on the real kit, called by the real MCP client in both protocol revisions.
// Tokens come from @azure/identity (WorkloadIdentityCredential with a federated token file, and
// ClientSecretCredential) against a loopback OpenID provider; the backend stub validates them.
// Covers every tool, retries with backoff, timeouts, the error taxonomy and readiness.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { Client } from '@modelcontextprotocol/client';
import { ConfigError } from '../../kit/env.ts';
import { createLogger } from '../../kit/logger.ts';
import { rawRequest } from '../../kit/test/httpHelpers.ts';
import { connectClient, resultText, startTestServer, TEST_PROTOCOLS, type TestServer } from '../../kit/testing.ts';
import { parseTicketsConfig } from '../config.ts';
import { openTicketsServer } from '../open.ts';
import type { BackendStub, OidcProvider } from './azureStubs.ts';
import { CLIENT_ID, CLIENT_SECRET, TENANT, startBackendStub, startOidcProvider } from './azureStubs.ts';
import type { TestCertificate } from './tls.ts';
import { trustedLoopbackCertificate } from './tls.ts';

interface ToolResult {
  isError?: boolean;
  content?: unknown;
  structuredContent?: Record<string, unknown>;
}

function taxonomy(result: ToolResult): { error: string; message: string; details: Record<string, unknown> } {
  assert.equal(result.isError, true, `expected a tool error, got ${JSON.stringify(result.structuredContent)}`);
  return JSON.parse(resultText(result)) as { error: string; message: string; details: Record<string, unknown> };
}

describe('tickets server over MCP HTTP (Azure identity + backend stubs)', function () {
  this.timeout(120_000);
  let certificate: TestCertificate;
  let provider: OidcProvider;
  let backend: BackendStub;
  let dir: string;
  const servers: TestServer[] = [];
  let workload: TestServer;
  let principal: TestServer;

  const baseEnv = () => ({
    BACKEND_API_URL: backend.url,
    BACKEND_API_SCOPE: 'api://tickets-backend/.default',
    BACKEND_API_TIMEOUT: '1',
    BACKEND_MAX_RETRIES: '2',
    AZURE_TENANT_ID: TENANT,
    AZURE_CLIENT_ID: CLIENT_ID,
    AZURE_AUTHORITY_HOST: provider.authorityHost,
  });

  async function open(env: Record<string, string>): Promise<TestServer> {
    const sink = new PassThrough();
    sink.resume();
    const server = await startTestServer(await openTicketsServer(env, { logger: createLogger({ level: 'error', stream: sink }) }));
    servers.push(server);
    return server;
  }

  before(async () => {
    certificate = trustedLoopbackCertificate();
    provider = await startOidcProvider(certificate);
    backend = await startBackendStub(provider);
    dir = mkdtempSync(path.join(tmpdir(), 'tickets-wi-'));
    writeFileSync(path.join(dir, 'token'), await provider.serviceAccountToken());
    workload = await open({ ...baseEnv(), AZURE_FEDERATED_TOKEN_FILE: path.join(dir, 'token') });
    principal = await open({ ...baseEnv(), AZURE_CLIENT_SECRET: CLIENT_SECRET });
  });

  after(async () => {
    await Promise.all(servers.map((server) => server.close()));
    await backend?.close();
    await provider?.close();
    certificate?.restore();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const protocol of TEST_PROTOCOLS) {
    describe(`protocol ${protocol}`, () => {
      let client: Client;
      let spClient: Client;
      const call = async (name: string, args: Record<string, unknown>, target?: Client) => (await (target ?? client).callTool({ name, arguments: args })) as ToolResult;
      before(async () => {
        client = await connectClient(workload.url, { protocol });
        spClient = await connectClient(principal.url, { protocol });
      });
      after(async () => {
        await client?.close();
        await spClient?.close();
      });

      it('lists the five tools', async () => {
        const { tools } = await client.listTools();
        assert.deepEqual(tools.map((tool) => tool.name).sort(), ['create_ticket', 'get_user_profile', 'list_tickets', 'list_users', 'query_data']);
      });

      it('get_user_profile returns the profile, with details on request, through both credentials', async () => {
        const plain = await call('get_user_profile', { user_id: 'u-3' });
        assert.ok(!plain.isError, resultText(plain));
        assert.deepEqual(plain.structuredContent, { id: 'u-3', name: 'User 3', email: 'user3@example.com', created_at: '2024-01-03T00:00:00.000Z' });
        const detailed = await call('get_user_profile', { user_id: 'u-3', include_details: true }, spClient);
        assert.deepEqual(detailed.structuredContent!.details, { department: 'support', title: 'Engineer' });
        assert.ok(provider.tokenRequests.some((request) => request.grant === 'client_assertion'), 'workload identity exchanged the federated token');
        assert.ok(provider.tokenRequests.some((request) => request.grant === 'client_secret'), 'the service principal used its secret');
      });

      it('get_user_profile: an unknown user is a SERVICE_ERROR', async () => {
        const error = taxonomy(await call('get_user_profile', { user_id: 'u-999' }));
        assert.equal(error.error, 'SERVICE_ERROR');
        assert.match(error.message, /No user with id "u-999"; find ids with list_users/);
        assert.equal(error.details.status, 404);
        assert.equal(taxonomy(await call('get_user_profile', { user_id: 'a/../b' })).error, 'SERVICE_ERROR', 'ids are path-encoded, never traversed');
      });

      it('list_users pages with skip and limit within the bounds', async () => {
        const page = await call('list_users', { skip: 20, limit: 10 });
        assert.equal(page.structuredContent!.total, 25);
        assert.deepEqual((page.structuredContent!.items as { id: string }[]).map((user) => user.id), ['u-21', 'u-22', 'u-23', 'u-24', 'u-25']);
        const defaults = await call('list_users', {});
        assert.equal((defaults.structuredContent!.items as unknown[]).length, 10);
        assert.equal((await call('list_users', { limit: 101 })).isError, true);
        assert.equal((await call('list_users', { skip: -1 })).isError, true);
      });

      it('create_ticket creates a ticket and list_tickets finds it by status', async () => {
        const created = await call('create_ticket', { title: `Printer on fire (${protocol})`, description: 'The printer on floor 3 is on fire.', priority: 'critical', assignee_id: 'u-2' });
        assert.ok(!created.isError, resultText(created));
        assert.equal(created.structuredContent!.status, 'open');
        assert.equal(created.structuredContent!.priority, 'critical');
        const defaulted = await call('create_ticket', { title: 'Password reset', description: 'Please reset my password.' });
        assert.equal(defaulted.structuredContent!.priority, 'medium');
        const open = await call('list_tickets', { status: 'open', limit: 100 });
        assert.ok((open.structuredContent!.items as { id: string }[]).some((ticket) => ticket.id === created.structuredContent!.id));
        const closed = await call('list_tickets', { status: 'closed' });
        assert.equal(closed.structuredContent!.total, 0);
        assert.equal((await call('list_tickets', { status: 'stale' })).isError, true);
      });

      it('create_ticket enforces the bounds, and the backend\'s refusals are VALIDATION_ERRORs', async () => {
        assert.equal((await call('create_ticket', { title: '', description: 'long enough text' })).isError, true);
        assert.equal((await call('create_ticket', { title: 'x'.repeat(201), description: 'long enough text' })).isError, true);
        assert.equal((await call('create_ticket', { title: 'Short', description: 'too short' })).isError, true);
        assert.equal((await call('create_ticket', { title: 'Short', description: 'x'.repeat(5001) })).isError, true);
        assert.equal((await call('create_ticket', { title: 'Short', description: 'long enough text', priority: 'urgent' })).isError, true);
        const error = taxonomy(await call('create_ticket', { title: 'Assign me', description: 'Assign this to nobody.', assignee_id: 'u-404' }));
        assert.equal(error.error, 'VALIDATION_ERROR');
        assert.match(error.message, /assignee u-404 does not exist/);
      });

      it('query_data filters a dataset and honours the limit', async () => {
        const result = await call('query_data', { dataset: 'sales', filters: { region: 'eu' }, limit: 5 });
        assert.ok(!result.isError, resultText(result));
        assert.equal(result.structuredContent!.rows, 5);
        assert.ok((result.structuredContent!.data as { region: string }[]).every((row) => row.region === 'eu'));
        const all = await call('query_data', { dataset: 'sales' });
        assert.equal(all.structuredContent!.rows, 100, 'limit defaults to 100');
        const unknown = taxonomy(await call('query_data', { dataset: 'secrets' }));
        assert.equal(unknown.error, 'VALIDATION_ERROR');
        assert.equal((await call('query_data', { dataset: '../etc' })).isError, true);
        const tooMany = Object.fromEntries(Array.from({ length: 21 }, (_, index) => [`f${index}`, index]));
        assert.equal((await call('query_data', { dataset: 'sales', filters: tooMany })).isError, true);
        assert.equal((await call('query_data', { dataset: 'sales', filters: { nested: { a: 1 } } })).isError, true);
      });
    });
  }

  describe('resilience', () => {
    let client: Client;
    before(async () => {
      client = await connectClient(workload.url);
    });
    after(async () => {
      backend.faults.length = 0;
      await client?.close();
    });
    const call = async (name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as ToolResult;
    const requestsFor = async (work: () => Promise<unknown>) => {
      const before = backend.requests.length;
      await work();
      return backend.requests.slice(before);
    };

    it('retries 503 and 429 (honouring Retry-After) and then succeeds', async () => {
      backend.faults.push({ status: 503 }, { status: 429, retryAfter: '0' });
      let result: ToolResult | undefined;
      const seen = await requestsFor(async () => {
        result = await call('list_users', { limit: 1 });
      });
      assert.ok(!result!.isError, resultText(result!));
      assert.equal(seen.length, 3);
    });

    it('gives up after the retries with a SERVICE_ERROR', async () => {
      backend.faults.push({ status: 500 }, { status: 502 }, { status: 504 });
      const error = taxonomy(await call('list_tickets', {}));
      assert.equal(error.error, 'SERVICE_ERROR');
      assert.match(error.message, /HTTP 504: injected 504 after 3 attempts; retry later/);
    });

    it('a backend slower than BACKEND_API_TIMEOUT on every attempt is a TIMEOUT_ERROR', async () => {
      backend.faults.push({ delayMs: 2500 }, { delayMs: 2500 }, { delayMs: 2500 });
      const error = taxonomy(await call('list_users', {}));
      assert.equal(error.error, 'TIMEOUT_ERROR');
      assert.match(error.message, /did not answer within 1s \(3 attempts\)/);
    });

    it('a create retried after a timeout carries one Idempotency-Key and creates one ticket', async () => {
      const before = backend.tickets.length;
      backend.faults.push({ delayMs: 1500 });
      let result: ToolResult | undefined;
      const seen = await requestsFor(async () => {
        result = await call('create_ticket', { title: 'Slow backend', description: 'Created despite a timeout.' });
      });
      assert.ok(!result!.isError, resultText(result!));
      assert.ok(seen.length >= 2);
      assert.equal(new Set(seen.map((request) => request.idempotencyKey)).size, 1);
      // The first (timed-out) attempt may still be finishing on the backend.
      await new Promise((resolve) => setTimeout(resolve, 200));
      for (let i = 0; i < 50 && backend.tickets.length === before; i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(backend.tickets.length, before + 1);
    });

    it('a 401 from the backend gets one retry with a fresh token', async () => {
      backend.faults.push({ status: 401 });
      const seen = await requestsFor(() => call('list_users', { limit: 1 }).then((result) => assert.ok(!result.isError, resultText(result))));
      assert.equal(seen.length, 2);
    });

    it('a malformed backend answer is a SERVICE_ERROR, not a broken result', async () => {
      backend.faults.push({ status: 200, raw: '{"total":"many","items":[]}' }, { status: 200, raw: 'not json' });
      assert.match(taxonomy(await call('list_users', {})).message, /unexpected shape: total/);
      assert.match(taxonomy(await call('list_users', {})).message, /not JSON/);
    });

    it('an oversized backend answer is refused without being buffered whole', async () => {
      backend.faults.push({ status: 200, raw: `{"total":1,"items":[],"pad":"${'x'.repeat(5 * 1024 * 1024)}"}` });
      const error = taxonomy(await call('list_users', {}));
      assert.equal(error.error, 'SERVICE_ERROR');
      assert.match(error.message, /larger than 4194304 bytes/);
    });

    it('caches the Azure AD token across calls', async () => {
      const before = provider.tokenRequests.length;
      for (let i = 0; i < 5; i += 1) assert.ok(!(await call('list_users', { limit: 1 })).isError);
      assert.equal(provider.tokenRequests.length, before);
    });

    it('the backend stub rejects tokens the provider did not issue, or for another audience', async () => {
      for (const token of [await provider.forgeAccessToken({}), await provider.forgeAccessToken({ aud: 'api://other' })]) {
        const response = await fetch(`${backend.url}/users`, { headers: { authorization: `Bearer ${token}` } });
        assert.equal(response.status, 401);
      }
    });
  });

  describe('authentication failures and readiness', () => {
    it('is ready when a token is issued and the backend is healthy; not ready when the backend is down', async () => {
      assert.equal((await rawRequest(`${workload.baseUrl}/readyz`)).status, 200);
      backend.healthy = false;
      try {
        assert.equal((await rawRequest(`${workload.baseUrl}/readyz`)).status, 503);
      } finally {
        backend.healthy = true;
      }
      const tokenOnly = await open({ ...baseEnv(), AZURE_CLIENT_SECRET: CLIENT_SECRET, READINESS_CHECK_BACKEND: 'false' });
      backend.healthy = false;
      try {
        assert.equal((await rawRequest(`${tokenOnly.baseUrl}/readyz`)).status, 200, 'READINESS_CHECK_BACKEND=false checks the token only');
      } finally {
        backend.healthy = true;
      }
    });

    it('a wrong client secret fails readiness and every call with AUTHENTICATION_ERROR', async () => {
      const wrong = await open({ ...baseEnv(), AZURE_CLIENT_SECRET: 'not-the-secret' });
      assert.equal((await rawRequest(`${wrong.baseUrl}/readyz`)).status, 503);
      const client = await connectClient(wrong.url, { protocol: 'legacy' });
      try {
        const error = taxonomy((await client.callTool({ name: 'list_users', arguments: {} })) as ToolResult);
        assert.equal(error.error, 'AUTHENTICATION_ERROR');
        assert.match(error.message, /Azure token acquisition failed/);
        assert.ok(!resultText((await client.callTool({ name: 'list_users', arguments: {} })) as ToolResult).includes('not-the-secret'));
      } finally {
        await client.close();
      }
    });

    it('a federated token for another service account is refused with AUTHENTICATION_ERROR', async () => {
      writeFileSync(path.join(dir, 'other-token'), await provider.serviceAccountToken({ sub: 'system:serviceaccount:default:intruder' }));
      const intruder = await open({ ...baseEnv(), AZURE_FEDERATED_TOKEN_FILE: path.join(dir, 'other-token') });
      const client = await connectClient(intruder.url);
      try {
        const error = taxonomy((await client.callTool({ name: 'get_user_profile', arguments: { user_id: 'u-1' } })) as ToolResult);
        assert.equal(error.error, 'AUTHENTICATION_ERROR');
        assert.ok(provider.rejected.some((reason) => /No matching federated identity record/.test(reason)));
      } finally {
        await client.close();
      }
    });
  });

  it('configuration: backend URL and a credential are required, bad values named', () => {
    assert.throws(() => parseTicketsConfig({ AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT_ID }), (error: unknown) => error instanceof ConfigError && /BACKEND_API_URL/.test(error.message));
    assert.throws(() => parseTicketsConfig({ BACKEND_API_URL: 'https://api.example.com', AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT_ID }), /no Azure credential/);
    assert.throws(
      () => parseTicketsConfig({ BACKEND_API_URL: 'https://api.example.com', AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT_ID, AZURE_CLIENT_SECRET: 's3cr3t-value', AZURE_AUTHORITY_HOST: 'http://insecure', BACKEND_API_TIMEOUT: '0' }),
      (error: unknown) => error instanceof ConfigError && /AZURE_AUTHORITY_HOST: must be an https URL/.test(error.message) && /BACKEND_API_TIMEOUT/.test(error.message) && !error.message.includes('s3cr3t-value'),
    );
    const config = parseTicketsConfig({ BACKEND_API_URL: 'https://api.example.com/v1', AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE: '/var/run/secrets/azure/tokens/azure-identity-token' });
    assert.equal(config.scope, 'https://api.example.com/.default');
    assert.equal(config.auth.kind, 'workload-identity');
    assert.equal(config.timeoutMs, 10_000);
    assert.equal(config.readinessChecksBackend, true);
  });
});
