// An informer: list, then watch from the list's resourceVersion, keeping a local cache and
// calling one handler per change. Robustness rules:
//  - any error (list or watch) restarts with jittered exponential backoff;
//  - a watch that delivers no event and no bookmark for `stallTimeoutMs` is aborted and
//    re-opened from the last resourceVersion (a stream can hang without ever closing);
//  - 410 Gone (HTTP or an ERROR event) means our resourceVersion expired: relist;
//  - a relist diffs against the cache, so unchanged objects produce no events and vanished
//    ones produce deletes: handlers see a consistent story however often we relist.
import { randomInt } from 'node:crypto';
import type { KubeClient } from './client.ts';
import { errorMessage, isGone, KubeApiError, ResourceExpiredError } from './errors.ts';
import { objectKey } from './keys.ts';
import { ObjectIndex, type IndexFunc } from './object-index.ts';
import type { KubeObject, KubeStatus } from './types.ts';
import { watchEvents } from './watch.ts';
import { Backoff, sleep, type BackoffOptions } from '../runtime/backoff.ts';
import type { Logger } from '../observability/logger.ts';
import type { InformerRestartReason, OperatorMetrics } from '../observability/metrics.ts';

/** 'resync' re-delivers a cached object on the periodic resync; handlers treat it like update. */
export type ChangeKind = 'add' | 'update' | 'delete' | 'resync';

export interface InformerOptions<T extends KubeObject> {
  client: KubeClient;
  /** Collection path, e.g. '/apis/mcpfleet.dev/v1alpha1/mcpservers' (all namespaces). */
  path: string;
  /** Name for logs and metrics; defaults to the path. */
  name?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /**
   * Cache only metadata (PartialObjectMetadata): for kinds such as Secrets whose contents the
   * operator must not hold, where name and resourceVersion are all it needs.
   */
  metadataOnly?: boolean;
  /** No event or bookmark for this long → abort the watch and re-watch. */
  stallTimeoutMs: number;
  backoff: BackoffOptions;
  /** Page size of the list; 500 like client-go. */
  pageSize?: number;
  /** Re-deliver every cached object this often (0/undefined: never). */
  resyncPeriodMs?: number;
  /** Server-side watch timeout range in seconds (the server ends the stream; we re-watch). */
  watchTimeoutSeconds?: { min: number; max: number };
  /** The values each object is filed under for byIndex() (e.g. its controller owner's uid). */
  indexBy?: IndexFunc<T>;
  onChange: (obj: T, kind: ChangeKind) => void;
  onSynced?: () => void;
  logger: Logger;
  metrics?: OperatorMetrics;
}

export interface Informer<T extends KubeObject> {
  /** Begins list+watch in the background; returns at once. */
  start(): void;
  /** Aborts the watch and timers; resolves when the loop has exited. */
  stop(): Promise<void>;
  list(): T[];
  get(namespace: string | undefined, name: string): T | undefined;
  /** Cached objects filed under `value` by the indexBy option (none without it). */
  byIndex(value: string): T[];
  hasSynced(): boolean;
  /** The resourceVersion the next watch starts from. */
  lastResourceVersion(): string;
  readonly name: string;
}

type WatchOutcome = 'closed' | 'stalled';

// What client-go's metadata informers send; JSON last, for servers without the conversion.
const METADATA_LIST_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';
const METADATA_WATCH_ACCEPT = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';

