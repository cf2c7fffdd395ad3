// Request authentication for the MCP endpoint: static API keys (x-api-key or Bearer), or OAuth 2.1
// resource-server mode (JWT checked against the issuer's JWKS: signature, issuer, audience,
// expiry, scopes). In OAuth mode failures carry the RFC 6750 Bearer challenge pointing at the
// RFC 9728 protected-resource metadata; with API keys only, an ApiKey challenge (no OAuth hint).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import type { JWTPayload } from 'jose';
import type { OAuthConfig } from './config.ts';

export interface AuthenticatedClient {
  /** Stable, non-secret identity for rate limiting and logs (never the key or token itself). */
  identity: string;
  /** Present in OAuth mode; handed to the SDK as authInfo. */
  authInfo?: { token: string; clientId: string; scopes: string[]; expiresAt?: number; resource?: URL; extra?: Record<string, unknown> };
}

export interface AuthRefusal {
  status: 401 | 403;
  wwwAuthenticate: string;
  /** RFC 6750 error code: invalid_request, invalid_token, insufficient_scope. */
  error: string;
  description: string;
}

export type AuthOutcome = { ok: true; client: AuthenticatedClient } | { ok: false; refusal: AuthRefusal };

export interface Authenticator {
  authenticate(headers: IncomingHttpHeaders, resourceMetadataUrl: string | undefined): Promise<AuthOutcome>;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Short public fingerprint of a secret, usable as a log/rate-limit identity. */
export function fingerprint(secret: string): string {
  return digest(secret).toString('hex').slice(0, 12);
}

function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const header = headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

function challenge(scheme: 'Bearer' | 'ApiKey', params: Record<string, string | undefined>): string {
  const parts = Object.entries(params)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}="${(value ?? '').replace(/["\\]/g, '')}"`);
  return `${scheme} ${parts.join(', ')}`;
}

/**
 * A refusal. The challenge scheme is Bearer only in OAuth mode: MCP clients (the Inspector among
 * them) take a Bearer challenge as "start OAuth discovery and dynamic registration", which an
 * API-key server cannot answer; the ApiKey scheme says what the server wants instead.
 */
function refuse(
  scheme: 'Bearer' | 'ApiKey',
  status: 401 | 403,
  error: string | undefined,
  description: string,
  extra: Record<string, string | undefined> = {},
): AuthOutcome {
  const params = scheme === 'ApiKey' ? { realm: 'mcp', header: 'x-api-key' } : { realm: 'mcp', ...(error ? { error, error_description: description } : {}), ...extra };
  return {
    ok: false,
    refusal: { status, error: error ?? 'invalid_request', description, wwwAuthenticate: challenge(scheme, params) },
  };
}

/** Compares against every key without stopping early, over fixed-length digests. */
export function matchApiKey(candidate: string, keyDigests: readonly Buffer[]): boolean {
  const candidateDigest = digest(candidate);
  let matched = false;
  for (const keyDigest of keyDigests) {
    if (timingSafeEqual(candidateDigest, keyDigest)) matched = true;
  }
  return matched;
}

export class ApiKeyAuthenticator implements Authenticator {
  private readonly keyDigests: Buffer[];

  constructor(keys: readonly string[]) {
    this.keyDigests = keys.map(digest);
  }

  /** Returns the client when the request carries a configured key, undefined otherwise. */
  match(headers: IncomingHttpHeaders): AuthenticatedClient | undefined {
    const headerKey = headers['x-api-key'];
    const candidate = (Array.isArray(headerKey) ? headerKey[0] : headerKey) ?? bearerToken(headers);
    if (candidate === undefined || candidate === '') return undefined;
    return matchApiKey(candidate, this.keyDigests) ? { identity: `key:${fingerprint(candidate)}` } : undefined;
  }

  async authenticate(headers: IncomingHttpHeaders): Promise<AuthOutcome> {
    const client = this.match(headers);
    if (client !== undefined) return { ok: true, client };
    const presented = headers['x-api-key'] !== undefined || headers.authorization !== undefined;
    return presented
      ? refuse('ApiKey', 401, 'invalid_token', 'The API key is not valid; send a configured key in x-api-key or Authorization: Bearer')
      : refuse('ApiKey', 401, undefined, 'An API key is required; send it in x-api-key or Authorization: Bearer');
  }
}

