// The garbage collector of kube-controller-manager, reduced to what ownerReferences promise:
// - Background: when an owner is gone, dependents with no other live owner are deleted.
// - Foreground: an owner carrying the `foregroundDeletion` finalizer has its dependents deleted
//   first; the finalizer is removed (and the owner disappears) once no blocking dependent remains.
// - Orphan: an owner carrying the `orphan` finalizer has its ownerReferences removed from every
//   dependent, then the finalizer is removed.
// Dependents whose owner uid does not exist are treated like dependents of a deleted owner.
import type { Store, StoreEvent } from './store.ts';
import type { ResourceService } from './service.ts';
import type { Registry } from './registry.ts';
import type { KubeObject } from './types.ts';
import { WorkQueue } from './workqueue.ts';
import { ApiError } from './errors.ts';

const MANAGER = 'generic-garbage-collector';

export class GarbageCollector {
  private readonly store: Store;
  private readonly service: ResourceService;
  private readonly registry: Registry;
  private readonly queue: WorkQueue;
  private unsubscribe: (() => void) | undefined;

  constructor(store: Store, service: ResourceService, registry: Registry) {
    this.store = store;
    this.service = service;
    this.registry = registry;
    this.queue = new WorkQueue('garbage-collector', (key) => this.process(key));
  }

  start(): void {
    this.unsubscribe = this.store.subscribe((ev) => this.onEvent(ev));
  }

  stop(): void {
    this.unsubscribe?.();
    this.queue.stop();
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  private onEvent(ev: StoreEvent): void {
    const meta = ev.object.metadata;
    if (ev.type === 'DELETED') {
      if (meta.uid !== undefined && this.store.dependentsOf(meta.uid).length > 0) this.queue.add(`gone:${meta.uid}`);
      // A dependent going away may unblock an owner in foreground deletion.
      for (const ref of meta.ownerReferences ?? []) this.queue.add(`deleting:${ref.uid}`);
      return;
    }
    const finalizers = meta.finalizers ?? [];
    if (meta.deletionTimestamp !== undefined && (finalizers.includes('orphan') || finalizers.includes('foregroundDeletion'))) {
      this.queue.add(`deleting:${meta.uid ?? ''}`);
    }
    for (const ref of meta.ownerReferences ?? []) {
      if (this.store.refByUid(ref.uid) === undefined) this.queue.add(`gone:${ref.uid}`);
    }
  }

  private process(key: string): void {
    const [kind, uid = ''] = key.split(/:(.*)/s);
    if (kind === 'gone') this.ownerGone(uid);
    else this.ownerDeleting(uid);
  }

  private infoFor(resourceKey: string) {
    return this.registry.byResourceKey(resourceKey);
  }

  /** Dependents of a vanished owner: drop the reference, or delete them when no owner is left. */
  private ownerGone(uid: string): void {
    if (this.store.refByUid(uid) !== undefined) return;
    for (const dep of this.store.dependentsOf(uid)) {
      const info = this.infoFor(dep.resourceKey);
      if (info === undefined) continue;
      const obj = this.store.get(dep.resourceKey, dep.namespace, dep.name);
      if (obj === undefined) continue;
      const others = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid && this.store.refByUid(r.uid) !== undefined);
      if (others.length > 0) {
        this.service.mutate(info, dep.namespace, dep.name, MANAGER, (o) => withoutOwner(o, uid));
      } else if (obj.metadata.deletionTimestamp === undefined) {
        this.deleteQuietly(info, dep.namespace, dep.name, 'Background');
      }
    }
  }

  private ownerDeleting(uid: string): void {
    const ref = this.store.refByUid(uid);
    if (ref === undefined) return;
    const info = this.infoFor(ref.resourceKey);
    const owner = this.store.get(ref.resourceKey, ref.namespace, ref.name);
    if (info === undefined || owner === undefined || owner.metadata.deletionTimestamp === undefined) return;
    const finalizers = owner.metadata.finalizers ?? [];
    const dependents = this.store.dependentsOf(uid);
    if (finalizers.includes('orphan')) {
      for (const dep of dependents) {
        const depInfo = this.infoFor(dep.resourceKey);
        if (depInfo !== undefined) this.service.mutate(depInfo, dep.namespace, dep.name, MANAGER, (o) => withoutOwner(o, uid));
      }
      this.removeFinalizer(info, ref.namespace, ref.name, 'orphan');
      return;
    }
    if (finalizers.includes('foregroundDeletion')) {
      let blocking = 0;
      for (const dep of dependents) {
        const depInfo = this.infoFor(dep.resourceKey);
        const obj = this.store.get(dep.resourceKey, dep.namespace, dep.name);
        if (depInfo === undefined || obj === undefined) continue;
        const refToOwner = (obj.metadata.ownerReferences ?? []).find((r) => r.uid === uid);
        if (refToOwner?.blockOwnerDeletion === true) blocking++;
        if (obj.metadata.deletionTimestamp === undefined) this.deleteQuietly(depInfo, dep.namespace, dep.name, 'Foreground');
      }
      // Dependents removed synchronously above no longer block; re-count what is left.
      const stillBlocking = this.store.dependentsOf(uid).filter((dep) => {
        const obj = this.store.get(dep.resourceKey, dep.namespace, dep.name);
        return (obj?.metadata.ownerReferences ?? []).some((r) => r.uid === uid && r.blockOwnerDeletion === true);
      }).length;
      if (blocking === 0 || stillBlocking === 0) this.removeFinalizer(info, ref.namespace, ref.name, 'foregroundDeletion');
    }
  }

  private removeFinalizer(info: NonNullable<ReturnType<Registry['byResourceKey']>>, namespace: string, name: string, finalizer: string): void {
    this.service.mutate(info, namespace, name, MANAGER, (o) => {
      const finalizers = o.metadata.finalizers ?? [];
      if (!finalizers.includes(finalizer)) return undefined;
      o.metadata.finalizers = finalizers.filter((f) => f !== finalizer);
      return o;
    });
  }

  private deleteQuietly(
    info: NonNullable<ReturnType<Registry['byResourceKey']>>,
    namespace: string,
    name: string,
    propagationPolicy: 'Background' | 'Foreground',
  ): void {
    try {
      this.service.delete(info, namespace, name, { propagationPolicy }, { manager: MANAGER });
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
  }
}

function withoutOwner(obj: KubeObject, uid: string): KubeObject | undefined {
  const refs = obj.metadata.ownerReferences ?? [];
  if (!refs.some((r) => r.uid === uid)) return undefined;
  const kept = refs.filter((r) => r.uid !== uid);
  if (kept.length > 0) obj.metadata.ownerReferences = kept;
  else delete obj.metadata.ownerReferences;
  return obj;
}
