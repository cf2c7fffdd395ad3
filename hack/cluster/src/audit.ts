// Request accounting on the real API server, read from its audit log: the same records and
// queries as kube-sim's Accounting (user agent, verb, resource, namespace, code, field manager),
// so a test counts "operator writes" the same way on both backends. Only ResponseComplete events
// are counted, except watches, which count when they start (as kube-sim counts them).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { Accounting, userAgentProduct, type AccountingFilter, type AccountingSnapshot, type RequestRecord } from '../../kube-sim/src/accounting.ts';

interface AuditEvent {
  stage: string;
  verb: string;
  requestURI: string;
  userAgent?: string;
  user?: { username?: string };
  objectRef?: { resource?: string; apiGroup?: string; namespace?: string; subresource?: string };
  responseStatus?: { code?: number };
  requestReceivedTimestamp?: string;
}

/** One audit event as a RequestRecord, or undefined when it is not counted. */
export function recordOfAuditEvent(event: AuditEvent): (RequestRecord & { username: string }) | undefined {
  const counted = event.verb === 'watch' ? event.stage === 'ResponseStarted' : event.stage === 'ResponseComplete';
  if (!counted) return undefined;
  const ref = event.objectRef;
  const path = event.requestURI.split('?')[0] ?? '';
  const resource = ref?.resource ? (ref.apiGroup ? `${ref.resource}.${ref.apiGroup}` : ref.resource) : path;
  const fieldManager = new URL(event.requestURI, 'https://x').searchParams.get('fieldManager') ?? undefined;
  return {
    userAgent: event.userAgent ?? '',
    username: event.user?.username ?? '',
    verb: event.verb,
    resource,
    namespace: ref?.namespace ?? '',
    code: event.responseStatus?.code ?? 200,
    ...(fieldManager !== undefined ? { fieldManager } : {}),
  };
}

/** A client held to least privilege: every request with this User-Agent product must be by this user and allowed. */
export interface ExpectedIdentity {
  userAgent: string;
  username: string;
  /**
   * Whether a refusal (401/403) of a request received at this time (ms) is excused: a restarted
   * kube-apiserver serves before its authenticator and authorizer caches have synced (its readyz
   * says so; a load balancer would hold clients off), and refuses requests it allows once ready.
   */
  excusedRefusalAt?: (receivedAtMs: number) => boolean;
}

export class AuditAccounting {
  private readonly inner = new Accounting();
  private offset = 0;
  private partial = Buffer.alloc(0);
  private readonly path: string;
  private readonly expected: ExpectedIdentity | undefined;
  /** Requests of the expected client that were refused (401/403) or made as another user; never reset. */
  private readonly violationLog: string[] = [];

  constructor(auditLogPath: string, expected?: ExpectedIdentity) {
    this.path = auditLogPath;
    this.expected = expected;
  }

  /** Every violation of the expected identity so far (RBAC refusals, wrong user), oldest first. */
  violations(): readonly string[] {
    this.catchUp();
    return this.violationLog;
  }

  /** Reads what the API server appended since the last call. */
  private catchUp(): void {
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch {
      return;
    }
    try {
      const size = fstatSync(fd).size;
      if (size < this.offset) this.offset = 0;
      if (size === this.offset) return;
      // Everything appended since the last call, read whole so no UTF-8 character is split.
      const fresh = Buffer.alloc(size - this.offset);
      const n = readSync(fd, fresh, 0, fresh.length, this.offset);
      this.offset += n;
      const text = Buffer.concat([this.partial, fresh.subarray(0, n)]);
      const end = text.lastIndexOf(0x0a);
      this.partial = Buffer.from(text.subarray(end + 1));
      for (const line of text.subarray(0, end + 1).toString('utf8').split('\n')) {
        if (!line) continue;
        const event = JSON.parse(line) as AuditEvent;
        const record = recordOfAuditEvent(event);
        if (record) {
          const { username, ...rec } = record;
          this.checkIdentity(username, rec, Date.parse(event.requestReceivedTimestamp ?? ''));
          this.inner.record(rec);
        }
      }
    } finally {
      closeSync(fd);
    }
  }

  private checkIdentity(username: string, rec: RequestRecord, receivedAtMs: number): void {
    const expected = this.expected;
    if (!expected || userAgentProduct(rec.userAgent) !== expected.userAgent) return;
    const refused = rec.code === 401 || rec.code === 403;
    if (refused && expected.excusedRefusalAt?.(receivedAtMs)) return;
    if (username !== expected.username) this.violationLog.push(`${rec.verb} ${rec.resource} as ${username}, not ${expected.username}`);
    else if (refused) this.violationLog.push(`${rec.verb} ${rec.resource} in "${rec.namespace}" refused with ${rec.code}`);
  }

  record(rec: RequestRecord): void {
    this.inner.record(rec);
  }

  reset(): void {
    this.catchUp();
    this.inner.reset();
  }

  count(filter: AccountingFilter = {}): number {
    this.catchUp();
    return this.inner.count(filter);
  }

  select(filter: AccountingFilter = {}): RequestRecord[] {
    this.catchUp();
    return this.inner.select(filter);
  }

  snapshot(): AccountingSnapshot {
    this.catchUp();
    return this.inner.snapshot();
  }
}
