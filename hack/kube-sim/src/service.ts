// The semantics of kube-apiserver's generic registry for every resource: create, read, list,
// update, patch (merge, JSON, strategic, server-side apply), delete with finalizers and propagation
// policies, status and scale subresources, metadata.generation, managedFields, dry run.
// It is transport-free: the HTTP layer (server.ts) and the simulated controllers call it alike.
import { defaultSecretType, mergeSecretStringData } from './conversion.ts';
import { defaultDeployment, defaultService } from './defaults.ts';
import { randomUUID } from 'node:crypto';
import { applyDefaults, formatInvalid, pruneWithUnknownFields, validate } from './algebra/schema.ts';
import type { FieldError } from './algebra/fieldErrors.ts';
import { fieldErr } from './algebra/fieldErrors.ts';
import { PatchError, StrategicMergeUnsupportedError, jsonPatch, mergePatch, strategicMergePatch } from './algebra/patch.ts';
import { ApplyError, conflictCauses, formatConflicts, recordUpdate, serverSideApply } from './algebra/ssa.ts';
import type { FieldSelector, LabelSelector } from './algebra/selectors.ts';
import { matchesFields, matchesLabels } from './algebra/selectors.ts';
import type { KubeObject, ResourceInfo } from './types.ts';
import { apiVersionOf, resourceKeyOf, typeKeyOf } from './types.ts';
import { ApiError, alreadyExists, badRequest, conflict, forbidden, gone, invalid, notFound, unsupportedMediaType } from './errors.ts';
import type { Registry } from './registry.ts';
import type { Store } from './store.ts';
import { deepEqual, getPath, isPlainObject, kubeTime, randomSuffix, setPath, specPart } from './object-util.ts';
import { validateDeployment, validateName } from './validation.ts';
import { crdAdmission } from './crd.ts';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** Per-request options and outputs (warnings become HTTP Warning headers). */
export interface WriteContext {
  manager: string;
  /** True when the client named the manager (?fieldManager=); apply requires it. */
  managerFromQuery?: boolean;
  dryRun?: boolean;
  fieldValidation?: FieldValidation;
  warnings?: string[];
}

export interface ListOptions {
  labelSelector?: LabelSelector;
  fieldSelector?: FieldSelector;
  limit?: number;
  continueToken?: string;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continueToken?: string;
  remainingItemCount?: number;
}

export interface DeleteOptions {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export interface DeleteResult {
  object: KubeObject;
  /** False when finalizers keep the object (it now has a deletionTimestamp). */
  removed: boolean;
}

export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';

export const PATCH_CONTENT_TYPES: Record<string, PatchType> = {
  'application/merge-patch+json': 'merge',
  'application/json-patch+json': 'json',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
  'application/apply-patch+json': 'apply',
};

const MODIFIED_MESSAGE = 'the object has been modified; please apply your changes to the latest version and try again';

interface ContinueToken {
  rv: number;
  start: string;
}

function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeContinue(s: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as ContinueToken;
    if (typeof parsed.rv === 'number' && typeof parsed.start === 'string') return parsed;
  } catch {
    // fall through to the error below
  }
  throw badRequest('continue key is not valid: illegal base64 data or malformed JSON');
}

export class ResourceService {
  private readonly store: Store;
  private readonly registry: Registry;
  private readonly now: () => Date;
  private clusterIpCounter = 10;

  constructor(store: Store, registry: Registry, now: () => Date = () => new Date()) {
    this.store = store;
    this.registry = registry;
    this.now = now;
  }

  // ---- reads ---------------------------------------------------------------------------------

  get(info: ResourceInfo, namespace: string, name: string): KubeObject {
    const obj = this.store.get(resourceKeyOf(info), info.namespaced ? namespace : '', name);
    if (obj === undefined) throw notFound(info.plural, info.group, name);
    return this.present(info, obj);
  }

  tryGet(info: ResourceInfo, namespace: string, name: string): KubeObject | undefined {
    const obj = this.store.get(resourceKeyOf(info), info.namespaced ? namespace : '', name);
    return obj === undefined ? undefined : this.present(info, obj);
  }

