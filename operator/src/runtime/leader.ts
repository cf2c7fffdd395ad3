// Leader election on a coordination.k8s.io/v1 Lease, following client-go's leaderelection:
//  - try to acquire/renew every retryPeriod; writes use the Lease's resourceVersion, so two
//    candidates can never both win the same update (409 → lost the race);
//  - a lease held by someone else counts as expired only after leaseDuration has passed on OUR
//    clock since we last saw its record change (no trust in other machines' clocks);
//  - the leader that cannot renew within renewDeadline stops leading at once (isLeader() turns
//    false exactly at the deadline, even if a renew request is still hanging);
//  - stop() releases the lease (holder cleared, 1 s duration) so a standby takes over at once.
import type { KubeClient } from '../kube/client.ts';
import { errorMessage, isConflict, isNotFound } from '../kube/errors.ts';
import { resourcePath } from '../kube/paths.ts';
import type { KubeObject } from '../kube/types.ts';
import type { Logger } from '../observability/logger.ts';
import type { OperatorMetrics } from '../observability/metrics.ts';
import { sleep } from './backoff.ts';
import { monotonicClock, type Clock } from './ratelimit.ts';

export interface Lease extends KubeObject {
  spec?: {
    holderIdentity?: string | null;
    leaseDurationSeconds?: number;
    acquireTime?: string | null;
    renewTime?: string | null;
    leaseTransitions?: number;
  };
}

export interface LeaderElectorOptions {
  client: KubeClient;
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
  /** Called when the observed holder changes (including to ourselves). */
  onNewLeader?: (identity: string | undefined) => void;
  logger: Logger;
  metrics?: OperatorMetrics;
  clock?: Clock;
  /** Wall clock for the Lease's timestamps. */
  wallClock?: () => Date;
}

/** RFC 3339 with microseconds, the MicroTime format Lease timestamps use. */
export function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export function validateLeaderTimings(leaseDurationMs: number, renewDeadlineMs: number, retryPeriodMs: number): void {
  const problems: string[] = [];
  if (!(retryPeriodMs > 0)) problems.push(`retry period (${retryPeriodMs} ms) must be > 0`);
  if (!(renewDeadlineMs > retryPeriodMs * 1.2)) problems.push(`renew deadline (${renewDeadlineMs} ms) must be greater than 1.2 × retry period (${retryPeriodMs} ms)`);
  if (!(leaseDurationMs > renewDeadlineMs)) problems.push(`lease duration (${leaseDurationMs} ms) must be greater than renew deadline (${renewDeadlineMs} ms)`);
  if (problems.length) throw new Error(`invalid leader election timings: ${problems.join('; ')}`);
}

export class LeaderElector {
  private readonly opts: Required<Pick<LeaderElectorOptions, 'leaseDurationMs' | 'renewDeadlineMs' | 'retryPeriodMs'>> & LeaderElectorOptions;
  private readonly clock: Clock;
  private readonly wallClock: () => Date;
  private readonly path: string;
  private readonly log: Logger;
  private leading = false;
  private lastRenew = -Infinity;
  private observedRecord = '';
  private observedAt = -Infinity;
  private observedHolder: string | undefined;
  private stopController: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;

  constructor(opts: LeaderElectorOptions) {
    const leaseDurationMs = opts.leaseDurationMs ?? 15_000;
    const renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    const retryPeriodMs = opts.retryPeriodMs ?? 2_000;
    validateLeaderTimings(leaseDurationMs, renewDeadlineMs, retryPeriodMs);
    if (!opts.identity) throw new Error('leader election needs a non-empty identity');
    this.opts = { ...opts, leaseDurationMs, renewDeadlineMs, retryPeriodMs };
    this.clock = opts.clock ?? monotonicClock;
    this.wallClock = opts.wallClock ?? (() => new Date());
    this.path = resourcePath({ apiVersion: 'coordination.k8s.io/v1', plural: 'leases', namespace: opts.namespace, name: opts.name });
    this.log = opts.logger.child({ lease: `${opts.namespace}/${opts.name}`, identity: opts.identity });
  }

  /** True while we hold the lease and renewed it within the renew deadline. */
  isLeader(): boolean {
    return this.leading && this.clock.now() - this.lastRenew < this.opts.renewDeadlineMs;
  }

  /** The holder we last observed (may be us), or undefined. */
  leader(): string | undefined {
    return this.observedHolder;
  }

  start(): void {
    if (this.loop) throw new Error('leader elector already started');
    this.stopController = new AbortController();
    this.opts.metrics?.leaderStatus.set({ lease: this.opts.name }, 0);
    this.loop = this.run(this.stopController.signal);
  }

