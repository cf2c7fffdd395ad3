// Bearer tokens for the backend from an @azure/identity credential, cached until shortly before
// they expire (or the credential's own refresh hint) and fetched once for any number of
// concurrent callers. A failed refresh falls back to the cached token while it is still valid.
import type { AccessToken, TokenCredential } from '@azure/identity';
import { TicketsError } from './errors.ts';

export interface TokenSource {
  /** A valid access token (never logged). Throws TicketsError AUTHENTICATION_ERROR / TIMEOUT_ERROR. */
  getToken(signal?: AbortSignal): Promise<string>;
  /** Forget the cached token (the backend said it is no longer valid). */
  invalidate(): void;
}

export interface CachedTokenOptions {
  /** Refresh this long before expiry (default 5 minutes). */
  refreshMarginMs?: number;
  timeoutMs: number;
  now?: () => number;
}

export class CachedTokenSource implements TokenSource {
  private readonly credential: TokenCredential;
  private readonly scope: string;
  private readonly margin: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private cached: AccessToken | undefined;
  private pending: Promise<AccessToken> | undefined;
  /** Token requests made to the credential (for tests and logs). */
  acquisitions = 0;

  constructor(credential: TokenCredential, scope: string, options: CachedTokenOptions) {
    this.credential = credential;
    this.scope = scope;
    this.margin = options.refreshMarginMs ?? 5 * 60_000;
    this.timeoutMs = options.timeoutMs;
    this.now = options.now ?? Date.now;
  }

  private fresh(token: AccessToken | undefined): token is AccessToken {
    if (token === undefined) return false;
    const refreshAt = token.refreshAfterTimestamp ?? token.expiresOnTimestamp - this.margin;
    return this.now() < Math.min(refreshAt, token.expiresOnTimestamp - this.margin);
  }

  async getToken(signal?: AbortSignal): Promise<string> {
    if (this.fresh(this.cached)) return this.cached.token;
    this.pending ??= this.acquire().finally(() => {
      this.pending = undefined;
    });
    try {
      this.cached = await this.pending;
      return this.cached.token;
    } catch (error) {
      if (signal?.aborted) throw new TicketsError('TIMEOUT_ERROR', 'The call was cancelled while waiting for an Azure AD token.');
      // Still usable: keep serving it and try again on the next call.
      if (this.cached !== undefined && this.now() < this.cached.expiresOnTimestamp - 30_000) return this.cached.token;
      throw error;
    }
  }

  invalidate(): void {
    this.cached = undefined;
  }

  private async acquire(): Promise<AccessToken> {
    this.acquisitions += 1;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      const token = await this.credential.getToken(this.scope, { abortSignal: controller.signal });
      if (token === null) throw new Error('the credential returned no token');
      return token;
    } catch (error) {
      if (controller.signal.aborted) {
        throw new TicketsError('TIMEOUT_ERROR', `Azure AD did not issue a token within ${this.timeoutMs / 1000}s; retry later.`, { scope: this.scope });
      }
      const reason = error instanceof Error ? error.message.split('\n')[0]!.slice(0, 300) : String(error);
      throw new TicketsError('AUTHENTICATION_ERROR', `Azure token acquisition failed: ${reason}`, { scope: this.scope, credential: error instanceof Error ? error.name : 'unknown' });
    } finally {
      clearTimeout(timer);
    }
  }
}
