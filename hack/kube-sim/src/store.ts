// In-memory object storage with kube-apiserver's versioning model: one global, monotonically
// increasing resourceVersion; every write appends an event to a bounded log so watches can resume
// from a version, and asking for a version that fell out of the log is answered with 410 Gone.
// The store keeps objects frozen-by-convention: it stores its own copies and hands out copies.
import type { KubeObject } from './types.ts';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: EventType;
  resourceKey: string;
  namespace: string;
  name: string;
  rv: number;
  /** The object after the change (for DELETED: the last state, with the deletion's resourceVersion). */
  object: KubeObject;
  /** The object before the change (MODIFIED and DELETED). */
  previous?: KubeObject;
}

export type StoreListener = (event: StoreEvent) => void;

export interface ObjectRef {
  resourceKey: string;
  namespace: string;
  name: string;
}

function objectKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export class Store {
  private rv = 0;
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly log: StoreEvent[] = [];
  /** Index of the first live event in `log`: the log is a sliding window of `windowSize` events. */
  private head = 0;
  private readonly listeners = new Set<StoreListener>();
  private readonly byUid = new Map<string, ObjectRef>();
  /** owner uid → keys `${resourceKey}|${namespace}|${name}` of objects that reference it. */
  private readonly dependents = new Map<string, Set<string>>();
  readonly windowSize: number;

  constructor(windowSize = 10000) {
    this.windowSize = Math.max(1, windowSize);
  }

  currentRv(): number {
    return this.rv;
  }

  /** The oldest resourceVersion a watch can still resume from (exclusive lower bound). */
  oldestResumableRv(): number {
    const first = this.log[this.head];
    return first === undefined ? this.rv : first.rv - 1;
  }

  nextRv(): number {
    this.rv += 1;
    return this.rv;
  }

  get(resourceKey: string, namespace: string, name: string): KubeObject | undefined {
    const found = this.objects.get(resourceKey)?.get(objectKey(namespace, name));
    return found === undefined ? undefined : structuredClone(found);
  }

  has(resourceKey: string, namespace: string, name: string): boolean {
    return this.objects.get(resourceKey)?.has(objectKey(namespace, name)) ?? false;
  }

  /** Objects of a resource sorted by namespace/name (the order kube-apiserver lists in). Not copied: callers must not mutate. */
  listRaw(resourceKey: string, namespace?: string): KubeObject[] {
    const bucket = this.objects.get(resourceKey);
    if (bucket === undefined) return [];
    const out: KubeObject[] = [];
    const keys = [...bucket.keys()].sort();
    for (const key of keys) {
      const obj = bucket.get(key);
      if (obj === undefined) continue;
      if (namespace !== undefined && namespace !== '' && (obj.metadata.namespace ?? '') !== namespace) continue;
      out.push(obj);
    }
    return out;
  }

  count(resourceKey?: string): number {
    if (resourceKey !== undefined) return this.objects.get(resourceKey)?.size ?? 0;
    let n = 0;
    for (const bucket of this.objects.values()) n += bucket.size;
    return n;
  }

  resourceKeys(): string[] {
    return [...this.objects.keys()];
  }

  refByUid(uid: string): ObjectRef | undefined {
    return this.byUid.get(uid);
  }

  dependentsOf(ownerUid: string): ObjectRef[] {
    const keys = this.dependents.get(ownerUid);
    if (keys === undefined) return [];
    return [...keys].map((k) => {
      const [resourceKey = '', namespace = '', name = ''] = k.split('|');
      return { resourceKey, namespace, name };
    });
  }

  /**
   * Stores an object (create or update). The caller has already assigned metadata; the store
   * stamps the resourceVersion and emits the event.
   */
  put(resourceKey: string, obj: KubeObject): KubeObject {
    const namespace = obj.metadata.namespace ?? '';
    const name = obj.metadata.name ?? '';
    let bucket = this.objects.get(resourceKey);
    if (bucket === undefined) {
      bucket = new Map();
      this.objects.set(resourceKey, bucket);
    }
    const key = objectKey(namespace, name);
    const previous = bucket.get(key);
    const rv = this.nextRv();
    const stored = structuredClone(obj);
    stored.metadata.resourceVersion = String(rv);
    bucket.set(key, stored);
    if (previous !== undefined) this.unindex(resourceKey, previous);
    this.index(resourceKey, stored);
    const event: StoreEvent = { type: previous === undefined ? 'ADDED' : 'MODIFIED', resourceKey, namespace, name, rv, object: stored };
    if (previous !== undefined) event.previous = previous;
    this.emit(event);
    return structuredClone(stored);
  }

  remove(resourceKey: string, namespace: string, name: string): KubeObject | undefined {
    const bucket = this.objects.get(resourceKey);
    const key = objectKey(namespace, name);
    const previous = bucket?.get(key);
    if (bucket === undefined || previous === undefined) return undefined;
    bucket.delete(key);
    this.unindex(resourceKey, previous);
    const rv = this.nextRv();
    const last = structuredClone(previous);
    last.metadata.resourceVersion = String(rv);
    this.emit({ type: 'DELETED', resourceKey, namespace, name, rv, object: last, previous });
    return structuredClone(last);
  }

  /** Events with rv > fromRv for a resource, or undefined when fromRv is older than the window. */
  eventsSince(fromRv: number, resourceKey: string): StoreEvent[] | undefined {
    if (fromRv < this.oldestResumableRv()) return undefined;
    const out: StoreEvent[] = [];
    // The log is ordered by rv: binary-search the first event after fromRv.
    let lo = this.head;
    let hi = this.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const ev = this.log[mid];
      if (ev !== undefined && ev.rv <= fromRv) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.log.length; i++) {
      const ev = this.log[i];
      if (ev !== undefined && ev.resourceKey === resourceKey) out.push(ev);
    }
    return out;
  }

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: StoreEvent): void {
    this.log.push(event);
    if (this.log.length - this.head > this.windowSize) this.head = this.log.length - this.windowSize;
    // Reclaim the dead prefix in batches so appends stay amortised O(1).
    if (this.head > 1024 && this.head * 2 > this.log.length) {
      this.log.splice(0, this.head);
      this.head = 0;
    }
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (err) {
        // A faulty listener must not break writes; report it on stderr.
        console.error('kube-sim: store listener failed:', err);
      }
    }
  }

  /** Drops older events so only the newest `keep` remain, making older versions 410 Gone. */
  compact(keep = 0): void {
    this.head = Math.max(this.head, this.log.length - Math.max(0, keep));
  }

  private index(resourceKey: string, obj: KubeObject): void {
    const namespace = obj.metadata.namespace ?? '';
    const name = obj.metadata.name ?? '';
    if (obj.metadata.uid !== undefined) this.byUid.set(obj.metadata.uid, { resourceKey, namespace, name });
    const depKey = `${resourceKey}|${namespace}|${name}`;
    for (const ref of obj.metadata.ownerReferences ?? []) {
      let set = this.dependents.get(ref.uid);
      if (set === undefined) {
        set = new Set();
        this.dependents.set(ref.uid, set);
      }
      set.add(depKey);
    }
  }

  private unindex(resourceKey: string, obj: KubeObject): void {
    const namespace = obj.metadata.namespace ?? '';
    const name = obj.metadata.name ?? '';
    if (obj.metadata.uid !== undefined) this.byUid.delete(obj.metadata.uid);
    const depKey = `${resourceKey}|${namespace}|${name}`;
    for (const ref of obj.metadata.ownerReferences ?? []) {
      const set = this.dependents.get(ref.uid);
      set?.delete(depKey);
      if (set !== undefined && set.size === 0) this.dependents.delete(ref.uid);
    }
  }
}
