// OAuth 2.1 resource-server mode against a local JWKS server with jose-generated keys.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@modelcontextprotocol/client';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';

type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
import type { TestServer } from '../testing.ts';
import { TEST_PROTOCOLS, connectClient, startTestServer } from '../testing.ts';
import { fixtureServer } from './fixtures.ts';
import { rawRequest, toolsCallBody, toolsCallHeaders } from './httpHelpers.ts';

const RESOURCE = 'https://mcp.example.com/mcp';
const METADATA_URL = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';

describe('kit OAuth resource server', function () {
  this.timeout(60_000);
  let jwksServer: Server;
  let issuer: string;
  let signingKey: SigningKey;
  let strangerKey: SigningKey;
  let server: TestServer;
  const clients: Client[] = [];

  before(async () => {
    const pair = await generateKeyPair('RS256');
    signingKey = pair.privateKey;
    strangerKey = (await generateKeyPair('RS256')).privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'test-key-1', alg: 'RS256', use: 'sig' };
    jwksServer = createServer((req, res) => {
      if (req.url === '/jwks') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ keys: [jwk] }));
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}`;
    server = await startTestServer(fixtureServer(), {
      OAUTH_ISSUER: issuer,
      OAUTH_JWKS_URI: `${issuer}/jwks`,
      OAUTH_AUDIENCE: RESOURCE,
      OAUTH_RESOURCE_URL: RESOURCE,
      OAUTH_REQUIRED_SCOPES: 'mcp:tools',
    });
  });

  after(async () => {
    await Promise.all(clients.map((client) => client.close().catch(() => {})));
    await server?.close();
    await new Promise<void>((resolve) => jwksServer.close(() => resolve()));
  });

  function token(options: { audience?: string; scope?: string; expiresIn?: string | number; key?: SigningKey; issuer?: string } = {}): Promise<string> {
    return new SignJWT({ scope: options.scope ?? 'mcp:tools profile', client_id: 'agent-7' })
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key-1' })
      .setIssuer(options.issuer ?? issuer)
      .setSubject('user-42')
      .setAudience(options.audience ?? RESOURCE)
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(options.expiresIn ?? '10m')
      .sign(options.key ?? signingKey);
  }

  async function callWith(bearer: string | undefined) {
    return rawRequest(server.url, {
      method: 'POST',
      headers: toolsCallHeaders('lookup', bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }),
      body: toolsCallBody('lookup', { word: 'a' }),
    });
  }

  for (const protocol of TEST_PROTOCOLS) {
    it(`accepts a valid JWT through the MCP client (${protocol})`, async () => {
      const client = await connectClient(server.url, { protocol, headers: { authorization: `Bearer ${await token()}` } });
      clients.push(client);
      const result = await client.callTool({ name: 'lookup', arguments: { word: 'oauth' } });
      assert.equal((result.structuredContent as { word: string }).word, 'OAUTH');
    });
  }

  it('refuses a missing token with 401 pointing at the resource metadata', async () => {
    const response = await callWith(undefined);
    assert.equal(response.status, 401);
    assert.match(String(response.headers['www-authenticate']), new RegExp(`resource_metadata="${METADATA_URL}"`));
  });

  it('refuses a token for another audience with 401', async () => {
    const response = await callWith(await token({ audience: 'https://other.example.com/mcp' }));
    assert.equal(response.status, 401);
    assert.match(String(response.headers['www-authenticate']), /error="invalid_token"/);
    assert.match(response.body, /different audience/);
  });

  it('refuses a token without the required scope with 403 insufficient_scope', async () => {
    const response = await callWith(await token({ scope: 'profile' }));
    assert.equal(response.status, 403);
    const challenge = String(response.headers['www-authenticate']);
    assert.match(challenge, /error="insufficient_scope"/);
    assert.match(challenge, /scope="mcp:tools"/);
    assert.match(challenge, /resource_metadata=/);
  });

  it('refuses an expired token with 401', async () => {
    const response = await callWith(await token({ expiresIn: Math.floor(Date.now() / 1000) - 3600 }));
    assert.equal(response.status, 401);
    assert.match(response.body, /expired/);
  });

  it('refuses a token signed by an unknown key or issuer with 401', async () => {
    assert.equal((await callWith(await token({ key: strangerKey }))).status, 401);
    assert.equal((await callWith(await token({ issuer: 'https://evil.example.com' }))).status, 401);
    assert.equal((await callWith('not-a-jwt')).status, 401);
  });

  it('serves the RFC 9728 protected-resource metadata without auth', async () => {
    for (const path of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp']) {
      const response = await rawRequest(`${server.baseUrl}${path}`);
      assert.equal(response.status, 200, path);
      assert.deepEqual(JSON.parse(response.body), {
        resource: RESOURCE,
        authorization_servers: [issuer],
        bearer_methods_supported: ['header'],
        scopes_supported: ['mcp:tools'],
        resource_name: 'fixture',
      });
    }
  });
});