  matches(obj: KubeObject, opts: Pick<ListOptions, 'labelSelector' | 'fieldSelector'>): boolean {
    if (opts.labelSelector !== undefined && !matchesLabels(opts.labelSelector, obj.metadata.labels ?? {})) return false;
    if (opts.fieldSelector !== undefined && !matchesFields(opts.fieldSelector, obj)) return false;
    return true;
  }

  list(info: ResourceInfo, namespace: string, opts: ListOptions = {}): ListResult {
    const rv = this.store.currentRv();
    let start = '';
    if (opts.continueToken !== undefined && opts.continueToken !== '') {
      const token = decodeContinue(opts.continueToken);
      if (token.rv < this.store.oldestResumableRv()) {
        throw gone('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');
      }
      start = token.start;
    }
    const raw = this.store.listRaw(resourceKeyOf(info), info.namespaced ? namespace : undefined);
    const items: KubeObject[] = [];
    let lastKey = '';
    let remaining = 0;
    const limit = opts.limit !== undefined && opts.limit > 0 ? opts.limit : Infinity;
    for (const obj of raw) {
      const key = `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
      if (start !== '' && key <= start) continue;
      if (!this.matches(obj, opts)) continue;
      if (items.length >= limit) {
        remaining++;
        continue;
      }
      items.push(this.present(info, structuredClone(obj)));
      lastKey = key;
    }
    const result: ListResult = { items, resourceVersion: String(rv) };
    if (remaining > 0) {
      result.continueToken = encodeContinue({ rv, start: lastKey });
      result.remainingItemCount = remaining;
    }
    return result;
  }

  /** Sets apiVersion/kind for the version the client asked for (CRD versions share storage). */
  present(info: ResourceInfo, obj: KubeObject): KubeObject {
    obj.apiVersion = apiVersionOf(info);
    obj.kind = info.kind;
    return obj;
  }

  // ---- create --------------------------------------------------------------------------------

  create(info: ResourceInfo, namespace: string, body: unknown, ctx: WriteContext, managedFieldsDone = false): KubeObject {
    const obj = this.requireObject(info, body);
    const meta = obj.metadata;
    if (info.namespaced) {
      if (meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      meta.namespace = namespace;
      this.requireLiveNamespace(namespace);
    } else {
      delete meta.namespace;
    }
    if ((meta.name === undefined || meta.name === '') && meta.generateName !== undefined && meta.generateName !== '') {
      meta.name = `${meta.generateName}${randomSuffix()}`;
    }
    this.throwIfInvalid(info, obj, validateName(typeKeyOf(info), meta.name, meta.generateName));
    const name = meta.name ?? '';
    if (this.store.has(resourceKeyOf(info), info.namespaced ? namespace : '', name)) {
      throw alreadyExists(info.plural, info.group, name);
    }
    for (const field of ['uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation']) {
      delete meta[field];
    }
    if (info.subresources.includes('status') && info.custom) delete obj.status;
    let admitted = this.admit(info, obj, ctx);
    admitted.metadata.uid = randomUUID();
    admitted.metadata.creationTimestamp = kubeTime(this.now());
    if (info.tracksGeneration) admitted.metadata.generation = 1;
    admitted = this.onCreate(info, admitted);
    if (!managedFieldsDone) {
      admitted = recordUpdate(this.updateInput(info, undefined, admitted, ctx.manager, undefined)) as KubeObject;
    }
    if (ctx.dryRun === true) return this.present(info, admitted);
    return this.present(info, this.store.put(resourceKeyOf(info), admitted));
  }

  // ---- update --------------------------------------------------------------------------------

  update(info: ResourceInfo, namespace: string, name: string, body: unknown, ctx: WriteContext, subresource?: string): KubeObject {
    const obj = this.requireObject(info, body);
    if (obj.metadata.name !== undefined && obj.metadata.name !== name) {
      throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
    }
    const old = this.get(info, namespace, name);
    // Custom resources (like most of what kube-apiserver serves through CRD strategies) refuse an
    // unconditional update: a PUT must carry the resourceVersion it read.
    if (info.custom && subresource !== 'scale' && (obj.metadata.resourceVersion === undefined || obj.metadata.resourceVersion === '')) {
      this.throwIfInvalid(info, old, [fieldErr.invalid('metadata.resourceVersion', 0, 'must be specified for an update')]);
    }
    this.checkResourceVersion(info, old, obj.metadata.resourceVersion);
    const next = this.mergeForSubresource(info, old, obj, subresource);
    return this.commitUpdate(info, old, next, ctx, subresource, 'Update');
  }

  // ---- patch ---------------------------------------------------------------------------------

  patch(
    info: ResourceInfo,
    namespace: string,
    name: string,
    patchType: PatchType,
    patchBody: unknown,
    ctx: WriteContext,
    opts: { force?: boolean; subresource?: string } = {},
  ): KubeObject {
    if (patchType === 'apply') return this.apply(info, namespace, name, patchBody, ctx, opts);
    const old = this.get(info, namespace, name);
    const patched = this.applyPatch(info, old, patchType, patchBody);
    const meta = isPlainObject(patched.metadata) ? patched.metadata : {};
    this.checkResourceVersion(info, old, meta.resourceVersion);
    if (meta.name !== undefined && meta.name !== name) {
      throw badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`);
    }
    const next = this.mergeForSubresource(info, old, patched, opts.subresource);
    return this.commitUpdate(info, old, next, ctx, opts.subresource, 'Update');
  }

  private applyPatch(info: ResourceInfo, old: KubeObject, patchType: PatchType, patchBody: unknown): KubeObject {
    let result: unknown;
    try {
      if (patchType === 'merge') {
        if (!isPlainObject(patchBody)) throw badRequest('json: cannot unmarshal non-object into Go value of type map[string]interface {}');
        result = mergePatch(old, patchBody);
      } else if (patchType === 'json') {
        if (!Array.isArray(patchBody)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
        result = jsonPatch(old, patchBody);
      } else {
        if (info.custom) {
          throw unsupportedMediaType(
            'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
          );
        }
        if (!isPlainObject(patchBody)) throw badRequest('json: cannot unmarshal non-object into Go value of type map[string]interface {}');
        result = strategicMergePatch(old, patchBody, typeKeyOf(info));
      }
    } catch (err) {
      if (err instanceof ApiError) throw err;
      if (err instanceof StrategicMergeUnsupportedError) throw unsupportedMediaType(err.message);
      if (err instanceof PatchError) {
        if (err.reason === 'BadRequest') throw badRequest(err.message);
        throw new ApiError(422, 'Invalid', err.message);
      }
      throw err;
    }
    if (!isPlainObject(result) || !isPlainObject(result.metadata)) throw badRequest('the patch produced an object without metadata');
    return result as KubeObject;
  }

  private apply(
    info: ResourceInfo,
    namespace: string,
    name: string,
    patchBody: unknown,
    ctx: WriteContext,
    opts: { force?: boolean; subresource?: string },
  ): KubeObject {
    if (!isPlainObject(patchBody)) throw badRequest('error decoding YAML: the applied configuration must be an object');
    if (ctx.managerFromQuery !== true) {
      throw new ApiError(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch', {
        group: 'meta.k8s.io',
        kind: 'PatchOptions',
        causes: [{ reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' }],
      });
    }
    const applied = structuredClone(patchBody) as KubeObject;
    if (typeof applied.apiVersion !== 'string' || typeof applied.kind !== 'string' || applied.apiVersion === '' || applied.kind === '') {
      throw badRequest(`invalid object type: ${String(applied.apiVersion ?? '')}, Kind=${String(applied.kind ?? '')}`);
    }
    if (!isPlainObject(applied.metadata)) applied.metadata = {};
    if (applied.metadata.name !== undefined && applied.metadata.name !== name) {
      throw badRequest(`the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`);
    }
    applied.metadata.name = name;
    if (info.namespaced) {
      if (applied.metadata.namespace !== undefined && applied.metadata.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      applied.metadata.namespace = namespace;
    }
    const live = this.tryGet(info, namespace, name);
    if (live === undefined && opts.subresource !== undefined) throw notFound(info.plural, info.group, name);
    // Unknown fields are pruned before apply so they neither land in the object nor in managedFields.
    const cleaned = this.pruneUnknown(info, applied, ctx);
    const input: Parameters<typeof serverSideApply>[0] = {
      live,
      applied: cleaned,
      manager: ctx.manager,
      force: opts.force === true,
      typeKey: typeKeyOf(info),
      now: kubeTime(this.now()),
    };
    if (info.schema !== undefined) input.schema = info.schema;
    if (opts.subresource !== undefined) input.subresource = opts.subresource;
    else if (info.subresources.includes('status')) input.resetFields = ['status'];
    let outcome: ReturnType<typeof serverSideApply>;
    try {
      outcome = serverSideApply(input);
    } catch (err) {
      if (err instanceof ApplyError) throw new ApiError(422, 'Invalid', err.message);
      throw err;
    }
    const { object, conflicts } = outcome;
    if (conflicts.length > 0 && opts.force !== true) {
      throw new ApiError(409, 'Conflict', formatConflicts(conflicts), { causes: conflictCauses(conflicts) });
    }
    const result = object as KubeObject;
    if (live === undefined) return this.create(info, namespace, result, ctx, true);
    const next = this.mergeForSubresource(info, live, result, opts.subresource);
    // managedFields come from the apply result, whatever the subresource merge kept.
    next.metadata.managedFields = result.metadata.managedFields;
    return this.commitUpdate(info, live, next, ctx, opts.subresource, 'Apply');
  }

  // ---- delete --------------------------------------------------------------------------------

  delete(info: ResourceInfo, namespace: string, name: string, opts: DeleteOptions, ctx: WriteContext): DeleteResult {
    const old = this.get(info, namespace, name);
    const pre = opts.preconditions;
    if (pre?.uid !== undefined && pre.uid !== old.metadata.uid) {
      throw conflict(info.plural, info.group, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid ?? ''}`);
    }
    if (pre?.resourceVersion !== undefined && pre.resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(
        info.plural,
        info.group,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion ?? ''}`,
      );
    }
    const next = structuredClone(old);
    const finalizers = [...(next.metadata.finalizers ?? [])];
    const policy = opts.propagationPolicy;
    if (policy === 'Orphan' && !finalizers.includes('orphan')) finalizers.push('orphan');
    if (policy === 'Foreground' && !finalizers.includes('foregroundDeletion')) finalizers.push('foregroundDeletion');
    if (policy === 'Background' || policy === 'Orphan') {
      // A later delete with another policy replaces the earlier choice, as in kube-apiserver.
      const i = finalizers.indexOf('foregroundDeletion');
      if (policy === 'Background' && i >= 0 && old.metadata.deletionTimestamp === undefined) finalizers.splice(i, 1);
    }
    const blockedBySpec = info.kind === 'Namespace' && info.group === '' && ((getPath(old, 'spec.finalizers') as unknown[] | undefined)?.length ?? 0) > 0;
    if (finalizers.length > 0 || blockedBySpec) {
      if (finalizers.length > 0) next.metadata.finalizers = finalizers;
      if (next.metadata.deletionTimestamp === undefined) {
        next.metadata.deletionTimestamp = kubeTime(this.now());
        next.metadata.deletionGracePeriodSeconds = 0;
        if (info.tracksGeneration) next.metadata.generation = (next.metadata.generation ?? 0) + 1;
      }
      if (blockedBySpec) setPath(next as unknown as Record<string, unknown>, 'status.phase', 'Terminating');
      if (opts.dryRun === true || ctx.dryRun === true || deepEqual(next, old)) return { object: next, removed: false };
      const stored = this.store.put(resourceKeyOf(info), next);
      return { object: this.present(info, stored), removed: false };
    }
    if (opts.dryRun === true || ctx.dryRun === true) return { object: old, removed: true };
    const removed = this.store.remove(resourceKeyOf(info), info.namespaced ? namespace : '', name);
    return { object: this.present(info, removed ?? old), removed: true };
  }

  deleteCollection(info: ResourceInfo, namespace: string, opts: ListOptions, deleteOpts: DeleteOptions, ctx: WriteContext): KubeObject[] {
    const { items } = this.list(info, namespace, { ...opts, limit: 0 });
    const out: KubeObject[] = [];
    for (const item of items) {
      try {
        out.push(this.delete(info, item.metadata.namespace ?? '', item.metadata.name ?? '', deleteOpts, ctx).object);
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 404)) throw err;
      }
    }
    return out;
  }

  // ---- scale subresource ---------------------------------------------------------------------

  getScale(info: ResourceInfo, namespace: string, name: string): KubeObject {
    const obj = this.get(info, namespace, name);
    return this.toScale(info, obj);
  }

  private toScale(info: ResourceInfo, obj: KubeObject): KubeObject {
    const paths = info.scale;
    if (paths === undefined) throw notFound(info.plural, info.group, obj.metadata.name ?? '');
    const specReplicas = getPath(obj, paths.specReplicasPath);
    const statusReplicas = getPath(obj, paths.statusReplicasPath);
    const status: Record<string, unknown> = { replicas: typeof statusReplicas === 'number' ? statusReplicas : 0 };
    if (paths.labelSelectorPath !== undefined) {
      const sel = getPath(obj, paths.labelSelectorPath);
      if (typeof sel === 'string') status.selector = sel;
      else if (isPlainObject(sel) && isPlainObject(sel.matchLabels)) {
        status.selector = Object.entries(sel.matchLabels).map(([k, v]) => `${k}=${String(v)}`).join(',');
      }
    }
    const meta = obj.metadata;
    const scaleMeta: Record<string, unknown> = {
      name: meta.name,
      uid: meta.uid,
      resourceVersion: meta.resourceVersion,
      creationTimestamp: meta.creationTimestamp,
    };
    if (meta.namespace !== undefined) scaleMeta.namespace = meta.namespace;
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: scaleMeta,
      spec: { replicas: typeof specReplicas === 'number' ? specReplicas : 0 },
      status,
    };
  }

  /** PUT or PATCH of /scale: the new Scale's spec.replicas lands in the object's replicas path. */
  writeScale(
    info: ResourceInfo,
    namespace: string,
    name: string,
    change: { put?: unknown; patchType?: PatchType; patch?: unknown },
    ctx: WriteContext,
  ): KubeObject {
    const paths = info.scale;
    if (paths === undefined) throw notFound(info.plural, info.group, name);
    const old = this.get(info, namespace, name);
    const scale = this.toScale(info, old);
    let next: unknown;
    if (change.put !== undefined) {
      next = change.put;
    } else if (change.patchType === 'merge' || change.patchType === 'strategic') {
      next = mergePatch(scale, change.patch);
    } else if (change.patchType === 'json') {
      next = jsonPatch(scale, change.patch as never);
    } else {
      next = mergePatch(scale, change.patch);
    }
    if (!isPlainObject(next)) throw badRequest('the Scale body must be an object');
    const rv = getPath(next, 'metadata.resourceVersion');
    if (typeof rv === 'string' && rv !== '' && rv !== old.metadata.resourceVersion) {
      throw conflict(info.plural, info.group, name, MODIFIED_MESSAGE);
    }
    const replicas = getPath(next, 'spec.replicas');
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw invalid('Scale', 'autoscaling', name, `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas ?? null)}: must be greater than or equal to 0`, [
        { reason: 'FieldValueInvalid', message: 'must be greater than or equal to 0', field: 'spec.replicas' },
      ]);
    }
    const updated = structuredClone(old);
    setPath(updated as unknown as Record<string, unknown>, paths.specReplicasPath, replicas);
    const stored = this.commitUpdate(info, old, updated, ctx, 'scale', 'Update');
    return this.toScale(info, stored);
  }

  // ---- internals -----------------------------------------------------------------------------

  private requireObject(info: ResourceInfo, body: unknown): KubeObject {
    if (!isPlainObject(body)) throw badRequest(`the request body must be a ${info.kind} object`);
    const obj = structuredClone(body) as KubeObject;
    if (!isPlainObject(obj.metadata)) obj.metadata = {};
    if (typeof obj.kind === 'string' && obj.kind !== '' && obj.kind !== info.kind && obj.kind !== 'Scale') {
      throw badRequest(`the kind of the provided object (${obj.kind}) does not match the kind of the resource (${info.kind})`);
    }
    if (typeof obj.apiVersion === 'string' && obj.apiVersion !== '' && obj.apiVersion !== apiVersionOf(info) && obj.kind === info.kind) {
      const servedGroup = obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] : '';
      if (servedGroup !== info.group) {
        throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${apiVersionOf(info)})`);
      }
    }
    return obj;
  }

  private requireLiveNamespace(namespace: string): void {
    const ns = this.store.get('namespaces', '', namespace);
    if (ns === undefined) throw notFound('namespaces', '', namespace);
    if (ns.metadata.deletionTimestamp !== undefined) {
      throw forbidden(`unable to create new content in namespace ${namespace} because it is being terminated`, {
        name: namespace,
        kind: 'namespaces',
        causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }],
      });
    }
  }

  private checkResourceVersion(info: ResourceInfo, old: KubeObject, rv: unknown): void {
    if (typeof rv === 'string' && rv !== '' && rv !== old.metadata.resourceVersion) {
      throw conflict(info.plural, info.group, old.metadata.name ?? '', MODIFIED_MESSAGE);
    }
  }

  /** What a write to the main resource or to /status may change. */
  private mergeForSubresource(info: ResourceInfo, old: KubeObject, incoming: KubeObject, subresource: string | undefined): KubeObject {
    if (subresource === 'status') {
      const next = structuredClone(old);
      if (incoming.status === undefined) delete next.status;
      else next.status = structuredClone(incoming.status);
      return next;
    }
    if (subresource === 'finalize') {
      // Namespaces' /finalize writes spec.finalizers only (the namespace controller's last step).
      const next = structuredClone(old);
      setPath(next as unknown as Record<string, unknown>, 'spec.finalizers', getPath(incoming, 'spec.finalizers') ?? []);
      return next;
    }
    const next = structuredClone(incoming);
    if (info.subresources.includes('status')) {
      if (old.status === undefined) delete next.status;
      else next.status = structuredClone(old.status);
    }
    return next;
  }

  private pruneUnknown(info: ResourceInfo, obj: KubeObject, ctx: WriteContext): KubeObject {
    if (!info.custom || info.schema === undefined) return obj;
    const { object: pruned, unknownFields: dropped } = pruneWithUnknownFields(info.schema, obj);
    if (dropped.length > 0) {
      const mode = ctx.fieldValidation ?? 'Warn';
      const texts = dropped.map((f) => `unknown field "${f}"`);
      if (mode === 'Strict') {
        throw badRequest(`${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: strict decoding error: ${texts.join(', ')}`);
      }
      if (mode === 'Warn') ctx.warnings?.push(...texts);
    }
    return pruned;
  }

  /** Pruning, defaulting and validation (CRD schema or built-in rules). */
  private admit(info: ResourceInfo, obj: KubeObject, ctx: WriteContext): KubeObject {
    let result = obj;
    if (info.custom && info.schema !== undefined) {
      result = this.pruneUnknown(info, result, ctx);
      result = applyDefaults(info.schema, result) as KubeObject;
      const { metadata: _meta, ...withoutMeta } = result;
      this.throwIfInvalid(info, result, validate(info.schema, { ...withoutMeta, metadata: {} }));
    } else if (info.group === '' && info.kind === 'Secret') {
      result = defaultSecretType(mergeSecretStringData(result));
    } else if (info.group === 'apps' && info.kind === 'Deployment') {
      result = defaultDeployment(result);
      this.throwIfInvalid(info, result, validateDeployment(result));
    } else if (info.group === '' && info.kind === 'Service') {
      result = defaultService(result);
    } else if (info.group === 'apiextensions.k8s.io' && info.kind === 'CustomResourceDefinition') {
      this.throwIfInvalid(info, result, crdAdmission.validate(result));
    }
    return result;
  }

  private throwIfInvalid(info: ResourceInfo, obj: KubeObject, errors: FieldError[]): void {
    if (errors.length === 0) return;
    const { message, details } = formatInvalid(info.kind, info.group, obj.metadata.name ?? '', errors);
    throw invalid(info.kind, info.group, obj.metadata.name ?? '', message, details.causes);
  }

  /** Server-side fields and registrations that kube-apiserver's strategies set on create. */
  private onCreate(info: ResourceInfo, obj: KubeObject): KubeObject {
    const typeKey = typeKeyOf(info);
    const o = obj as unknown as Record<string, unknown>;
    if (typeKey === '/v1/Namespace') {
      setPath(o, 'spec.finalizers', ['kubernetes']);
      setPath(o, 'status.phase', 'Active');
      obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': obj.metadata.name ?? '' };
    } else if (typeKey === '/v1/Service') {
      if (getPath(o, 'spec.type') === undefined) setPath(o, 'spec.type', 'ClusterIP');
      if (getPath(o, 'spec.clusterIP') === undefined && getPath(o, 'spec.type') !== 'ExternalName') {
        this.clusterIpCounter++;
        const ip = `10.96.${Math.floor(this.clusterIpCounter / 250) % 250}.${(this.clusterIpCounter % 250) + 1}`;
        setPath(o, 'spec.clusterIP', ip);
        setPath(o, 'spec.clusterIPs', [ip]);
      }
      if (getPath(o, 'status') === undefined) setPath(o, 'status.loadBalancer', {});
    } else if (typeKey === '/v1/Pod') {
      if (getPath(o, 'status.phase') === undefined) setPath(o, 'status.phase', 'Pending');
    } else if (typeKey === 'apps/v1/Deployment') {
      if (getPath(o, 'spec.replicas') === undefined) setPath(o, 'spec.replicas', 1);
      o.status = {};
    } else if (typeKey === 'apiextensions.k8s.io/v1/CustomResourceDefinition') {
      return crdAdmission.onWrite(this.registry, obj, this.now());
    }
    return obj;
  }

  /**
   * Final step of every update: immutable metadata, generation, managedFields, no-op detection,
   * and the actual removal of an object whose last finalizer went away.
   */
  commitUpdate(info: ResourceInfo, old: KubeObject, candidate: KubeObject, ctx: WriteContext, subresource: string | undefined, operation: 'Update' | 'Apply'): KubeObject {
    let next = structuredClone(candidate);
    const meta = next.metadata;
    for (const field of ['uid', 'creationTimestamp', 'namespace', 'name', 'deletionTimestamp', 'deletionGracePeriodSeconds']) {
      const kept: unknown = old.metadata[field];
      if (kept === undefined) delete meta[field];
      else meta[field] = kept;
    }
    meta.resourceVersion = old.metadata.resourceVersion;
    if (old.metadata.deletionTimestamp !== undefined) {
      const added = (meta.finalizers ?? []).filter((f) => !(old.metadata.finalizers ?? []).includes(f));
      if (added.length > 0) {
        throw this.invalidError(info, old, [
          { type: 'Forbidden', field: 'metadata.finalizers', message: `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}` },
        ]);
      }
    }
    if (subresource === undefined) next = this.admit(info, next, ctx);
    else if (subresource === 'status' && info.custom && info.schema !== undefined) {
      next = applyDefaults(info.schema, this.pruneUnknown(info, next, ctx)) as KubeObject;
      const { metadata: _meta, ...withoutMeta } = next;
      this.throwIfInvalid(info, next, validate(info.schema, { ...withoutMeta, metadata: {} }));
    }
    if (info.tracksGeneration) {
      const includeStatus = info.custom && !info.subresources.includes('status');
      const changed = !deepEqual(specPart(old, includeStatus), specPart(next, includeStatus));
      next.metadata.generation = (old.metadata.generation ?? 1) + (changed ? 1 : 0);
    } else {
      delete next.metadata.generation;
    }
    if (typeKeyOf(info) === 'apiextensions.k8s.io/v1/CustomResourceDefinition' && subresource === undefined) {
      next = crdAdmission.onWrite(this.registry, next, this.now());
    }
    if (operation === 'Update') next = recordUpdate(this.updateInput(info, old, next, ctx.manager, subresource)) as KubeObject;
    if (this.isNoop(old, next)) return old;
    const finalizersLeft = (next.metadata.finalizers ?? []).length > 0;
    if (ctx.dryRun === true) return this.present(info, next);
    if (next.metadata.deletionTimestamp !== undefined && !finalizersLeft && !this.namespaceBlocked(info, next)) {
      const removed = this.store.remove(resourceKeyOf(info), info.namespaced ? (next.metadata.namespace ?? '') : '', next.metadata.name ?? '');
      return this.present(info, removed ?? next);
    }
    return this.present(info, this.store.put(resourceKeyOf(info), next));
  }

  private updateInput(info: ResourceInfo, live: KubeObject | undefined, updated: KubeObject, manager: string, subresource: string | undefined): Parameters<typeof recordUpdate>[0] {
    const input: Parameters<typeof recordUpdate>[0] = { live, updated, manager, operation: 'Update', now: kubeTime(this.now()), typeKey: typeKeyOf(info) };
    if (info.schema !== undefined) input.schema = info.schema;
    // The scale subresource writes the main object's replicas; its ownership is the main resource's.
    if (subresource !== undefined && subresource !== 'scale' && subresource !== 'finalize') input.subresource = subresource;
    else if (info.subresources.includes('status')) input.resetFields = ['status'];
    return input;
  }

  private namespaceBlocked(info: ResourceInfo, obj: KubeObject): boolean {
    if (typeKeyOf(info) !== '/v1/Namespace') return false;
    return ((getPath(obj, 'spec.finalizers') as unknown[] | undefined)?.length ?? 0) > 0;
  }

  /** A write that changes nothing (managedFields included) is not persisted, as in kube-apiserver. */
  private isNoop(old: KubeObject, next: KubeObject): boolean {
    const strip = (o: KubeObject): KubeObject => {
      const c = { ...o, metadata: { ...o.metadata } };
      delete c.metadata.resourceVersion;
      delete c.apiVersion;
      delete c.kind;
      return c;
    };
    return deepEqual(strip(old), strip(next));
  }

  private invalidError(info: ResourceInfo, obj: KubeObject, errors: FieldError[]): ApiError {
    const { message, details } = formatInvalid(info.kind, info.group, obj.metadata.name ?? '', errors);
    return invalid(info.kind, info.group, obj.metadata.name ?? '', message, details.causes);
  }

  /**
   * Read-modify-write with retries on conflicts, for the simulated controllers. `mutate` returns
   * the new object, or undefined to leave it unchanged. Returns undefined when the object is gone.
   */
  mutate(
    info: ResourceInfo,
    namespace: string,
    name: string,
    manager: string,
    mutate: (obj: KubeObject) => KubeObject | undefined,
    subresource?: string,
  ): KubeObject | undefined {
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = this.tryGet(info, namespace, name);
      if (current === undefined) return undefined;
      const next = mutate(structuredClone(current));
      if (next === undefined) return current;
      try {
        return this.update(info, namespace, name, next, { manager }, subresource);
      } catch (err) {
        if (err instanceof ApiError && err.code === 409) continue;
        if (err instanceof ApiError && err.code === 404) return undefined;
        throw err;
      }
    }
    return undefined;
  }

  registryRef(): Registry {
    return this.registry;
  }

  storeRef(): Store {
    return this.store;
  }
}
