// Two controllers of kube-controller-manager / apiextensions-apiserver that the API semantics
// depend on: the namespace controller (a deleted namespace empties itself, then disappears) and
// the CRD cleanup controller (a deleted CRD deletes its instances, then stops being served).
import type { Store, StoreEvent } from './store.ts';
import type { ResourceService } from './service.ts';
import type { Registry } from './registry.ts';
import type { ResourceInfo } from './types.ts';
import { resourceKeyOf } from './types.ts';
import { WorkQueue } from './workqueue.ts';
import { ApiError } from './errors.ts';
import { CRD_CLEANUP_FINALIZER } from './crd.ts';
import { getPath } from './object-util.ts';

const CRD_KEY = 'customresourcedefinitions.apiextensions.k8s.io';

export class LifecycleControllers {
  private readonly store: Store;
  private readonly service: ResourceService;
  private readonly registry: Registry;
  private readonly namespaces: WorkQueue;
  private readonly crds: WorkQueue;
  private unsubscribe: (() => void) | undefined;

  constructor(store: Store, service: ResourceService, registry: Registry) {
    this.store = store;
    this.service = service;
    this.registry = registry;
    this.namespaces = new WorkQueue('namespace-controller', (ns) => this.reconcileNamespace(ns));
    this.crds = new WorkQueue('crd-cleanup', (name) => this.reconcileCrd(name));
  }

  start(): void {
    this.unsubscribe = this.store.subscribe((ev) => this.onEvent(ev));
  }

  stop(): void {
    this.unsubscribe?.();
    this.namespaces.stop();
    this.crds.stop();
  }

  async idle(): Promise<void> {
    await this.namespaces.idle();
    await this.crds.idle();
  }

  private onEvent(ev: StoreEvent): void {
    const meta = ev.object.metadata;
    if (ev.resourceKey === 'namespaces') {
      if (ev.type !== 'DELETED' && meta.deletionTimestamp !== undefined) this.namespaces.add(ev.name);
      return;
    }
    if (ev.resourceKey === CRD_KEY) {
      if (ev.type === 'DELETED') this.registry.unregisterCrd(ev.name);
      else if (meta.deletionTimestamp !== undefined) this.crds.add(ev.name);
      return;
    }
    if (ev.type === 'DELETED') {
      if (ev.namespace !== '') {
        const ns = this.store.get('namespaces', '', ev.namespace);
        if (ns?.metadata.deletionTimestamp !== undefined) this.namespaces.add(ev.namespace);
      }
      const info = this.registry.byResourceKey(ev.resourceKey);
      if (info?.crdName !== undefined) {
        const crd = this.store.get(CRD_KEY, '', info.crdName);
        if (crd?.metadata.deletionTimestamp !== undefined) this.crds.add(info.crdName);
      }
    }
  }

  private namespacedResources(): ResourceInfo[] {
    const seen = new Map<string, ResourceInfo>();
    for (const info of this.registry.all()) {
      if (info.namespaced && !seen.has(resourceKeyOf(info))) seen.set(resourceKeyOf(info), info);
    }
    return [...seen.values()];
  }

  private reconcileNamespace(namespace: string): void {
    const ns = this.store.get('namespaces', '', namespace);
    if (ns?.metadata.deletionTimestamp === undefined) return;
    let remaining = 0;
    for (const info of this.namespacedResources()) {
      for (const obj of this.store.listRaw(resourceKeyOf(info), namespace)) {
        remaining++;
        if (obj.metadata.deletionTimestamp !== undefined) continue;
        this.deleteQuietly(info, namespace, obj.metadata.name ?? '');
      }
    }
    const left = this.namespacedResources().reduce((n, info) => n + this.store.listRaw(resourceKeyOf(info), namespace).length, 0);
    if (remaining > 0 && left > 0) return; // DELETED events of the contents requeue the namespace.
    const nsInfo = this.registry.lookup('', 'v1', 'namespaces');
    if (nsInfo === undefined) return;
    const specFinalizers = (getPath(ns, 'spec.finalizers') as string[] | undefined) ?? [];
    if (!specFinalizers.includes('kubernetes')) return;
    this.service.mutate(nsInfo, '', namespace, 'namespace-controller', (o) => {
      (o.spec as Record<string, unknown>).finalizers = specFinalizers.filter((f) => f !== 'kubernetes');
      return o;
    }, 'finalize');
  }

  private reconcileCrd(name: string): void {
    const crd = this.store.get(CRD_KEY, '', name);
    if (crd?.metadata.deletionTimestamp === undefined) return;
    const info = this.registry.all().find((i) => i.crdName === name);
    if (info !== undefined) {
      const instances = this.store.listRaw(resourceKeyOf(info));
      for (const obj of instances) {
        if (obj.metadata.deletionTimestamp === undefined) this.deleteQuietly(info, obj.metadata.namespace ?? '', obj.metadata.name ?? '');
      }
      if (this.store.count(resourceKeyOf(info)) > 0) return; // instance DELETED events requeue the CRD.
    }
    const crdInfo = this.registry.lookup('apiextensions.k8s.io', 'v1', 'customresourcedefinitions');
    if (crdInfo === undefined) return;
    this.service.mutate(crdInfo, '', name, 'apiextensions-apiserver', (o) => {
      const finalizers = o.metadata.finalizers ?? [];
      if (!finalizers.includes(CRD_CLEANUP_FINALIZER)) return undefined;
      o.metadata.finalizers = finalizers.filter((f) => f !== CRD_CLEANUP_FINALIZER);
      return o;
    });
  }

  private deleteQuietly(info: ResourceInfo, namespace: string, name: string): void {
    try {
      this.service.delete(info, namespace, name, { propagationPolicy: 'Background' }, { manager: 'namespace-controller' });
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
  }
}
