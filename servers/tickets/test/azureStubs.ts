// Test-only Azure AD and backend stand-ins on loopback:
// - an OpenID provider (HTTPS, used through @azure/identity's authorityHost): discovery document,
//   JWKS, and a token endpoint issuing RS256 access tokens for the client-credentials grant with
//   either a client secret or a client assertion, which must be a service-account JWT signed by
//   the fake cluster issuer for the expected subject and audience (the federated token file);
// - the backend REST API, which validates every bearer token against the provider's JWKS
//   (issuer, audience, expiry) and serves users, tickets and datasets, with fault injection.
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { KeyObject } from 'node:crypto';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { JWK } from 'jose';
import { SignJWT, createLocalJWKSet, jwtVerify } from 'jose';

export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const CLIENT_ID = '5f0e0a8b-6c1d-4b3e-9a7f-2d4c6e8f0a1b';
export const CLIENT_SECRET = 'sp-secret-3b9e1f';
export const SUBJECT = 'system:serviceaccount:support:tickets';
export const CLUSTER_ISSUER = 'https://oidc.cluster.test/issuer';
export const BACKEND_AUDIENCE = 'api://tickets-backend';

function keyPair(kid: string): { privateKey: KeyObject; jwk: JWK } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, jwk: { ...(publicKey.export({ format: 'jwk' }) as JWK), kid, alg: 'RS256', use: 'sig' } };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

async function listen(server: ReturnType<typeof createHttpServer> | ReturnType<typeof createHttpsServer>): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function closer(server: ReturnType<typeof createHttpServer> | ReturnType<typeof createHttpsServer>): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
}

export interface OidcProvider {
  /** https://127.0.0.1:<port> — the authorityHost */
  authorityHost: string;
  issuer: string;
  jwks: { keys: JWK[] };
  tokenRequests: { grant: 'client_secret' | 'client_assertion'; scope: string }[];
  rejected: string[];
  /** Lifetime of issued access tokens, seconds. */
  expiresIn: number;
  /** Signs a service-account token as the fake cluster issuer (for the federated token file). */
  serviceAccountToken(claims?: { sub?: string; aud?: string; expiresInSeconds?: number }): Promise<string>;
  /** Signs an access token the provider never issued (for negative backend tests). */
  forgeAccessToken(claims: { aud?: string; iss?: string; expiresInSeconds?: number }): Promise<string>;
  close(): Promise<void>;
}

