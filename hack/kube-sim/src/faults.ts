// Fault injection: the failures a controller must survive against a real API server, on demand.
// Rules match requests by verb, resource and namespace; they inject error responses (500, 429
// with Retry-After, 409), added latency, and watch misbehaviour (dropped mid-flight, forced
// 410 Gone, silent-but-open streams). Probabilistic rules use a seeded PRNG so runs repeat.

export interface RequestMatch {
  /** Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection. */
  verb?: string;
  /** Plural resource name, optionally with `.group`, e.g. 'deployments' or 'widgets.example.com'. */
  resource?: string;
  namespace?: string;
  /** Full User-Agent, or its product prefix (text before the first "/"). */
  userAgent?: string;
}

export interface ErrorRule extends RequestMatch {
  code: 500 | 429 | 409 | 503;
  /** Probability in [0, 1]; 1 when omitted. */
  rate?: number;
  /** Stop after injecting this many errors. */
  times?: number;
  retryAfterSeconds?: number;
  message?: string;
}

export interface LatencyRule extends RequestMatch {
  ms: number;
  times?: number;
}

export interface WatchRule {
  resource?: string;
  namespace?: string;
  /** 'drop': close after `afterMs` or `afterEvents`; 'gone': answer 410 at start; 'silent': stop sending but keep open. */
  action: 'drop' | 'gone' | 'silent';
  afterMs?: number;
  afterEvents?: number;
  times?: number;
}

export interface InjectedError {
  code: number;
  reason: string;
  message: string;
  retryAfterSeconds?: number;
}

export interface RequestFacts {
  verb: string;
  resource: string;
  namespace: string;
  userAgent: string;
}

/** Hooks the watch layer registers so the fault API can act on streams already open. */
export interface ActiveWatchControl {
  resource: string;
  namespace: string;
  drop(): void;
  silence(): void;
}

interface Counted<T> {
  rule: T;
  used: number;
  id: number;
}

const REASONS: Record<number, string> = { 500: 'InternalError', 429: 'TooManyRequests', 409: 'Conflict', 503: 'ServiceUnavailable' };

function matchResource(want: string | undefined, resource: string): boolean {
  if (want === undefined || want === '' || want === '*') return true;
  return want === resource || resource.startsWith(`${want}.`);
}

function matches(rule: RequestMatch, facts: RequestFacts): boolean {
  if (rule.verb !== undefined && rule.verb !== '*' && rule.verb !== facts.verb) return false;
  if (!matchResource(rule.resource, facts.resource)) return false;
  if (rule.namespace !== undefined && rule.namespace !== facts.namespace) return false;
  if (rule.userAgent !== undefined && facts.userAgent !== rule.userAgent && facts.userAgent.split('/')[0] !== rule.userAgent) return false;
  return true;
}

/** mulberry32: small, fast, seedable. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Faults {
  private errors: Counted<ErrorRule>[] = [];
  private latencies: Counted<LatencyRule>[] = [];
  private watches: Counted<WatchRule>[] = [];
  private readonly active = new Set<ActiveWatchControl>();
  private nextId = 1;
  private random: () => number;

  constructor(seed = 1) {
    this.random = prng(seed);
  }

  seed(seed: number): void {
    this.random = prng(seed);
  }

  /** Adds an error rule; returns an id for removeRule. */
  addError(rule: ErrorRule): number {
    validateRate(rule.rate);
    if (![500, 429, 409, 503].includes(rule.code)) throw new Error(`fault code must be 500, 429, 409 or 503, got ${String(rule.code)}`);
    const id = this.nextId++;
    this.errors.push({ rule, used: 0, id });
    return id;
  }

  addLatency(rule: LatencyRule): number {
    if (!(rule.ms >= 0)) throw new Error(`latency must be a non-negative number of milliseconds, got ${String(rule.ms)}`);
    const id = this.nextId++;
    this.latencies.push({ rule, used: 0, id });
    return id;
  }

  addWatchFault(rule: WatchRule): number {
    if (!['drop', 'gone', 'silent'].includes(rule.action)) throw new Error(`watch fault action must be drop, gone or silent, got ${String(rule.action)}`);
    const id = this.nextId++;
    this.watches.push({ rule, used: 0, id });
    return id;
  }

  removeRule(id: number): void {
    this.errors = this.errors.filter((r) => r.id !== id);
    this.latencies = this.latencies.filter((r) => r.id !== id);
    this.watches = this.watches.filter((r) => r.id !== id);
  }

  /** Removes every rule (streams already dropped or silenced stay that way). */
  clear(): void {
    this.errors = [];
    this.latencies = [];
    this.watches = [];
  }

  rules(): { errors: ErrorRule[]; latencies: LatencyRule[]; watches: WatchRule[] } {
    return { errors: this.errors.map((r) => r.rule), latencies: this.latencies.map((r) => r.rule), watches: this.watches.map((r) => r.rule) };
  }

  /** Closes open watch streams now (mid-flight), optionally only for one resource/namespace. */
  dropActiveWatches(filter: { resource?: string; namespace?: string } = {}): number {
    let n = 0;
    for (const w of [...this.active]) {
      if (!matchResource(filter.resource, w.resource)) continue;
      if (filter.namespace !== undefined && filter.namespace !== w.namespace) continue;
      w.drop();
      n++;
    }
    return n;
  }

  /** Makes open watch streams go silent: no events, no bookmarks, connection left open. */
  silenceActiveWatches(filter: { resource?: string; namespace?: string } = {}): number {
    let n = 0;
    for (const w of this.active) {
      if (!matchResource(filter.resource, w.resource)) continue;
      if (filter.namespace !== undefined && filter.namespace !== w.namespace) continue;
      w.silence();
      n++;
    }
    return n;
  }

  activeWatchCount(): number {
    return this.active.size;
  }

  // ---- used by the server ----

  errorFor(facts: RequestFacts): InjectedError | undefined {
    for (const entry of this.errors) {
      const { rule } = entry;
      if (!matches(rule, facts)) continue;
      if (rule.times !== undefined && entry.used >= rule.times) continue;
      if (this.random() >= (rule.rate ?? 1)) continue;
      entry.used++;
      const err: InjectedError = {
        code: rule.code,
        reason: REASONS[rule.code] ?? 'InternalError',
        message: rule.message ?? defaultMessage(rule.code, facts),
      };
      if (rule.code === 429) err.retryAfterSeconds = rule.retryAfterSeconds ?? 1;
      return err;
    }
    return undefined;
  }

  latencyFor(facts: RequestFacts): number {
    let total = 0;
    for (const entry of this.latencies) {
      if (!matches(entry.rule, facts)) continue;
      if (entry.rule.times !== undefined && entry.used >= entry.rule.times) continue;
      entry.used++;
      total += entry.rule.ms;
    }
    return total;
  }

  /** The watch fault for a new stream, consuming one use of the rule. */
  watchFaultFor(resource: string, namespace: string): WatchRule | undefined {
    for (const entry of this.watches) {
      const { rule } = entry;
      if (!matchResource(rule.resource, resource)) continue;
      if (rule.namespace !== undefined && rule.namespace !== namespace) continue;
      if (rule.times !== undefined && entry.used >= rule.times) continue;
      entry.used++;
      return rule;
    }
    return undefined;
  }

  registerWatch(control: ActiveWatchControl): () => void {
    this.active.add(control);
    return () => this.active.delete(control);
  }
}

