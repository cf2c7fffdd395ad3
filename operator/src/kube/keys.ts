// Work-queue keys ("namespace/name") and the mapping from an owned child to its owner's key.
// Pure functions: events carry objects, the queue only ever sees these keys.
import type { KubeObject } from './types.ts';

export const INSTANCE_LABEL = 'app.kubernetes.io/instance';

/** "namespace/name", or "name" for cluster-scoped objects (like client-go's MetaNamespaceKey). */
export function objectKey(obj: KubeObject): string {
  const name = obj.metadata?.name;
  if (!name) throw new Error(`object of kind ${obj.kind ?? '?'} has no metadata.name`);
  const namespace = obj.metadata?.namespace;
  return namespace ? `${namespace}/${name}` : name;
}

export function makeKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

export function parseKey(key: string): { namespace: string | undefined; name: string } {
  const parts = key.split('/');
  if (parts.length === 1 && parts[0]) return { namespace: undefined, name: parts[0] };
  if (parts.length === 2 && parts[0] && parts[1]) return { namespace: parts[0], name: parts[1] };
  throw new Error(`invalid object key ${JSON.stringify(key)}: expected "namespace/name" or "name"`);
}

export interface OwnerMatch {
  /** e.g. 'mcpfleet.dev' — the ownerReference's apiVersion group must equal it (any version). */
  group: string;
  kind: string;
  /** Fall back to this label (app.kubernetes.io/instance) when there is no controller reference. */
  instanceLabel?: string | false;
}

/**
 * The key of the owner that `child` belongs to: the controller ownerReference of the owner's
 * kind (same namespace, since owners of namespaced children live in their namespace), else the
 * instance label; undefined when the child is not ours.
 */
export function ownerKeyOf(child: KubeObject, owner: OwnerMatch): string | undefined {
  const namespace = child.metadata?.namespace;
  for (const ref of child.metadata?.ownerReferences ?? []) {
    if (ref.controller === true && ref.kind === owner.kind && groupOf(ref.apiVersion) === owner.group && ref.name) {
      return makeKey(namespace, ref.name);
    }
  }
  const label = owner.instanceLabel === false ? undefined : (owner.instanceLabel ?? INSTANCE_LABEL);
  const instance = label ? child.metadata?.labels?.[label] : undefined;
  return instance ? makeKey(namespace, instance) : undefined;
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash >= 0 ? apiVersion.slice(0, slash) : '';
}

/** The uid of the child's controller ownerReference (at most one), for an owner index. */
export function controllerOwnerUids(child: KubeObject): string[] {
  const uid = child.metadata?.ownerReferences?.find((ref) => ref.controller === true)?.uid;
  return uid ? [uid] : [];
}
