// Watch streams: newline-delimited JSON `{type, object}` events over a chunked HTTP response,
// exactly as kube-apiserver serves `?watch=true`. Starting points follow the API conventions:
// no resourceVersion or "0" → synthetic ADDED events for the current state, then live events;
// a resourceVersion → replay of the logged events after it, or a 410 ERROR event when it fell
// out of the window. Bookmarks, timeoutSeconds and sendInitialEvents are honoured; fault
// injection can drop, expire or silence streams.
import type { ServerResponse } from 'node:http';
import type { Store, StoreEvent } from './store.ts';
import type { ResourceService } from './service.ts';
import type { Faults } from './faults.ts';
import type { KubeObject, ResourceInfo } from './types.ts';
import { apiVersionOf, resourceKeyOf } from './types.ts';
import type { FieldSelector, LabelSelector } from './algebra/selectors.ts';
import { statusBody, gone } from './errors.ts';

export interface WatchParams {
  info: ResourceInfo;
  /** '' watches every namespace (or a cluster-scoped resource). */
  namespace: string;
  resourceVersion?: string;
  allowBookmarks: boolean;
  sendInitialEvents: boolean;
  timeoutSeconds?: number;
  labelSelector?: LabelSelector;
  fieldSelector?: FieldSelector;
  /** Turns a stored object into what the client asked for (plain object, Table, metadata). */
  encode: (obj: KubeObject) => unknown;
  /** True when `encode` is the identity on the versioned object (lets events share serialisation). */
  plain: boolean;
}

export interface WatchDeps {
  store: Store;
  service: ResourceService;
  faults: Faults;
  bookmarkIntervalMs: number;
}

type EventKind = 'ADDED' | 'MODIFIED' | 'DELETED';

// Serialisations shared by the plain watchers of one event (the fan-out benchmark's hot path).
const serialised = new WeakMap<StoreEvent, Map<string, string>>();

export class WatchStream {
  private readonly params: WatchParams;
  private readonly deps: WatchDeps;
  private readonly res: ServerResponse;
  private closed = false;
  private silent = false;
  private sentEvents = 0;
  private dropAfterEvents: number | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly cleanups: (() => void)[] = [];
  private readonly resourceKey: string;

  constructor(params: WatchParams, deps: WatchDeps, res: ServerResponse) {
    this.params = params;
    this.deps = deps;
    this.res = res;
    this.resourceKey = resourceKeyOf(params.info);
  }

  start(): void {
    const { res, params, deps } = this;
    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('Cache-Control', 'no-cache, private');
    res.socket?.setNoDelay(true);
    res.flushHeaders();
    res.on('close', () => this.close());

    const fault = deps.faults.watchFaultFor(this.resourceKey, params.namespace);
    this.cleanups.push(
      deps.faults.registerWatch({
        resource: this.resourceKey,
        namespace: params.namespace,
        drop: () => this.end(),
        silence: () => {
          this.silent = true;
        },
      }),
    );
    if (fault?.action === 'gone') {
      this.sendError(gone(`too old resource version: ${params.resourceVersion ?? '0'} (${deps.store.currentRv()})`));
      this.end();
      return;
    }
    if (fault?.action === 'silent') this.silent = true;
    if (fault?.action === 'drop') {
      if (fault.afterEvents !== undefined) this.dropAfterEvents = fault.afterEvents;
      if (fault.afterMs !== undefined || fault.afterEvents === undefined) this.timers.push(setTimeout(() => this.end(), fault.afterMs ?? 0));
    }

    const rv = params.resourceVersion;
    const fromState = rv === undefined || rv === '' || rv === '0' || params.sendInitialEvents;
    if (fromState) {
      // Listing and subscribing happen in the same tick: no event can slip in between.
      for (const obj of deps.store.listRaw(this.resourceKey, params.namespace === '' ? undefined : params.namespace)) {
        if (this.matches(obj)) this.send('ADDED', structuredClone(obj));
      }
      if (params.sendInitialEvents && params.allowBookmarks) this.sendBookmark(true);
    } else {
      const from = Number(rv);
      if (!Number.isInteger(from) || from < 0) {
        this.sendError(gone(`too old resource version: ${rv}`));
        this.end();
        return;
      }
      const replay = deps.store.eventsSince(from, this.resourceKey);
      if (replay === undefined) {
        this.sendError(gone(`too old resource version: ${from} (${deps.store.oldestResumableRv() + 1})`));
        this.end();
        return;
      }
      for (const ev of replay) this.onEvent(ev);
    }
    if (this.closed) return;
    this.cleanups.push(deps.store.subscribe((ev) => this.onEvent(ev)));
    if (params.allowBookmarks && deps.bookmarkIntervalMs > 0) {
      const timer = setInterval(() => this.sendBookmark(false), deps.bookmarkIntervalMs);
      this.timers.push(timer);
    }
    if (params.timeoutSeconds !== undefined && params.timeoutSeconds > 0) {
      this.timers.push(setTimeout(() => this.end(), params.timeoutSeconds * 1000));
    }
  }

