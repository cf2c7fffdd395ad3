// The one module that writes to the cluster: server-side apply with a single
// field manager and force, status through the status subresource, deletes with an explicit
// propagation policy. Every write first asks canWrite() — false on a replica that does not hold
// the leader lease — and throws NotLeaderError instead of writing.
import type { KubeClient } from './client.ts';
import { NotLeaderError } from './errors.ts';
import { firstDifference, needsApply } from './needs-apply.ts';
import type { ResourceResolver } from './resources.ts';
import type { KubeObject, ObjectRef, PropagationPolicy } from './types.ts';

export const DEFAULT_FIELD_MANAGER = 'mcpfleet-operator';
export const APPLY_PATCH_CONTENT_TYPE = 'application/apply-patch+yaml';
export const MERGE_PATCH_CONTENT_TYPE = 'application/merge-patch+json';
export const JSON_PATCH_CONTENT_TYPE = 'application/json-patch+json';

/** One RFC 6902 operation. */
export type JsonPatchOp = { op: 'add' | 'replace' | 'test'; path: string; value: unknown } | { op: 'remove'; path: string };

export interface ApplierOptions {
  client: KubeClient;
  resources: ResourceResolver;
  fieldManager?: string;
  /** Leadership gate; checked immediately before every request. */
  canWrite: () => boolean;
}

export interface ApplyResult<T extends KubeObject> {
  /** False when the live object already matched and no request was sent. */
  changed: boolean;
  object: T;
}

export class Applier {
  readonly fieldManager: string;
  private readonly client: KubeClient;
  private readonly resources: ResourceResolver;
  private readonly canWrite: () => boolean;

  constructor(opts: ApplierOptions) {
    this.client = opts.client;
    this.resources = opts.resources;
    this.fieldManager = opts.fieldManager ?? DEFAULT_FIELD_MANAGER;
    this.canWrite = opts.canWrite;
  }

  /** Server-side apply (force) of `obj`: it must carry apiVersion, kind, metadata.name (and namespace). */
  async apply<T extends KubeObject>(obj: T): Promise<T> {
    const ref = refOf(obj);
    const path = await this.resources.objectPath(ref);
    this.assertCanWrite(`apply ${describe(ref)}`);
    return this.client.patch<T>(path, stripServerFields(obj), APPLY_PATCH_CONTENT_TYPE, { fieldManager: this.fieldManager, force: true });
  }

  /**
   * Applies only when needsApply(desired, live) says something would change; an idle resync
   * therefore sends nothing. Pass the live object from the informer cache (or a fresh GET).
   */
  async applyIfNeeded<T extends KubeObject>(desired: T, live: T | undefined): Promise<ApplyResult<T>> {
    if (live && !needsApply(desired, live, this.fieldManager)) return { changed: false, object: live };
    return { changed: true, object: await this.apply(desired) };
  }

  /**
   * Server-side apply of `obj.status` through the status subresource, skipped when `live`
   * shows the same status already applied by our manager (see needsApply). Only apiVersion,
   * kind, metadata.name/namespace and status are sent.
   */
  async applyStatus<T extends KubeObject = KubeObject>(obj: KubeObject & { status: unknown }, live?: KubeObject): Promise<ApplyResult<T>> {
    const ref = refOf(obj);
    const body = { apiVersion: obj.apiVersion, kind: obj.kind, metadata: { name: ref.name, namespace: ref.namespace }, status: obj.status };
    if (live && !needsApply(body, live, this.fieldManager, { subresource: 'status' })) return { changed: false, object: live as T };
    const path = await this.resources.objectPath(ref, 'status');
    this.assertCanWrite(`apply status of ${describe(ref)}`);
    const object = await this.client.patch<T>(path, body, APPLY_PATCH_CONTENT_TYPE, { fieldManager: this.fieldManager, force: true });
    return { changed: true, object };
  }

  /**
   * JSON merge patch of the status subresource, skipped when every field of `status` already
   * has that value in live.status. For status fields shared with other writers; prefer applyStatus.
   */
  async patchStatus<T extends KubeObject = KubeObject>(ref: ObjectRef, status: Record<string, unknown>, live?: KubeObject): Promise<ApplyResult<T>> {
    if (live && firstDifference(status, live.status, 'status') === undefined) return { changed: false, object: live as T };
    const path = await this.resources.objectPath(ref, 'status');
    this.assertCanWrite(`patch status of ${describe(ref)}`);
    const object = await this.client.patch<T>(path, { status }, MERGE_PATCH_CONTENT_TYPE, { fieldManager: this.fieldManager });
    return { changed: true, object };
  }

  /**
   * JSON patch (RFC 6902) of the main resource, for list edits server-side apply cannot make
   * safely: adding or removing our finalizer whatever other managers did to the list. Callers
   * put `test` operations first (e.g. on metadata.resourceVersion) so a stale view fails (and is
   * retried) instead of overwriting someone else's change.
   */
  async jsonPatch<T extends KubeObject = KubeObject>(ref: ObjectRef, ops: readonly JsonPatchOp[]): Promise<T> {
    const path = await this.resources.objectPath(ref);
    this.assertCanWrite(`patch ${describe(ref)}`);
    return this.client.patch<T>(path, ops, JSON_PATCH_CONTENT_TYPE, { fieldManager: this.fieldManager });
  }

  /**
   * Deletes with the given propagation; `uid` (recommended) makes the delete conditional on the
   * object still being the one we saw. Resolves false when it was already gone.
   */
  async delete(ref: ObjectRef & { uid?: string }, propagationPolicy: PropagationPolicy = 'Background'): Promise<boolean> {
    const path = await this.resources.objectPath(ref);
    this.assertCanWrite(`delete ${describe(ref)}`);
    return this.client.delete(path, { propagationPolicy, uid: ref.uid });
  }

  private assertCanWrite(action: string): void {
    if (!this.canWrite()) throw new NotLeaderError(action);
  }
}

function refOf(obj: KubeObject): ObjectRef {
  const name = obj.metadata?.name;
  if (!obj.apiVersion || !obj.kind || !name) {
    throw new Error(`object to apply needs apiVersion, kind and metadata.name (got ${obj.apiVersion ?? '?'} ${obj.kind ?? '?'} ${name ?? '?'})`);
  }
  return { apiVersion: obj.apiVersion, kind: obj.kind, name, namespace: obj.metadata?.namespace };
}

function describe(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

/** SSA rejects managedFields in the body, and resourceVersion would turn it into a CAS write. */
function stripServerFields<T extends KubeObject>(obj: T): T {
  if (!obj.metadata) return obj;
  const { managedFields: _mf, resourceVersion: _rv, uid: _uid, creationTimestamp: _ct, generation: _g, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}