export async function startOidcProvider(tlsMaterial: { cert: string; key: string }): Promise<OidcProvider> {
  const signing = keyPair('aad-key-1');
  const cluster = keyPair('cluster-key-1');
  const clusterJwks = createLocalJWKSet({ keys: [cluster.jwk] });
  const server = createHttpsServer({ cert: tlsMaterial.cert, key: tlsMaterial.key });
  const port = await listen(server);
  const authorityHost = `https://127.0.0.1:${port}`;
  const issuer = `${authorityHost}/${TENANT}/v2.0`;

  const sign = (claims: Record<string, unknown>, key: KeyObject, kid: string, iss: string, aud: string, expiresInSeconds: number) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).setIssuer(iss).setAudience(aud).setIssuedAt().setExpirationTime(`${expiresInSeconds}s`).sign(key);

  const provider: OidcProvider = {
    authorityHost,
    issuer,
    jwks: { keys: [signing.jwk] },
    tokenRequests: [],
    rejected: [],
    expiresIn: 3600,
    serviceAccountToken: (claims = {}) => sign({ sub: claims.sub ?? SUBJECT }, cluster.privateKey, 'cluster-key-1', CLUSTER_ISSUER, claims.aud ?? 'api://AzureADTokenExchange', claims.expiresInSeconds ?? 3600),
    forgeAccessToken: (claims) => {
      const rogue = keyPair('aad-key-1');
      return sign({ tid: TENANT }, rogue.privateKey, 'aad-key-1', claims.iss ?? issuer, claims.aud ?? BACKEND_AUDIENCE, claims.expiresInSeconds ?? 600);
    },
    close: closer(server),
  };

  const discovery = {
    issuer,
    token_endpoint: `${authorityHost}/${TENANT}/oauth2/v2.0/token`,
    authorization_endpoint: `${authorityHost}/${TENANT}/oauth2/v2.0/authorize`,
    jwks_uri: `${authorityHost}/${TENANT}/discovery/v2.0/keys`,
    end_session_endpoint: `${authorityHost}/${TENANT}/oauth2/v2.0/logout`,
    response_types_supported: ['code', 'token'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
  };

  const refuse = (res: ServerResponse, error: string, description: string) => {
    provider.rejected.push(description);
    json(res, 400, { error, error_description: description, error_codes: [700016], timestamp: new Date().toISOString(), trace_id: randomUUID(), correlation_id: randomUUID() });
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const url = new URL(req.url ?? '/', authorityHost);
      if (req.method === 'GET' && /\/v2\.0\/\.well-known\/openid-configuration$/.test(url.pathname)) return json(res, 200, discovery);
      if (req.method === 'GET' && url.pathname === `/${TENANT}/discovery/v2.0/keys`) return json(res, 200, provider.jwks);
      if (req.method !== 'POST' || url.pathname !== `/${TENANT}/oauth2/v2.0/token`) return json(res, 404, { error: 'not_found' });
      const form = new URLSearchParams(await readBody(req));
      if (form.get('grant_type') !== 'client_credentials') return refuse(res, 'unsupported_grant_type', 'only client_credentials');
      if (form.get('client_id') !== CLIENT_ID) return refuse(res, 'unauthorized_client', `AADSTS700016: unknown client ${form.get('client_id')}`);
      const scope = form.get('scope') ?? '';
      const resource = scope.split(' ').find((item) => item.endsWith('/.default'))?.replace(/\/\.default$/, '');
      if (!resource) return refuse(res, 'invalid_scope', 'AADSTS70011: scope must be <resource>/.default');
      let grant: 'client_secret' | 'client_assertion';
      if (form.has('client_assertion')) {
        if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') return refuse(res, 'invalid_request', 'bad client_assertion_type');
        try {
          const { payload } = await jwtVerify(form.get('client_assertion')!, clusterJwks, { issuer: CLUSTER_ISSUER, audience: 'api://AzureADTokenExchange' });
          if (payload.sub !== SUBJECT) return refuse(res, 'invalid_client', `AADSTS70021: No matching federated identity record found for presented assertion subject '${payload.sub}'`);
        } catch (error) {
          return refuse(res, 'invalid_client', `AADSTS700024: client assertion is not valid: ${(error as Error).message}`);
        }
        grant = 'client_assertion';
      } else if (form.get('client_secret') === CLIENT_SECRET) {
        grant = 'client_secret';
      } else {
        return refuse(res, 'invalid_client', 'AADSTS7000215: Invalid client secret provided.');
      }
      provider.tokenRequests.push({ grant, scope });
      const accessToken = await sign({ tid: TENANT, azp: CLIENT_ID, roles: ['Tickets.ReadWrite'] }, signing.privateKey, 'aad-key-1', issuer, resource, provider.expiresIn);
      json(res, 200, { token_type: 'Bearer', expires_in: provider.expiresIn, ext_expires_in: provider.expiresIn, access_token: accessToken });
    })().catch((error: unknown) => json(res, 500, { error: 'server_error', error_description: String(error) }));
  });
  return provider;
}

interface User {
  id: string;
  name: string;
  email: string;
  created_at: string;
  details: Record<string, unknown>;
}

export type Fault = { status: number; retryAfter?: string; body?: unknown } | { delayMs: number } | { raw: string; status: number };

export interface BackendStub {
  url: string;
  /** Faults consumed one per request, in order, before normal handling. */
  faults: Fault[];
  requests: { method: string; path: string; idempotencyKey: string | undefined; authorized: boolean }[];
  tickets: Record<string, unknown>[];
  healthy: boolean;
  close(): Promise<void>;
}

