// Request accounting: how many requests each client made, by verb and resource. Tests and
// benchmarks read it to assert that a controller does not hammer the API server (e.g. "the
// operator made at most N writes during a steady state") and reset it between phases.

export interface RequestRecord {
  userAgent: string;
  fieldManager?: string;
  verb: string;
  resource: string;
  namespace: string;
  code: number;
}

export interface AccountingFilter {
  /** Full User-Agent or its product prefix (text before the first '/'), e.g. 'kubectl'. */
  userAgent?: string;
  fieldManager?: string;
  verb?: string;
  resource?: string;
  namespace?: string;
}

export interface AccountingSnapshot {
  total: number;
  /** product prefix of the User-Agent → verb → count */
  byUserAgent: Record<string, Record<string, number>>;
  /** field manager → verb → count (writes that named a fieldManager) */
  byFieldManager: Record<string, Record<string, number>>;
  /** verb → resource → count */
  byResource: Record<string, Record<string, number>>;
}

/** 'kubectl/v1.33.9 (linux/amd64) kubernetes/abc' → 'kubectl' */
export function userAgentProduct(userAgent: string): string {
  const product = userAgent.split('/')[0]?.trim() ?? '';
  return product === '' ? 'unknown' : product;
}

export class Accounting {
  private records: RequestRecord[] = [];
  private readonly limit: number;
  private dropped = 0;

  constructor(limit = 1_000_000) {
    this.limit = limit;
  }

  record(rec: RequestRecord): void {
    if (this.records.length >= this.limit) {
      // Keep memory bounded in long benchmark runs: forget the oldest half.
      this.dropped += this.records.length >> 1;
      this.records = this.records.slice(this.records.length >> 1);
    }
    this.records.push(rec);
  }

  reset(): void {
    this.records = [];
    this.dropped = 0;
  }

  /** Number of requests matching every field given. */
  count(filter: AccountingFilter = {}): number {
    return this.select(filter).length;
  }

  select(filter: AccountingFilter = {}): RequestRecord[] {
    return this.records.filter(
      (r) =>
        (filter.userAgent === undefined || r.userAgent === filter.userAgent || userAgentProduct(r.userAgent) === filter.userAgent) &&
        (filter.fieldManager === undefined || r.fieldManager === filter.fieldManager) &&
        (filter.verb === undefined || r.verb === filter.verb) &&
        (filter.resource === undefined || r.resource === filter.resource) &&
        (filter.namespace === undefined || r.namespace === filter.namespace),
    );
  }

  snapshot(): AccountingSnapshot {
    const snap: AccountingSnapshot = { total: this.records.length, byUserAgent: {}, byFieldManager: {}, byResource: {} };
    const bump = (table: Record<string, Record<string, number>>, a: string, b: string): void => {
      const row = (table[a] ??= {});
      row[b] = (row[b] ?? 0) + 1;
    };
    for (const r of this.records) {
      bump(snap.byUserAgent, userAgentProduct(r.userAgent), r.verb);
      if (r.fieldManager !== undefined) bump(snap.byFieldManager, r.fieldManager, r.verb);
      bump(snap.byResource, r.verb, r.resource);
    }
    return snap;
  }
}
