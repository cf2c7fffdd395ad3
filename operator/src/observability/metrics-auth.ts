// Who may read /metrics: the scraper's bearer token is checked with a TokenReview and its user
// with a SubjectAccessReview for the non-resource URL (get /metrics) — what controller-runtime's
// WithAuthenticationAndAuthorization filter and kube-rbac-proxy do. Results are cached briefly
// (by a hash of the token, never the token itself) so a 15 s scrape interval costs no API
// request in the steady state; a denial is cached for less time than an allow.
import { createHash } from 'node:crypto';
import type { KubeClient } from '../kube/client.ts';
import { errorMessage } from '../kube/errors.ts';
import type { KubeObject } from '../kube/types.ts';

export type AuthDecision = { status: 200 } | { status: 401 | 403 | 500; message: string };

interface UserInfo {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

interface TokenReview extends KubeObject {
  status?: { authenticated?: boolean; user?: UserInfo; error?: string };
}

interface SubjectAccessReview extends KubeObject {
  status?: { allowed?: boolean; denied?: boolean; reason?: string };
}

export interface MetricsAuthorizerOptions {
  client: KubeClient;
  /** How long an allowed token is trusted (controller-runtime: 5 min for authorization). */
  allowTtlMs?: number;
  /** How long a refused token stays refused without asking again. */
  denyTtlMs?: number;
  /** Most cached decisions; the oldest go first. */
  maxEntries?: number;
  now?: () => number;
}

export class MetricsAuthorizer {
  private readonly client: KubeClient;
  private readonly allowTtlMs: number;
  private readonly denyTtlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  private readonly cache = new Map<string, { until: number; decision: AuthDecision }>();

  constructor(opts: MetricsAuthorizerOptions) {
    this.client = opts.client;
    this.allowTtlMs = opts.allowTtlMs ?? 300_000;
    this.denyTtlMs = opts.denyTtlMs ?? 30_000;
    this.maxEntries = opts.maxEntries ?? 1_000;
    this.now = opts.now ?? Date.now;
  }

  /** Decides one request from its Authorization header, for `verb` on the non-resource `path`. */
  async authorize(authorization: string | undefined, path: string, verb = 'get'): Promise<AuthDecision> {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    if (!token) return { status: 401, message: 'Unauthorized: a bearer token (a ServiceAccount token) is required' };
    const key = `${createHash('sha256').update(token).digest('hex')} ${verb} ${path}`;
    const cached = this.cache.get(key);
    if (cached && cached.until > this.now()) return cached.decision;
    const decision = await this.review(token, path, verb);
    // API failures are not cached: the next scrape asks again.
    if (decision.status !== 500) this.remember(key, decision);
    return decision;
  }

  private async review(token: string, path: string, verb: string): Promise<AuthDecision> {
    try {
      const review = await this.client.create<TokenReview>('/apis/authentication.k8s.io/v1/tokenreviews', {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenReview',
        spec: { token },
      } as TokenReview);
      const user = review.status?.user;
      if (!review.status?.authenticated || !user?.username) return { status: 401, message: 'Unauthorized: the token was not accepted' };
      const access = await this.client.create<SubjectAccessReview>('/apis/authorization.k8s.io/v1/subjectaccessreviews', {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: { user: user.username, uid: user.uid, groups: user.groups, extra: user.extra, nonResourceAttributes: { path, verb } },
      } as SubjectAccessReview);
      if (access.status?.allowed) return { status: 200 };
      return { status: 403, message: `Forbidden: user "${user.username}" may not ${verb} ${path}${access.status?.reason ? ` (${access.status.reason})` : ''}` };
    } catch (err) {
      return { status: 500, message: `authorization check failed: ${errorMessage(err)}` };
    }
  }

  private remember(key: string, decision: AuthDecision): void {
    this.cache.delete(key);
    this.cache.set(key, { until: this.now() + (decision.status === 200 ? this.allowTtlMs : this.denyTtlMs), decision });
    while (this.cache.size > this.maxEntries) this.cache.delete(this.cache.keys().next().value!);
  }
}