export async function startBackendStub(provider: OidcProvider): Promise<BackendStub> {
  const keys = createLocalJWKSet(provider.jwks);
  const users: User[] = Array.from({ length: 25 }, (_, index) => ({
    id: `u-${index + 1}`,
    name: `User ${index + 1}`,
    email: `user${index + 1}@example.com`,
    created_at: new Date(Date.UTC(2024, 0, index + 1)).toISOString(),
    details: { department: index % 2 === 0 ? 'support' : 'engineering', title: 'Engineer' },
  }));
  const datasets: Record<string, Record<string, unknown>[]> = {
    sales: Array.from({ length: 300 }, (_, index) => ({ id: index, region: ['eu', 'us', 'apac'][index % 3], amount: index * 10 })),
  };
  const byIdempotencyKey = new Map<string, Record<string, unknown>>();
  const server = createHttpServer();
  const port = await listen(server);
  const stub: BackendStub = { url: `http://127.0.0.1:${port}`, faults: [], requests: [], tickets: [], healthy: true, close: closer(server) };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const url = new URL(req.url ?? '/', stub.url);
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      let authorized = false;
      if (token) {
        try {
          await jwtVerify(token, keys, { issuer: provider.issuer, audience: BACKEND_AUDIENCE, algorithms: ['RS256'] });
          authorized = true;
        } catch {
          authorized = false;
        }
      }
      const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
      stub.requests.push({ method: req.method ?? '', path: url.pathname, idempotencyKey, authorized });
      const body = req.method === 'POST' ? await readBody(req) : '';
      if (!authorized) return json(res, 401, { message: 'invalid or missing bearer token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
      const fault = stub.faults.shift();
      if (fault && 'delayMs' in fault) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      else if (fault && 'raw' in fault) {
        res.writeHead(fault.status, { 'content-type': 'application/json' });
        return res.end(fault.raw);
      } else if (fault) return json(res, fault.status, fault.body ?? { message: `injected ${fault.status}` }, fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {});
      if (res.destroyed) return;

      const skip = Number(url.searchParams.get('skip') ?? 0);
      const limit = Number(url.searchParams.get('limit') ?? 10);
      const userMatch = /^\/users\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'GET' && url.pathname === '/health') return stub.healthy ? json(res, 200, { status: 'ok' }) : json(res, 503, { status: 'down' });
      if (req.method === 'GET' && url.pathname === '/users') return json(res, 200, { total: users.length, items: users.slice(skip, skip + limit) });
      if (req.method === 'GET' && userMatch) {
        const user = users.find((candidate) => candidate.id === decodeURIComponent(userMatch[1]!));
        if (!user) return json(res, 404, { message: 'user not found' });
        return json(res, 200, url.searchParams.get('include_details') === 'true' ? user : { ...user, details: undefined });
      }
      if (req.method === 'POST' && url.pathname === '/tickets') {
        if (idempotencyKey && byIdempotencyKey.has(idempotencyKey)) return json(res, 201, byIdempotencyKey.get(idempotencyKey));
        const input = JSON.parse(body) as { title: string; description: string; priority: string; assignee_id?: string };
        if (input.assignee_id !== undefined && !users.some((user) => user.id === input.assignee_id)) return json(res, 422, { message: `assignee ${input.assignee_id} does not exist` });
        const now = new Date().toISOString();
        const ticket = { id: `t-${stub.tickets.length + 1}`, ...input, assignee_id: input.assignee_id ?? null, status: 'open', created_at: now, updated_at: now };
        stub.tickets.push(ticket);
        if (idempotencyKey) byIdempotencyKey.set(idempotencyKey, ticket);
        return json(res, 201, ticket);
      }
      if (req.method === 'GET' && url.pathname === '/tickets') {
        const status = url.searchParams.get('status');
        const matching = stub.tickets.filter((ticket) => status === null || ticket.status === status);
        return json(res, 200, { total: matching.length, items: matching.slice(skip, skip + limit) });
      }
      const datasetMatch = /^\/datasets\/([^/]+)\/query$/.exec(url.pathname);
      if (req.method === 'POST' && datasetMatch) {
        const rows = datasets[decodeURIComponent(datasetMatch[1]!)];
        if (!rows) return json(res, 404, { message: 'dataset not found' });
        const { filters, limit: rowLimit } = JSON.parse(body) as { filters: Record<string, unknown>; limit: number };
        const data = rows.filter((row) => Object.entries(filters).every(([field, value]) => row[field] === value)).slice(0, rowLimit);
        return json(res, 200, { data });
      }
      return json(res, 404, { message: 'no such route' });
    })().catch((error: unknown) => {
      if (!res.headersSent) json(res, 500, { message: String(error) });
    });
  });
  return stub;
}