export function createInformer<T extends KubeObject>(opts: InformerOptions<T>): Informer<T> {
  if (!(opts.stallTimeoutMs > 0)) throw new Error(`informer ${opts.name ?? opts.path}: stallTimeoutMs must be > 0`);
  const name = opts.name ?? opts.path;
  const log = opts.logger.child({ informer: name });
  const cache = new Map<string, T>();
  const index = opts.indexBy ? new ObjectIndex(opts.indexBy) : undefined;
  // Every cache write goes through these two, so the index never disagrees with the cache.
  const store = (key: string, obj: T): void => {
    cache.set(key, obj);
    index?.set(key, obj);
  };
  const remove = (key: string): void => {
    cache.delete(key);
    index?.delete(key);
  };
  const backoff = new Backoff(opts.backoff);
  const watchTimeout = opts.watchTimeoutSeconds ?? { min: 300, max: 600 };
  let resourceVersion = '';
  let synced = false;
  let running: Promise<void> | undefined;
  let stopController: AbortController | undefined;
  let resyncTimer: NodeJS.Timeout | undefined;

  function emit(obj: T, kind: ChangeKind): void {
    try {
      opts.onChange(obj, kind);
    } catch (err) {
      // A handler bug must not kill the informer, but it is not swallowed either: it is logged.
      log.error('informer handler threw', { kind, key: safeKey(obj), error: errorMessage(err) });
    }
  }

  /** What the cache holds: metadata informers drop managedFields (often larger than the rest). */
  function kept(obj: T): T {
    if (!opts.metadataOnly || !obj.metadata?.managedFields) return obj;
    const { managedFields: _dropped, ...metadata } = obj.metadata;
    return { ...obj, metadata } as T;
  }

  function restarted(reason: InformerRestartReason): void {
    opts.metrics?.informerRestarts.inc({ informer: name, reason });
  }

  async function relist(signal: AbortSignal): Promise<void> {
    const { items, resourceVersion: rv } = await opts.client.listAll<T>(
      opts.path,
      { labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector, limit: opts.pageSize ?? 500, accept: opts.metadataOnly ? METADATA_LIST_ACCEPT : undefined },
      signal,
    );
    const fresh = new Map<string, T>();
    for (const item of items) fresh.set(objectKey(item), kept(item));
    const changes: [T, ChangeKind][] = [];
    for (const [key, obj] of fresh) {
      const old = cache.get(key);
      if (!old) changes.push([obj, 'add']);
      else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion) changes.push([obj, 'update']);
    }
    for (const [key, old] of cache) if (!fresh.has(key)) changes.push([old, 'delete']);
    cache.clear();
    index?.clear();
    for (const [key, obj] of fresh) store(key, obj);
    resourceVersion = rv;
    for (const [obj, kind] of changes) emit(obj, kind);
    log.debug('listed', { items: items.length, resourceVersion: rv, changes: changes.length });
    if (!synced) {
      synced = true;
      opts.metrics?.informerSynced.set({ informer: name }, 1);
      log.info('informer synced', { items: items.length, resourceVersion: rv });
      if (opts.onSynced) {
        try {
          opts.onSynced();
        } catch (err) {
          log.error('informer onSynced handler threw', { error: errorMessage(err) });
        }
      }
    }
  }

  /** One watch request. Resolves on normal close or stall; throws on errors (410 included). */
  async function watchOnce(stopSignal: AbortSignal): Promise<{ outcome: WatchOutcome; events: number }> {
    const watchAbort = new AbortController();
    const signal = AbortSignal.any([stopSignal, watchAbort.signal]);
    let stalled = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        stalled = true;
        watchAbort.abort(new Error(`watch stalled: no event or bookmark for ${opts.stallTimeoutMs} ms`));
      }, opts.stallTimeoutMs);
    };
    let events = 0;
    arm();
    try {
      const stream = watchEvents<T>(
        opts.client,
        opts.path,
        {
          resourceVersion,
          allowWatchBookmarks: true,
          labelSelector: opts.labelSelector || undefined,
          fieldSelector: opts.fieldSelector || undefined,
          timeoutSeconds: randomInt(watchTimeout.min, watchTimeout.max + 1),
        },
        signal,
        opts.metadataOnly ? METADATA_WATCH_ACCEPT : undefined,
      );
      for await (const event of stream) {
        arm();
        events++;
        opts.metrics?.informerEvents.inc({ informer: name, type: event.type });
        applyEvent(event);
      }
      return { outcome: 'closed', events };
    } catch (err) {
      if (stalled && !stopSignal.aborted) return { outcome: 'stalled', events };
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  function applyEvent(event: { type: string; object: T | KubeStatus }): void {
    if (event.type === 'ERROR') {
      const status = event.object as KubeStatus;
      if (status.code === 410 || status.reason === 'Expired' || status.reason === 'Gone') {
        throw new ResourceExpiredError(`watch ${opts.path}: ${status.message ?? 'resourceVersion expired'}`);
      }
      throw new KubeApiError({ statusCode: status.code ?? 500, method: 'WATCH', path: opts.path, status });
    }
    const obj = kept(event.object as T);
    const rv = obj.metadata?.resourceVersion;
    if (event.type === 'BOOKMARK') {
      if (rv) resourceVersion = rv;
      return;
    }
    const key = objectKey(obj);
    const old = cache.get(key);
    if (event.type === 'DELETED') {
      remove(key);
      emit(obj, 'delete');
    } else if (old && old.metadata?.resourceVersion === rv) {
      // A replayed event for a version we already hold (after a re-watch): nothing changed.
    } else {
      store(key, obj);
      emit(obj, old ? 'update' : 'add');
    }
    if (rv) resourceVersion = rv;
  }

  async function run(signal: AbortSignal): Promise<void> {
    let needList = true;
    while (!signal.aborted) {
      try {
        if (needList) {
          await relist(signal);
          needList = false;
        }
        const { outcome, events } = await watchOnce(signal);
        if (signal.aborted) break;
        if (outcome === 'stalled') {
          restarted('stall');
          log.warn('watch stalled; re-watching from last resourceVersion', { resourceVersion, stallTimeoutMs: opts.stallTimeoutMs });
          continue;
        }
        // The server closed the stream. Normal for a timed-out watch; but a stream that closes
        // before delivering anything may be a proxy dropping us, so back off before the next one.
        restarted('closed');
        if (events > 0) {
          backoff.reset();
        } else {
          await sleep(backoff.next(), signal);
        }
      } catch (err) {
        if (signal.aborted) break;
        if (isGone(err)) {
          restarted('expired');
          log.info('resourceVersion expired; relisting', { resourceVersion, error: errorMessage(err) });
          needList = true;
          resourceVersion = '';
          // A relist is the remedy; still pace it so a server answering 410 forever is no hot loop.
          await sleep(backoff.next(), signal);
          continue;
        }
        restarted('error');
        const delay = backoff.next();
        log.warn('list/watch failed; retrying with backoff', { error: errorMessage(err), delayMs: delay, attempt: backoff.attempts });
        // Without a resourceVersion to resume from, only a list can recover.
        if (!resourceVersion) needList = true;
        await sleep(delay, signal);
      }
    }
  }

  function resync(): void {
    if (!synced) return;
    for (const obj of [...cache.values()]) emit(obj, 'resync');
  }

  return {
    name,
    start() {
      if (running) throw new Error(`informer ${name} already started`);
      stopController = new AbortController();
      opts.metrics?.informerSynced.set({ informer: name }, 0);
      running = run(stopController.signal).catch((err: unknown) => {
        log.error('informer loop ended unexpectedly', { error: errorMessage(err) });
      });
      if (opts.resyncPeriodMs && opts.resyncPeriodMs > 0) resyncTimer = setInterval(resync, opts.resyncPeriodMs);
    },
    async stop() {
      clearInterval(resyncTimer);
      resyncTimer = undefined;
      stopController?.abort(new Error('informer stopped'));
      await running;
      running = undefined;
    },
    list: () => [...cache.values()],
    get: (namespace, objName) => cache.get(namespace ? `${namespace}/${objName}` : objName),
    byIndex: (value) => index?.get(value) ?? [],
    hasSynced: () => synced,
    lastResourceVersion: () => resourceVersion,
  };
}

function safeKey(obj: KubeObject): string {
  try {
    return objectKey(obj);
  } catch {
    return '?';
  }
}