function scopesOf(payload: JWTPayload): string[] {
  const raw = payload.scope ?? payload.scp;
  if (typeof raw === 'string') return raw.split(' ').filter(Boolean);
  if (Array.isArray(raw)) return raw.filter((item): item is string => typeof item === 'string');
  return [];
}

export class OAuthAuthenticator implements Authenticator {
  private readonly config: OAuthConfig;
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;
  private readonly apiKeys: ApiKeyAuthenticator | undefined;

  constructor(config: OAuthConfig, options: { httpTimeoutMs: number; apiKeys?: readonly string[] }) {
    this.config = config;
    this.jwks = createRemoteJWKSet(new URL(config.jwksUri), { timeoutDuration: options.httpTimeoutMs, cooldownDuration: 30_000 });
    this.apiKeys = options.apiKeys && options.apiKeys.length > 0 ? new ApiKeyAuthenticator(options.apiKeys) : undefined;
  }

  async authenticate(headers: IncomingHttpHeaders, resourceMetadataUrl: string | undefined): Promise<AuthOutcome> {
    // Configured API keys keep working next to OAuth (service-to-service callers).
    const keyClient = this.apiKeys?.match(headers);
    if (keyClient !== undefined) return { ok: true, client: keyClient };

    const meta = { resource_metadata: resourceMetadataUrl };
    const token = bearerToken(headers);
    if (token === undefined) {
      return refuse('Bearer', 401, undefined, 'A bearer access token is required (Authorization: Bearer <token>)', meta);
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwks, {
        issuer: this.config.issuer,
        audience: this.config.audience,
        clockTolerance: 5,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      return refuse('Bearer', 401, 'invalid_token', describeJwtError(error), meta);
    }
    const scopes = scopesOf(payload);
    const missing = this.config.requiredScopes.filter((scope) => !scopes.includes(scope));
    if (missing.length > 0) {
      return refuse('Bearer', 403, 'insufficient_scope', `The token lacks the required scope(s): ${missing.join(' ')}`, {
        scope: this.config.requiredScopes.join(' '),
        ...meta,
      });
    }
    const subject = payload.sub ?? (typeof payload.client_id === 'string' ? payload.client_id : 'unknown');
    const clientId = typeof payload.client_id === 'string' ? payload.client_id : typeof payload.azp === 'string' ? payload.azp : subject;
    return {
      ok: true,
      client: {
        identity: `sub:${subject}`,
        authInfo: {
          token,
          clientId,
          scopes,
          ...(payload.exp !== undefined && { expiresAt: payload.exp }),
          extra: { sub: subject },
        },
      },
    };
  }
}

function describeJwtError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'The access token has expired; obtain a new one';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'The access token was issued for a different audience (resource)';
    if (error.claim === 'iss') return 'The access token was issued by an untrusted issuer';
    return `The access token claim "${error.claim}" is invalid (${error.reason})`;
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed || error instanceof joseErrors.JWKSNoMatchingKey) {
    return 'The access token signature does not match the issuer keys';
  }
  if (error instanceof joseErrors.JWKSTimeout || (error instanceof Error && /fetch|network|ECONNREFUSED/i.test(error.message))) {
    return 'The issuer keys (JWKS) could not be fetched; try again later';
  }
  return 'The access token is malformed or not a valid JWT';
}

/** RFC 9728 protected-resource metadata document. */
export function protectedResourceMetadata(config: OAuthConfig, resourceUrl: string, resourceName: string): Record<string, unknown> {
  return {
    resource: resourceUrl,
    authorization_servers: [config.issuer],
    bearer_methods_supported: ['header'],
    ...(config.requiredScopes.length > 0 && { scopes_supported: config.requiredScopes }),
    resource_name: resourceName,
  };
}

/** https://host/mcp → https://host/.well-known/oauth-protected-resource/mcp (RFC 9728 §3.1). */
export function protectedResourceMetadataUrl(resourceUrl: string): string {
  const url = new URL(resourceUrl);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return `${url.origin}/.well-known/oauth-protected-resource${path}`;
}