function validateRate(rate: number | undefined): void {
  if (rate !== undefined && !(rate >= 0 && rate <= 1)) throw new Error(`fault rate must be between 0 and 1, got ${String(rate)}`);
}

function defaultMessage(code: number, facts: RequestFacts): string {
  if (code === 429) return 'Too many requests, please try again later.';
  if (code === 409) return `Operation cannot be fulfilled on ${facts.resource}: the object has been modified; please apply your changes to the latest version and try again`;
  if (code === 503) return 'the server is currently unable to handle the request';
  return `Internal error occurred: injected fault for ${facts.verb} ${facts.resource}`;
}

/**
 * Parses a CLI fault spec such as `verb=create,resource=configmaps,code=500,rate=0.1` or
 * `latency:verb=list,ms=200` or `watch:action=drop,afterMs=2000,resource=pods`.
 */
export function parseFaultSpec(spec: string): { kind: 'error'; rule: ErrorRule } | { kind: 'latency'; rule: LatencyRule } | { kind: 'watch'; rule: WatchRule } {
  let kind: 'error' | 'latency' | 'watch' = 'error';
  let body = spec;
  const m = /^(error|latency|watch):(.*)$/.exec(spec);
  if (m !== null) {
    kind = m[1] as 'error' | 'latency' | 'watch';
    body = m[2] ?? '';
  }
  const fields: Record<string, string> = {};
  for (const part of body.split(',').filter((p) => p.trim() !== '')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`fault spec "${spec}": expected key=value, got "${part}"`);
    fields[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  const num = (key: string): number | undefined => {
    const v = fields[key];
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new Error(`fault spec "${spec}": ${key} must be a number, got "${v}"`);
    return n;
  };
  const base: RequestMatch = {};
  if (fields.verb !== undefined) base.verb = fields.verb;
  if (fields.resource !== undefined) base.resource = fields.resource;
  if (fields.namespace !== undefined) base.namespace = fields.namespace;
  if (fields.userAgent !== undefined) base.userAgent = fields.userAgent;
  const times = num('times');
  if (kind === 'latency') {
    const ms = num('ms');
    if (ms === undefined) throw new Error(`fault spec "${spec}": latency needs ms=<milliseconds>`);
    const rule: LatencyRule = { ...base, ms };
    if (times !== undefined) rule.times = times;
    return { kind, rule };
  }
  if (kind === 'watch') {
    const action = fields.action ?? 'drop';
    if (action !== 'drop' && action !== 'gone' && action !== 'silent') throw new Error(`fault spec "${spec}": action must be drop, gone or silent`);
    const rule: WatchRule = { action };
    if (base.resource !== undefined) rule.resource = base.resource;
    if (base.namespace !== undefined) rule.namespace = base.namespace;
    const afterMs = num('afterMs');
    const afterEvents = num('afterEvents');
    if (afterMs !== undefined) rule.afterMs = afterMs;
    if (afterEvents !== undefined) rule.afterEvents = afterEvents;
    if (times !== undefined) rule.times = times;
    return { kind, rule };
  }
  const code = num('code') ?? 500;
  if (code !== 500 && code !== 429 && code !== 409 && code !== 503) throw new Error(`fault spec "${spec}": code must be 500, 429, 409 or 503`);
  const rule: ErrorRule = { ...base, code };
  const rate = num('rate');
  if (rate !== undefined) rule.rate = rate;
  if (times !== undefined) rule.times = times;
  const retry = num('retryAfter');
  if (retry !== undefined) rule.retryAfterSeconds = retry;
  return { kind, rule };
}