  /** Stops campaigning; when leading, stops leading and releases the lease for a fast handover. */
  async stop(): Promise<void> {
    this.stopController?.abort();
    await this.loop;
    this.loop = undefined;
    const wasLeading = this.leading;
    if (wasLeading) this.stepDown('shutting down');
    if (wasLeading) await this.release();
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let renewed = false;
      // Leadership is counted from when the request was SENT: the server may have written the
      // renewal early in a slow round trip, and other candidates time the lease from then.
      const attemptStart = this.clock.now();
      try {
        renewed = await this.tryAcquireOrRenew(signal);
      } catch (err) {
        if (signal.aborted) break;
        this.log.warn('lease acquire/renew failed', { error: errorMessage(err) });
      }
      if (signal.aborted) break;
      if (renewed) {
        this.lastRenew = attemptStart;
        this.armDeadline();
        if (!this.leading) {
          this.leading = true;
          this.opts.metrics?.leaderStatus.set({ lease: this.opts.name }, 1);
          this.log.info('became leader');
          this.callback(this.opts.onStartedLeading, 'onStartedLeading');
        }
      } else if (this.leading && !this.isLeader()) {
        this.stepDown('could not renew the lease within the renew deadline');
      }
      // Candidates jitter their retries (client-go JitterFactor 1.2) so they do not collide.
      const wait = this.leading ? this.opts.retryPeriodMs : this.opts.retryPeriodMs * (1 + Math.random() * 0.2);
      await sleep(wait, signal);
    }
  }

  /** Fires exactly at the renew deadline, so losing the lease does not wait for a hung request. */
  private armDeadline(): void {
    clearTimeout(this.deadlineTimer);
    const remaining = this.lastRenew + this.opts.renewDeadlineMs - this.clock.now();
    this.deadlineTimer = setTimeout(() => {
      if (this.leading && !this.isLeader()) this.stepDown('renew deadline passed');
    }, Math.max(0, remaining) + 1);
  }

  private stepDown(reason: string): void {
    if (!this.leading) return;
    clearTimeout(this.deadlineTimer);
    this.leading = false;
    this.opts.metrics?.leaderStatus.set({ lease: this.opts.name }, 0);
    if (!this.stopController?.signal.aborted) this.opts.metrics?.leaderLost.inc({ lease: this.opts.name });
    this.log.warn('stopped leading', { reason });
    this.callback(this.opts.onStoppedLeading, 'onStoppedLeading');
  }

  private callback(fn: () => void, what: string): void {
    try {
      fn();
    } catch (err) {
      this.log.error(`${what} callback threw`, { error: errorMessage(err) });
    }
  }

  private async tryAcquireOrRenew(signal: AbortSignal): Promise<boolean> {
    const now = this.wallClock();
    const requestTimeoutMs = this.opts.renewDeadlineMs;
    const current = await this.client().request<Lease>({ method: 'GET', path: this.path, signal, timeoutMs: requestTimeoutMs }).catch((err: unknown) => {
      if (isNotFound(err)) return undefined;
      throw err;
    });
    const spec = {
      holderIdentity: this.opts.identity,
      leaseDurationSeconds: Math.ceil(this.opts.leaseDurationMs / 1000),
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaseTransitions: 0,
    };
    if (!current) {
      try {
        await this.client().request<Lease>({
          method: 'POST',
          path: resourcePath({ apiVersion: 'coordination.k8s.io/v1', plural: 'leases', namespace: this.opts.namespace }),
          body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.opts.name, namespace: this.opts.namespace }, spec },
          signal,
          timeoutMs: requestTimeoutMs,
        });
      } catch (err) {
        if (isConflict(err)) return false; // someone created it first
        throw err;
      }
      this.observe(this.opts.identity, JSON.stringify(spec));
      return true;
    }
    const holder = current.spec?.holderIdentity || undefined;
    this.observe(holder, JSON.stringify(current.spec ?? {}));
    const heldByOther = holder !== undefined && holder !== this.opts.identity;
    if (heldByOther && this.clock.now() - this.observedAt < this.leaseDurationOf(current)) return false;
    if (holder === this.opts.identity) {
      spec.acquireTime = current.spec?.acquireTime ?? spec.acquireTime;
      spec.leaseTransitions = current.spec?.leaseTransitions ?? 0;
    } else {
      spec.leaseTransitions = (current.spec?.leaseTransitions ?? 0) + 1;
    }
    try {
      await this.client().request<Lease>({
        method: 'PUT',
        path: this.path,
        body: { ...current, spec },
        signal,
        timeoutMs: requestTimeoutMs,
      });
    } catch (err) {
      if (isConflict(err)) return false; // another candidate updated it between our GET and PUT
      throw err;
    }
    this.observe(this.opts.identity, JSON.stringify(spec));
    return true;
  }

  private leaseDurationOf(lease: Lease): number {
    const seconds = lease.spec?.leaseDurationSeconds;
    return typeof seconds === 'number' && seconds > 0 ? seconds * 1000 : this.opts.leaseDurationMs;
  }

  private observe(holder: string | undefined, record: string): void {
    if (record !== this.observedRecord) {
      this.observedRecord = record;
      this.observedAt = this.clock.now();
    }
    if (holder !== this.observedHolder) {
      this.observedHolder = holder;
      if (holder !== this.opts.identity || !this.leading) this.log.info('observed leader', { leader: holder ?? null });
      this.opts.onNewLeader?.(holder);
    }
  }

  /** Clears the holder if it is still us, so the next candidate need not wait out the lease. */
  private async release(): Promise<void> {
    try {
      const current = await this.client().request<Lease>({ method: 'GET', path: this.path, timeoutMs: this.opts.renewDeadlineMs });
      if (current?.spec?.holderIdentity !== this.opts.identity) return;
      const now = microTime(this.wallClock());
      await this.client().request<Lease>({
        method: 'PUT',
        path: this.path,
        body: { ...current, spec: { ...current.spec, holderIdentity: null, leaseDurationSeconds: 1, acquireTime: now, renewTime: now } },
        timeoutMs: this.opts.renewDeadlineMs,
      });
      this.log.info('released the lease');
    } catch (err) {
      // Not fatal: the lease simply expires after leaseDuration. Reported, not swallowed.
      this.log.warn('could not release the lease; it will expire on its own', { error: errorMessage(err) });
    }
  }

  private client(): KubeClient {
    return this.opts.client;
  }
}