  private matches(obj: KubeObject): boolean {
    const ns = this.params.namespace;
    if (ns !== '' && (obj.metadata.namespace ?? '') !== ns) return false;
    return this.deps.service.matches(obj, this.params);
  }

  private onEvent(ev: StoreEvent): void {
    if (this.closed || ev.resourceKey !== this.resourceKey) return;
    const now = this.matches(ev.object);
    const before = ev.previous !== undefined ? this.matches(ev.previous) : false;
    let type: EventKind | undefined;
    if (ev.type === 'ADDED') type = now ? 'ADDED' : undefined;
    else if (ev.type === 'DELETED') type = before || now ? 'DELETED' : undefined;
    else if (now && before) type = 'MODIFIED';
    else if (now) type = 'ADDED';
    else if (before) type = 'DELETED'; // left the selector: watchers see it disappear
    if (type === undefined) return;
    if (this.params.plain && type === ev.type) this.sendShared(ev);
    else this.send(type, structuredClone(ev.object));
  }

  private sendShared(ev: StoreEvent): void {
    if (this.silent || this.closed) return;
    const apiVersion = apiVersionOf(this.params.info);
    let byVersion = serialised.get(ev);
    if (byVersion === undefined) {
      byVersion = new Map();
      serialised.set(ev, byVersion);
    }
    let line = byVersion.get(apiVersion);
    if (line === undefined) {
      const obj = { ...ev.object, apiVersion, kind: this.params.info.kind };
      line = `{"type":"${ev.type}","object":${JSON.stringify(obj)}}\n`;
      byVersion.set(apiVersion, line);
    }
    this.write(line);
  }

  private send(type: EventKind, obj: KubeObject): void {
    if (this.silent || this.closed) return;
    const versioned = this.deps.service.present(this.params.info, obj);
    this.write(`${JSON.stringify({ type, object: this.params.encode(versioned) })}\n`);
  }

  private sendBookmark(initialEventsEnd: boolean): void {
    if (this.silent || this.closed) return;
    const metadata: Record<string, unknown> = { resourceVersion: String(this.deps.store.currentRv()) };
    if (initialEventsEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
    const object = { kind: this.params.info.kind, apiVersion: apiVersionOf(this.params.info), metadata };
    this.res.write(`${JSON.stringify({ type: 'BOOKMARK', object })}\n`);
  }

  private sendError(err: ReturnType<typeof gone>): void {
    this.res.write(`${JSON.stringify({ type: 'ERROR', object: statusBody(err) })}\n`);
  }

  private write(line: string): void {
    this.res.write(line);
    this.sentEvents++;
    if (this.dropAfterEvents !== undefined && this.sentEvents >= this.dropAfterEvents) this.end();
  }

  /** Ends the stream cleanly, as kube-apiserver does when a watch times out. */
  end(): void {
    if (this.closed) return;
    this.close();
    this.res.end();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    for (const c of this.cleanups) c();
  }
}
