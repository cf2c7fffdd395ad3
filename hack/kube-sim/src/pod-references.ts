// What keeps the real kubelet from starting a pod's containers because a Secret or ConfigMap it
// references is missing. Volumes are mounted first: a missing volume source (or a missing key an
// item names) leaves every container waiting in ContainerCreating (the kubelet's FailedMount).
// Then each container's environment is built: a missing env valueFrom / envFrom source, or a
// missing key, is CreateContainerConfigError with the kubelet's own message. `optional: true`
// references never block. Pure: the objects come in through `lookup`.
import { isPlainObject } from './object-util.ts';
import type { KubeObject } from './types.ts';

export type ReferencedKind = 'Secret' | 'ConfigMap';

export interface PodBlocker {
  /** The container waiting reason the kubelet reports. */
  reason: 'ContainerCreating' | 'CreateContainerConfigError';
  message: string;
}

export type ObjectLookup = (kind: ReferencedKind, namespace: string, name: string) => KubeObject | undefined;

type Json = Record<string, unknown>;

const asObject = (value: unknown): Json | undefined => (isPlainObject(value) ? value : undefined);
const asArray = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isPlainObject) : []);
const asString = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The kubelet's lower-case resource word in "secret \"x\" not found". */
const resourceWord = (kind: ReferencedKind) => (kind === 'Secret' ? 'secret' : 'configmap');

function hasKey(object: KubeObject, key: string): boolean {
  const data = asObject((object as Json).data);
  const binary = asObject((object as Json).binaryData);
  return (data !== undefined && key in data) || (binary !== undefined && key in binary);
}

interface Source {
  kind: ReferencedKind;
  name: string;
  optional: boolean;
  /** Keys the pod needs from it. */
  keys: string[];
}

function volumeSources(volume: Json): Source[] {
  const sources: Source[] = [];
  const add = (kind: ReferencedKind, spec: Json | undefined, nameField: string) => {
    const name = asString(spec?.[nameField]);
    if (spec === undefined || name === undefined) return;
    sources.push({ kind, name, optional: spec.optional === true, keys: asArray(spec.items).flatMap((item) => asString(item.key) ?? []) });
  };
  add('Secret', asObject(volume.secret), 'secretName');
  add('ConfigMap', asObject(volume.configMap), 'name');
  for (const projected of asArray(asObject(volume.projected)?.sources)) {
    add('Secret', asObject(projected.secret), 'name');
    add('ConfigMap', asObject(projected.configMap), 'name');
  }
  return sources;
}

function mountBlocker(pod: KubeObject, namespace: string, lookup: ObjectLookup): PodBlocker | undefined {
  for (const volume of asArray(asObject((pod as Json).spec)?.volumes)) {
    for (const source of volumeSources(volume)) {
      if (source.optional) continue;
      const found = lookup(source.kind, namespace, source.name);
      const volumeName = asString(volume.name) ?? '';
      if (found === undefined) return { reason: 'ContainerCreating', message: `MountVolume.SetUp failed for volume "${volumeName}" : ${resourceWord(source.kind)} "${source.name}" not found` };
      const missingKey = source.keys.find((key) => !hasKey(found, key));
      if (missingKey !== undefined) return { reason: 'ContainerCreating', message: `MountVolume.SetUp failed for volume "${volumeName}" : references non-existent ${resourceWord(source.kind)} key: ${missingKey}` };
    }
  }
  return undefined;
}

function containerEnvSources(container: Json): Source[] {
  const sources: Source[] = [];
  for (const from of asArray(container.envFrom)) {
    for (const [kind, field] of [['Secret', 'secretRef'], ['ConfigMap', 'configMapRef']] as const) {
      const ref = asObject(from[field]);
      const name = asString(ref?.name);
      if (ref !== undefined && name !== undefined) sources.push({ kind, name, optional: ref.optional === true, keys: [] });
    }
  }
  for (const env of asArray(container.env)) {
    const valueFrom = asObject(env.valueFrom);
    for (const [kind, field] of [['Secret', 'secretKeyRef'], ['ConfigMap', 'configMapKeyRef']] as const) {
      const ref = asObject(valueFrom?.[field]);
      const name = asString(ref?.name);
      const key = asString(ref?.key);
      if (ref !== undefined && name !== undefined) sources.push({ kind, name, optional: ref.optional === true, keys: key === undefined ? [] : [key] });
    }
  }
  return sources;
}

function configBlocker(pod: KubeObject, namespace: string, lookup: ObjectLookup): PodBlocker | undefined {
  const spec = asObject((pod as Json).spec);
  for (const container of [...asArray(spec?.initContainers), ...asArray(spec?.containers)]) {
    for (const source of containerEnvSources(container)) {
      if (source.optional) continue;
      const found = lookup(source.kind, namespace, source.name);
      if (found === undefined) return { reason: 'CreateContainerConfigError', message: `${resourceWord(source.kind)} "${source.name}" not found` };
      const missingKey = source.keys.find((key) => !hasKey(found, key));
      if (missingKey !== undefined) return { reason: 'CreateContainerConfigError', message: `couldn't find key ${missingKey} in ${source.kind} ${namespace}/${source.name}` };
    }
  }
  return undefined;
}

/** Why the kubelet cannot start this pod's containers yet; undefined when nothing is missing. */
export function podBlocker(pod: KubeObject, lookup: ObjectLookup): PodBlocker | undefined {
  const namespace = pod.metadata.namespace ?? 'default';
  return mountBlocker(pod, namespace, lookup) ?? configBlocker(pod, namespace, lookup);
}
